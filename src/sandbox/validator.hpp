// Checks a Bot API call's parameters against the spec table (src/telegram/spec.hpp) and turns them
// into typed JSON, the way Telegram's server reads them:
//   Integer          a JSON integer or a string of digits (optional '-'), within int64
//   Float            a JSON number or a numeric string
//   Boolean          true/false (JSON or "true"/"false"/"1"/"0", any case)
//   String           a string (JSON numbers and booleans are taken as their text)
//   Integer or String (chat_id)   an integer when it reads as one, else the string
//   InputFile or String   an upload (multipart part named like the field, or "attach://<part>")
//                    becomes {"upload":"<part>"}; a string stays a string (file_id or URL)
//   Array of X / an object type   a JSON value of that shape, or a string holding one
// Parameters the method does not declare are dropped, as Telegram ignores them. Empty strings
// count as absent. Errors carry Telegram's wording (see docs/sandbox.md).
#pragma once

#include <boost/json/object.hpp>

#include <string_view>
#include <variant>

#include "sandbox/api_error.hpp"
#include "sandbox/params.hpp"
#include "telegram/spec.hpp"

namespace corebot::sandbox {

// nullptr when the spec has no such method (compared case-insensitively, as Telegram does).
[[nodiscard]] const telegram::spec::Method* find_method(std::string_view name);

// The typed parameters, or the 400 Telegram would answer.
[[nodiscard]] std::variant<boost::json::object, ApiError> validate_params(
    const telegram::spec::Method& method, const RawParams& params);

// Parses a whole decimal int64 ("-12"); nullopt on anything else (overflow included).
[[nodiscard]] std::optional<std::int64_t> parse_int64(std::string_view text);

}  // namespace corebot::sandbox
