// UTF-8 length for limits owners read in characters, and Telegram's UTF-16 length ("at most 30
// characters"): a Cyrillic letter is two bytes and an emoji four, but each is one character.
// Header-only; shared by the engine and the built-in modules.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::utf8 {

// The number of code points in valid UTF-8 (every byte that does not continue a sequence).
constexpr std::size_t length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The length Telegram counts for its limits (4096 for a message text, 1024 for a caption): UTF-16
// code units of valid UTF-8, so a Cyrillic letter is one and an emoji outside the BMP two.
constexpr std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte
    n += b >= 0xF0 ? 2 : 1;            // four-byte sequences are surrogate pairs
  }
  return n;
}

// Splits valid UTF-8 into pieces of at most `limit` UTF-16 units (Telegram's count: 4096 for a
// message), each cut after the last line break that fits, else between two characters; joined,
// the pieces give `text` back. For messages that can grow past the limit (a form's summary with
// long answers), so they arrive in several messages instead of being refused.
inline std::vector<std::string> split(std::string_view text, std::size_t limit = 4096) {
  std::vector<std::string> pieces;
  std::size_t start = 0;        // byte where the current piece begins
  std::size_t units = 0;        // its UTF-16 length so far
  std::size_t after_break = 0;  // byte after its last '\n' (0: none yet)
  std::size_t units_at_break = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t bytes = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    const std::size_t width = b >= 0xF0 ? 2 : 1;
    if (units + width > limit && i > start) {
      const std::size_t cut = after_break > start ? after_break : i;
      pieces.emplace_back(text.substr(start, cut - start));
      units = cut == i ? 0 : units - units_at_break;
      start = cut;
      after_break = 0;
      continue;  // the same character again, now in the new piece
    }
    units += width;
    i += bytes;
    if (b == '\n') {
      after_break = i;
      units_at_break = units;
    }
  }
  if (start < text.size() || pieces.empty()) pieces.emplace_back(text.substr(start));
  return pieces;
}

}  // namespace corebot::utf8
