#include "content/reader/text_encoding.hpp"

#include <array>
#include <cstdint>

#include "content/text.hpp"

namespace corebot::content::detail {
namespace {

// Windows-1251, bytes 0x80..0xFF (0x98 is unassigned: U+FFFD).
constexpr std::array<uint16_t, 128> kWindows1251 = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039,
    0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408,
    0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB,
    0x0458, 0x0405, 0x0455, 0x0457, 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x0420, 0x0421, 0x0422, 0x0423,
    0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B,
    0x043C, 0x043D, 0x043E, 0x043F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};

// Windows-1252, bytes 0x80..0x9F; 0xA0..0xFF are Latin-1 (the same code points).
constexpr std::array<uint16_t, 32> kWindows1252 = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

// A byte that is a letter in Windows-1251: А..я, Ё, ё.
bool cyrillic_letter(unsigned char b) { return b >= 0xC0 || b == 0xA8 || b == 0xB8; }

}  // namespace

SingleByteEncoding guess_single_byte_encoding(std::string_view bytes) {
  // Russian words are runs of high bytes; in Western text accented letters stand mostly alone
  // or in pairs ("café", "Größe"). Count the high bytes that sit in runs of three letters or more.
  size_t high = 0;
  size_t in_words = 0;
  size_t run = 0;
  auto end_run = [&] {
    if (run >= 3) in_words += run;
    run = 0;
  };
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) ++high;
    if (cyrillic_letter(b)) {
      ++run;
    } else {
      end_run();
    }
  }
  end_run();
  return high > 0 && in_words * 2 >= high ? SingleByteEncoding::kWindows1251
                                          : SingleByteEncoding::kWindows1252;
}

std::string decode_single_byte(std::string_view bytes, SingleByteEncoding encoding) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else if (encoding == SingleByteEncoding::kWindows1251) {
      append_utf8(out, kWindows1251[b - 0x80]);
    } else {
      append_utf8(out, b < 0xA0 ? kWindows1252[b - 0x80] : b);
    }
  }
  return out;
}

std::string_view encoding_name(SingleByteEncoding encoding) {
  return encoding == SingleByteEncoding::kWindows1251 ? "Windows-1251 (Cyrillic)"
                                                      : "Windows-1252 (Western European)";
}

bool looks_like_single_byte_text(std::string_view bytes) {
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\t' && c != '\n' && c != '\r') || b == 0x7F) return false;
  }
  return true;
}

}  // namespace corebot::content::detail
