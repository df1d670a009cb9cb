#include "content/reader/reader.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <utility>
#include <vector>

#include "content/reader/builder.hpp"
#include "content/reader/text_encoding.hpp"
#include "content/text.hpp"

namespace corebot::content {
namespace {

using detail::ReadFailure;

uint32_t le32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
  return v;
}
uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               (static_cast<unsigned char>(b[at + 1]) << 8));
}

struct ZipDirectory {
  std::vector<std::string_view> names;
  uint64_t uncompressed = 0;
};

// Reads the zip central directory ourselves before liborcus sees the file: it rejects
// truncated archives early with a clear message and bounds what decompression may produce.
ZipDirectory scan_zip(std::string_view b, const ReadLimits& limits) {
  constexpr size_t kEocd = 22;
  if (b.size() < kEocd) throw ReadFailure("the zip archive is truncated or corrupt");
  size_t eocd = std::string_view::npos;
  const size_t lowest = b.size() >= kEocd + 65535 ? b.size() - kEocd - 65535 : 0;
  for (size_t i = b.size() - kEocd + 1; i-- > lowest;) {
    if (le32(b, i) == 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos) {
    throw ReadFailure("the zip archive is truncated or corrupt (no central directory)");
  }
  const size_t count = le16(b, eocd + 10);
  const size_t cd_size = le32(b, eocd + 12);
  const size_t cd_offset = le32(b, eocd + 16);
  if (cd_offset > eocd || cd_size > eocd - cd_offset) {
    throw ReadFailure("the zip archive is truncated or corrupt (bad central directory)");
  }
  ZipDirectory dir;
  size_t at = cd_offset;
  for (size_t i = 0; i < count; ++i) {
    if (at + 46 > eocd || le32(b, at) != 0x02014b50) {
      throw ReadFailure("the zip archive is truncated or corrupt (bad directory entry)");
    }
    const uint32_t size = le32(b, at + 24);
    const size_t name_len = le16(b, at + 28);
    const size_t extra_len = le16(b, at + 30);
    const size_t comment_len = le16(b, at + 32);
    if (size == 0xFFFFFFFF) throw ReadFailure("ZIP64 archives are not supported");
    if (at + 46 + name_len > eocd) {
      throw ReadFailure("the zip archive is truncated or corrupt (bad directory entry)");
    }
    // liborcus sizes its buffers from the local header, not from this directory (found by
    // fuzzing: a local header claiming 3 GB made it allocate 3 GB), so both must agree.
    const uint32_t compressed = le32(b, at + 20);
    const size_t local = le32(b, at + 42);
    if (local > b.size() || b.size() - local < 30 || le32(b, local) != 0x04034b50) {
      throw ReadFailure("the zip archive is truncated or corrupt (bad local header)");
    }
    const bool sizes_in_descriptor = (le16(b, local + 6) & 0x0008) != 0;
    const uint32_t local_compressed = le32(b, local + 18);
    const uint32_t local_size = le32(b, local + 22);
    if (compressed > b.size() ||
        (!sizes_in_descriptor && (local_size != size || local_compressed != compressed)) ||
        (sizes_in_descriptor && (local_size > size || local_compressed > compressed))) {
      throw ReadFailure("the zip archive is truncated or corrupt (sizes do not match)");
    }
    dir.names.push_back(b.substr(at + 46, name_len));
    dir.uncompressed += size;
    at += 46 + name_len + extra_len + comment_len;
  }
  if (dir.uncompressed > limits.max_uncompressed_bytes) {
    throw ReadFailure("it unpacks to more than " +
                      std::to_string(limits.max_uncompressed_bytes >> 20) + " MiB");
  }
  return dir;
}

bool has_entry(const ZipDirectory& dir, std::string_view name) {
  return std::find(dir.names.begin(), dir.names.end(), name) != dir.names.end();
}

std::string stem_of(std::string_view source_name) {
  std::string stem = std::filesystem::path(std::string(source_name)).stem().string();
  return stem.empty() ? "Sheet1" : stem;
}

std::string display_name(const std::filesystem::path& path) {
  return path.filename().empty() ? path.string() : path.filename().string();
}

// Reads at most limit + 1 bytes so an oversized file is detected without loading it.
std::optional<std::string> slurp(const std::filesystem::path& path, size_t limit,
                                 std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open the file (" + std::string(std::strerror(errno)) + ")";
    return std::nullopt;
  }
  std::string data;
  data.resize(limit + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad()) {
    *error = "cannot read the file";
    return std::nullopt;
  }
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

constexpr char kEmptyFileFix[] =
    "the save, copy or upload did not finish: save the spreadsheet again and reload";

// What a zip archive that is not the expected spreadsheet holds, and what to do about it.
std::pair<std::string, std::string> not_a_spreadsheet(const ZipDirectory& dir,
                                                      std::string_view bytes) {
  const std::string save_again =
      "open your spreadsheet in Excel, LibreOffice or Google Sheets, save it as .xlsx and use "
      "that file";
  if (has_entry(dir, "xl/workbook.xml")) {
    return {"it is an Excel file (.xlsx)", "rename it to .xlsx"};
  }
  if (has_entry(dir, "content.xml")) {
    if (bytes.find("application/vnd.oasis.opendocument.spreadsheet") != std::string_view::npos) {
      return {"it is an OpenDocument spreadsheet (.ods)", "rename it to .ods"};
    }
    return {"it is an OpenDocument text or presentation, not a spreadsheet", save_again};
  }
  if (has_entry(dir, "word/document.xml")) {
    return {"it is a Word document, not a spreadsheet", save_again};
  }
  if (has_entry(dir, "ppt/presentation.xml")) {
    return {"it is a PowerPoint presentation, not a spreadsheet", save_again};
  }
  for (std::string_view name : dir.names) {
    const std::string lower = fold_case(name);
    if (lower.ends_with(".xlsx") || lower.ends_with(".ods") || lower.ends_with(".csv")) {
      return {"it is a zip archive holding " + sanitize_utf8(excerpt(name, 60)),
              "unpack the archive and use the spreadsheet inside"};
    }
  }
  return {"it is a zip archive that holds no spreadsheet", save_again};
}

std::string too_big(size_t limit) {
  return "the file is larger than " + std::to_string(limit >> 20) + " MiB";
}

}  // namespace

