// Reading spreadsheets (XLSX, ODS, CSV) into the neutral Workbook model.
//
// Every function here is safe on hostile input: a corrupt, truncated, oversized or malicious
// file yields ReadResult::error naming the file and what is wrong; it never crashes or throws
// (except std::bad_alloc). Functions are thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "content/workbook.hpp"

namespace corebot::content {

enum class Format { kXlsx, kOds, kCsv };

std::string_view format_name(Format format);  // "XLSX", "ODS", "CSV"

// Bounds a reader enforces; exceeding one is a read error that says which limit was hit.
struct ReadLimits {
  size_t max_file_bytes = 20u << 20;           // the file (or download) itself
  size_t max_uncompressed_bytes = 200u << 20;  // sum of the zip entries of XLSX/ODS
  size_t max_sheets = 64;
  uint32_t max_rows = 100'000;  // per sheet, counting from row 1
  uint32_t max_columns = 1'024;
  size_t max_cells = 500'000;         // non-empty cells in the whole workbook
  size_t max_cell_bytes = 64u << 10;  // UTF-8 bytes in one cell
  size_t max_merged_ranges = 10'000;
};

struct ReadResult {
  std::optional<Workbook> workbook;  // set on success
  // On failure: "<file>: <what is wrong>", e.g.
  // "prices.xlsx: not a valid XLSX file (the zip archive is truncated or corrupt)".
  std::string error;
  // On failure, how to fix it when a reader knows better than "fix or re-export the file"
  // (e.g. "share the sheet as 'Anyone with the link'"); without "the bot keeps its content",
  // which the caller adds where it applies.
  std::string fix;

  bool ok() const { return workbook.has_value(); }
};

// The format a path's extension names (.xlsx, .ods, .csv, .tsv, .txt; case-insensitive).
std::optional<Format> format_from_extension(const std::filesystem::path& path);
// The format of file content: a zip holding xl/workbook.xml is XLSX, an ODF spreadsheet is ODS;
// anything else that is text (UTF-8, or single-byte without control characters) is CSV; nullopt
// otherwise.
std::optional<Format> sniff_format(std::string_view bytes);

// Reads a local file, choosing the reader by extension. A directory is read as a set of CSV
// files, one sheet per `*.csv` file named after its stem, in file-name order. A single CSV is
// one sheet named after the file stem.
ReadResult read_workbook(const std::filesystem::path& path, const ReadLimits& limits = {});

// Reads content already in memory (a download, a fuzz input). source_name is used in messages
// and, for CSV, as the sheet name.
ReadResult read_workbook_bytes(std::string_view bytes, Format format, std::string_view source_name,
                               const ReadLimits& limits = {});

}  // namespace corebot::content
