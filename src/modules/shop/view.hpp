// One screen of the shop (a text or a photo with a caption, and its buttons) and how it reaches
// the chat: a button press edits the message it was pressed on (editMessageText, or
// editMessageMedia from photo to photo), so browsing never floods the chat; where Telegram
// cannot turn one kind into the other (text into photo) the screen is sent anew and the old
// message deleted.
#pragma once

#include <boost/json.hpp>

#include <string>

#include "corebot/context.hpp"

namespace corebot::modules::shop {

struct View {
  std::string photo;  // URL or file id; empty: a text message
  std::string text;
  boost::json::array keyboard;  // rows of inline buttons
};

// A button with callback data.
boost::json::object button(std::string text, std::string data);

// Shows `view`: in place of the pressed message for a callback, as a new message otherwise.
void show(Context& ctx, View view);
// Always as a new message (e.g. after the user typed something).
void send_view(Context& ctx, View view);

}  // namespace corebot::modules::shop