std::string_view format_name(Format format) {
  switch (format) {
    case Format::kXlsx:
      return "XLSX";
    case Format::kOds:
      return "ODS";
    case Format::kCsv:
      return "CSV";
  }
  return "?";
}

std::optional<Format> format_from_extension(const std::filesystem::path& path) {
  const std::string ext = fold_case(path.extension().string());
  if (ext == ".xlsx" || ext == ".xlsm") return Format::kXlsx;
  if (ext == ".ods") return Format::kOds;
  if (ext == ".csv" || ext == ".tsv" || ext == ".txt") return Format::kCsv;
  return std::nullopt;
}

std::optional<Format> sniff_format(std::string_view bytes) {
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
    try {
      const ZipDirectory dir = scan_zip(bytes, ReadLimits{});
      if (has_entry(dir, "xl/workbook.xml")) return Format::kXlsx;
      if (has_entry(dir, "content.xml") &&
          bytes.find("application/vnd.oasis.opendocument.spreadsheet") != std::string_view::npos) {
        return Format::kOds;
      }
    } catch (const ReadFailure&) {
    }
    return std::nullopt;
  }
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") return Format::kCsv;
  if (bytes.find('\0') == std::string_view::npos &&
      (is_valid_utf8(bytes) || detail::looks_like_single_byte_text(bytes))) {
    return Format::kCsv;  // UTF-8, or a single-byte encoding the CSV reader guesses
  }
  return std::nullopt;
}

