// Internal to the readers: builds a Workbook while enforcing ReadLimits.
#pragma once

#include <stdexcept>
#include <string>

#include "content/reader/reader.hpp"

namespace corebot::content::detail {

// Thrown by readers for any problem with the input; message is shown to the owner after the
// file name, and fix (when a reader knows one) after it. Caught in reader.cpp and turned into
// ReadResult::error and ReadResult::fix.
class ReadFailure : public std::runtime_error {
 public:
  explicit ReadFailure(const std::string& what, std::string fix = {})
      : std::runtime_error(what), fix_(std::move(fix)) {}
  const std::string& fix() const { return fix_; }

 private:
  std::string fix_;
};

class WorkbookBuilder {
 public:
  WorkbookBuilder(std::string source, const ReadLimits& limits);

  // Adds a sheet and returns its index; throws ReadFailure past max_sheets.
  size_t add_sheet(std::string name);
  size_t sheet_count() const { return workbook_.sheets.size(); }
  // Sets a cell; invalid UTF-8 is repaired. Throws ReadFailure past a limit.
  void set(size_t sheet, Cell cell);
  void add_merged(size_t sheet, MergedRange range);
  void add_warning(ReadWarning warning) { workbook_.warnings.push_back(std::move(warning)); }
  Sheet& sheet(size_t index) { return workbook_.sheets.at(index); }
  const ReadLimits& limits() const { return limits_; }
  Workbook finish();

 private:
  Workbook workbook_;
  const ReadLimits& limits_;
  size_t cells_ = 0;
  size_t merged_ = 0;
};

// Reads one CSV into a new sheet named sheet_name.
void read_csv(std::string_view bytes, std::string sheet_name, WorkbookBuilder& builder);
// Reads XLSX or ODS through liborcus.
void read_zip_spreadsheet(std::string_view bytes, Format format, WorkbookBuilder& builder);

}  // namespace corebot::content::detail
