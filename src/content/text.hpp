// Small UTF-8 and string helpers shared by the readers, validation and compilation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::content {

// Removes ASCII whitespace and non-breaking spaces (U+00A0) from both ends.
std::string_view trim(std::string_view s);
// ASCII lowercase; other bytes unchanged (so UTF-8 stays valid).
std::string fold_case(std::string_view s);
// A header as matched against a schema: trimmed, ASCII-lowercased, '_' as space, spaces collapsed.
std::string normalize_header(std::string_view s);
// True when s is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Byte offset of the first invalid UTF-8 sequence, or npos when s is valid.
size_t find_invalid_utf8(std::string_view s);
// s with every invalid UTF-8 sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);
// Appends the UTF-8 encoding of a code point (at most U+10FFFF) to out.
void append_utf8(std::string& out, uint32_t code_point);
// Number of Unicode code points (s must be valid UTF-8).
size_t utf8_length(std::string_view s);
// Length in UTF-16 code units, the unit Telegram counts message lengths in.
size_t utf16_length(std::string_view s);
// Splits on '\n' (a preceding '\r' is dropped); keeps empty parts.
std::vector<std::string_view> split_lines(std::string_view s);
// Splits on every occurrence of sep; keeps empty parts.
std::vector<std::string_view> split(std::string_view s, std::string_view sep);
// Shortens s to at most max code points, adding "…" when cut (for quoting values in messages).
std::string excerpt(std::string_view s, size_t max = 40);

}  // namespace corebot::content
