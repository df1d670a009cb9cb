// Showing a content page to a user: text and labels in the user's language, the inline keyboard,
// a back button, media, and the choice between editing the pressed message and sending anew.
// Shared by the pages and language modules.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

#include "corebot/content.hpp"
#include "corebot/context.hpp"

namespace corebot::modules {

// The inline keyboard of `page` for this user, with a back button to the page that links to it
// (unless the page already has one, or the Settings say back_button = no).
boost::json::object page_markup(const Context& ctx, const Content& content, const Page& page);

// Options every message of the bot carries (parse_mode, link previews) from the Settings.
void add_message_options(const Content& content, boost::json::object& params);

// Shows `page`: edits `edit_message_id` in place when that is possible (a text message, a page
// without media that does not ask for a new message); a page with media, or a text page reached
// from a media message, replaces the pressed message (replace_message); a page that asks for a
// new message is sent and the pressed one kept.
void show_page(Context& ctx, const Content& content, const Page& page,
               std::int64_t edit_message_id = 0);

// Sends `method` with `params` to the update's chat, then deletes `old_message_id` (when not 0)
// once the new message arrived; a refused delete removes the old message's buttons instead. For a
// page that cannot be edited in place (text <-> media): docs/spreadsheet-format.md.
void replace_message(Context& ctx, std::int64_t old_message_id, std::string method,
                     boost::json::object params);

// The pressed message was a photo/document... whose text cannot be edited into a page.
bool callback_message_has_media(const Context& ctx);

}  // namespace corebot::modules
