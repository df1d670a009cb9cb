// CSV: RFC 4180 plus what spreadsheet programs actually write (BOM, ';' or tab delimiters,
// UTF-16 "Unicode text" exports, bare CR line ends).
#include <algorithm>
#include <array>
#include <string>

#include "content/reader/builder.hpp"
#include "content/reader/text_encoding.hpp"
#include "content/text.hpp"

namespace corebot::content::detail {
namespace {

std::string utf16_to_utf8(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](size_t i) -> uint32_t {
    const auto a = static_cast<unsigned char>(bytes[i]);
    const auto b = static_cast<unsigned char>(bytes[i + 1]);
    return little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < bytes.size()) {
      const uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    append_utf8(out, cp);
  }
  return out;
}

// Picks the delimiter that occurs most often outside quotes on the first line (the header).
char detect_delimiter(std::string_view text) {
  std::array<size_t, 3> counts{};  // ',', ';', '\t'
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  // Ties go to the rarer character in text: tab, then ';', then ','.
  if (counts[2] > 0 && counts[2] >= counts[0] && counts[2] >= counts[1]) return '\t';
  if (counts[1] > 0 && counts[1] >= counts[0]) return ';';
  return ',';
}

}  // namespace

void read_csv(std::string_view bytes, std::string sheet_name, WorkbookBuilder& builder) {
  std::string converted;
  if (bytes.size() >= 2 && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    converted = utf16_to_utf8(bytes.substr(2), bytes[0] == '\xFF');
    bytes = converted;
  } else if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
  }
  if (bytes.find('\0') != std::string_view::npos) {
    throw ReadFailure("not a CSV text file (it contains binary data)");
  }
  std::string decoded;
  if (!converted.empty() || is_valid_utf8(bytes)) {
    // UTF-8 (or UTF-16, converted above): the encoding every current program can save.
  } else if (!looks_like_single_byte_text(bytes)) {
    throw ReadFailure("not a CSV text file (it contains binary data)");
  } else {
    // Excel's plain "CSV" is in the Windows code page: read it rather than refuse it, and say
    // which one was assumed, since a wrong guess garbles every letter outside ASCII.
    const SingleByteEncoding encoding = guess_single_byte_encoding(bytes);
    decoded = decode_single_byte(bytes, encoding);
    bytes = decoded;
    builder.add_warning(ReadWarning{
        sheet_name, "the file is not UTF-8; it was read as " + std::string(encoding_name(encoding)),
        "if letters look wrong, save it as \"CSV UTF-8\" (Excel) or choose the UTF-8 character "
        "set when saving (LibreOffice)"});
  }
  const size_t sheet = builder.add_sheet(std::move(sheet_name));
  const char delimiter = detect_delimiter(bytes);
  const ReadLimits& limits = builder.limits();

  uint32_t row = 0, col = 0;
  size_t line = 1;
  std::string field;
  size_t i = 0;
  const size_t n = bytes.size();
  auto emit = [&]() {
    if (!field.empty()) {
      if (row >= limits.max_rows) {
        throw ReadFailure("more than " + std::to_string(limits.max_rows) +
                          " rows — split the content or remove unused rows");
      }
      builder.set(sheet, Cell{row, col, CellKind::kText, std::move(field), 0});
    }
    field.clear();
  };
  while (i < n) {
    // One field per iteration.
    if (bytes[i] == '"') {
      const size_t start_line = line;
      ++i;
      while (true) {
        if (i >= n) {
          throw ReadFailure("line " + std::to_string(start_line) +
                            ": a quoted field is never closed — add the missing '\"'");
        }
        const char c = bytes[i++];
        if (c == '"') {
          if (i < n && bytes[i] == '"') {
            field += '"';
            ++i;
            continue;
          }
          break;
        }
        if (c == '\n') ++line;
        field += c;
        if (field.size() > limits.max_cell_bytes) break;  // builder reports it
      }
    }
    // Unquoted part (or text after a closing quote, kept as is, as spreadsheets do).
    while (i < n && bytes[i] != delimiter && bytes[i] != '\n' && bytes[i] != '\r') {
      field += bytes[i++];
      if (field.size() > limits.max_cell_bytes) break;
    }
    if (field.size() > limits.max_cell_bytes) {
      emit();  // throws the size error with the cell's address
    }
    emit();
    if (i >= n) break;
    if (bytes[i] == delimiter) {
      ++i;
      if (++col >= limits.max_columns) {
        throw ReadFailure("line " + std::to_string(line) + ": more than " +
                          std::to_string(limits.max_columns) + " columns");
      }
      if (i >= n) break;
      continue;
    }
    // End of record: \n, \r\n or \r.
    if (bytes[i] == '\r' && i + 1 < n && bytes[i + 1] == '\n') ++i;
    ++i;
    ++line;
    ++row;
    col = 0;
  }
}

}  // namespace corebot::content::detail