ReadResult read_workbook_bytes(std::string_view bytes, Format format, std::string_view source_name,
                               const ReadLimits& limits) {
  ReadResult result;
  auto fail = [&](const std::string& what) {
    result.error = std::string(source_name) + ": " + what;
    return result;
  };
  if (bytes.size() > limits.max_file_bytes) return fail(too_big(limits.max_file_bytes));
  if (bytes.empty()) {
    result.fix = kEmptyFileFix;
    return fail("the file is empty (0 bytes)");
  }
  try {
    detail::WorkbookBuilder builder(std::string(source_name), limits);
    if (format == Format::kCsv) {
      detail::read_csv(bytes, stem_of(source_name), builder);
    } else {
      const std::string kind = "not a valid " + std::string(format_name(format)) + " file: ";
      if (bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4)) {
        if (sniff_format(bytes) == Format::kCsv) {
          return fail(kind + "it is plain text — rename it to .csv or save it again as " +
                      std::string(format_name(format)));
        }
        return fail(kind + "it is not a zip archive (maybe an old .xls, or not a spreadsheet)");
      }
      ZipDirectory dir;
      try {
        dir = scan_zip(bytes, limits);
      } catch (const ReadFailure& e) {
        return fail(kind + e.what());
      }
      if ((format == Format::kXlsx && !has_entry(dir, "xl/workbook.xml")) ||
          (format == Format::kOds && !has_entry(dir, "content.xml"))) {
        auto [what, fix] = not_a_spreadsheet(dir, bytes);
        result.fix = std::move(fix);
        return fail(kind + what);
      }
      try {
        detail::read_zip_spreadsheet(bytes, format, builder);
      } catch (const ReadFailure&) {
        throw;
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::exception& e) {
        return fail(kind + sanitize_utf8(excerpt(e.what(), 200)));
      }
    }
    if (builder.sheet_count() == 0) return fail("the workbook has no sheets");
    result.workbook = builder.finish();
  } catch (const ReadFailure& e) {
    result.fix = e.fix();
    return fail(e.what());
  } catch (const std::bad_alloc&) {
    return fail("not enough memory to read the file");
  } catch (const std::exception& e) {
    return fail("cannot be read: " + sanitize_utf8(excerpt(e.what(), 200)));
  } catch (...) {
    return fail("cannot be read (unknown error)");
  }
  return result;
}

ReadResult read_workbook(const std::filesystem::path& path, const ReadLimits& limits) {
  ReadResult result;
  const std::string name = display_name(path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec) && fold_case(entry.path().extension().string()) == ".csv") {
        files.push_back(entry.path());
      }
    }
    if (ec) {
      result.error = name + ": cannot list the folder (" + ec.message() + ")";
      return result;
    }
    if (files.empty()) {
      result.error = name + ": the folder holds no .csv files";
      return result;
    }
    std::sort(files.begin(), files.end());
    detail::WorkbookBuilder builder(path.string(), limits);
    for (const auto& file : files) {
      std::string error;
      auto data = slurp(file, limits.max_file_bytes, &error);
      if (data && data->size() > limits.max_file_bytes) error = too_big(limits.max_file_bytes);
      if (!error.empty()) {
        result.error = name + "/" + display_name(file) + ": " + error;
        return result;
      }
      try {
        detail::read_csv(*data, file.stem().string(), builder);
      } catch (const std::exception& e) {
        result.error = name + "/" + display_name(file) + ": " + e.what();
        return result;
      }
    }
    result.workbook = builder.finish();
    return result;
  }
  const auto format = format_from_extension(path);
  if (!format) {
    result.error = name + ": unknown file type \"" + path.extension().string() +
                   "\" — use .xlsx, .ods or .csv";
    return result;
  }
  std::string error;
  auto data = slurp(path, limits.max_file_bytes, &error);
  if (!data) {
    result.error = name + ": " + error;
    return result;
  }
  return read_workbook_bytes(*data, *format, name, limits);
}

}  // namespace corebot::content
