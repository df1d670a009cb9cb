// What a simulated user uploads with a message (POST /control/updates/message): a "photo", a
// "document" or a "voice", each {"data": base64 bytes, "file_name"?, "mime_type"?, "duration"?}.
// The bytes are stored like a bot's upload, so the file id the bot receives works as on
// Telegram: getFile and the file download return them, and sendPhoto/sendDocument take the id.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sandbox/api_error.hpp"
#include "sandbox/state.hpp"

namespace corebot::sandbox {

// The kinds a user may upload, in the order they are looked for in the request.
inline constexpr std::string_view kUserMediaKinds[] = {"photo", "document", "voice"};

// Stores the media of `request` (the control API's JSON body) and puts its Message fields into
// `message` (content, and the file id the control API's message view shows). Returns the new
// file id; nullopt when the request has no media; a 400 when it is malformed.
[[nodiscard]] std::variant<std::optional<std::string>, ApiError> attach_user_media(
    Bot& bot, const boost::json::object& request, Message& message);

// Standard base64 (RFC 4648, padding optional, no line breaks); nullopt when malformed.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text);

}  // namespace corebot::sandbox
