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

// `s` with upper-case letters lowered, for case-insensitive search ("Чай" finds "ЧАЙ"): ASCII,
// Latin-1 (À-Þ), Greek (Α-Ω) and Cyrillic (Ѐ-Я) letters; other characters unchanged. Valid UTF-8
// stays valid (every letter it lowers keeps its byte length).
inline std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b);
      continue;
    }
    if ((b & 0xE0) == 0xC0 && i + 1 < s.size()) {
      unsigned cp = ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) ||
          (cp >= 0x410 && cp <= 0x42F)) {
        cp += 0x20;
      } else if (cp >= 0x400 && cp <= 0x40F) {
        cp += 0x50;  // Ѐ..Џ -> ѐ..џ (Ё -> ё)
      }
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      ++i;
      continue;
    }
    out += static_cast<char>(b);
  }
  return out;
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
