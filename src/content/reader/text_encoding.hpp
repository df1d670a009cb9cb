// Single-byte encodings of CSV files that are not UTF-8: Excel's "CSV (Comma delimited)" is
// saved in the Windows code page of the system's language, Windows-1251 on Russian (and other
// Cyrillic) Windows, Windows-1252 in Western Europe. Owners rarely know which they chose, so
// the reader guesses and says which encoding it assumed.
#pragma once

#include <string>
#include <string_view>

namespace corebot::content::detail {

enum class SingleByteEncoding { kWindows1251, kWindows1252 };

// The likelier encoding of text that is not UTF-8: Windows-1251 when most of its non-ASCII
// bytes form words of Cyrillic letters, else Windows-1252.
SingleByteEncoding guess_single_byte_encoding(std::string_view bytes);
// The text as UTF-8. Every byte maps to a character (the unassigned ones, 0x98 of Windows-1251
// and five of Windows-1252, to U+FFFD).
std::string decode_single_byte(std::string_view bytes, SingleByteEncoding encoding);
// "Windows-1251 (Cyrillic)", for the owner.
std::string_view encoding_name(SingleByteEncoding encoding);
// True when the bytes could be text: no NUL or other control characters but tab, CR and LF.
bool looks_like_single_byte_text(std::string_view bytes);

}  // namespace corebot::content::detail
