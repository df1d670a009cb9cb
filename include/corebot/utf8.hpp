// UTF-8 length for limits owners read in characters, and Telegram's UTF-16 length ("at most 30
// characters"): a Cyrillic letter is two bytes and an emoji four, but each is one character.
// Header-only; shared by the engine and the built-in modules.
#pragma once

#include <cstddef>
#include <string_view>

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

}  // namespace corebot::utf8
