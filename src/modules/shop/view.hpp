// One screen of the shop (a text or a photo with a caption, and its buttons) and how it reaches
// the chat: a button press edits the message it was pressed on (editMessageText; for the same
// photo, editMessageCaption), so browsing never floods the chat; where a text becomes a photo or
// one photo another, the screen is sent anew and the old message deleted (one live message
// either way; the sandbox, which tests prove this against, has no editMessageMedia).
#pragma once

#include <boost/json.hpp>

#include <string>

#include "corebot/context.hpp"

namespace corebot::modules::shop {

struct View {
  std::string photo;  // URL or file id; empty: a text message
  std::string text;
  boost::json::array keyboard;  // rows of inline buttons
  // The pressed message shows this view's photo already when it carries a button with this
  // callback data (a product card marks itself so): only its caption and buttons change.
  std::string same_photo_marker;
};

// A button with callback data.
boost::json::object button(std::string text, std::string data);

// Shows `view`: in place of the pressed message for a callback, as a new message otherwise.
void show(Context& ctx, View view);
// Always as a new message (e.g. after the user typed something).
void send_view(Context& ctx, View view);

}  // namespace corebot::modules::shop
