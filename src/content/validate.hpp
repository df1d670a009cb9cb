// Validating a workbook against SheetSpecs: header matching, per-cell type checks, uniqueness,
// references to pages. The result gives modules typed access to the rows that were checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/report.hpp"
#include "content/schema.hpp"
#include "content/workbook.hpp"

namespace corebot::content {

// One data row of a validated sheet.
struct Record {
  uint32_t row = 0;   // 0-based row in the sheet
  bool valid = true;  // false when a cell of this row had an error
};

// A sheet matched against its spec.
class Table {
 public:
  Table(const SheetSpec& spec, const Sheet* sheet) : spec_(&spec), sheet_(sheet) {}

  const SheetSpec& spec() const { return *spec_; }
  const Sheet* sheet() const { return sheet_; }  // nullptr when the workbook has no such sheet
  const std::string& sheet_name() const;         // the name as written in the workbook
  const std::vector<Record>& records() const { return records_; }
  uint32_t header_row() const { return header_row_; }

  // The sheet column of a spec column (by its spec name), or nullopt when it is absent.
  std::optional<uint32_t> column(std::string_view name) const;
  // The trimmed value of a cell in a record; "" when the column is absent or the cell empty.
  std::string_view value(const Record& record, std::string_view column) const;
  const Cell& cell(const Record& record, std::string_view column) const;
  // "B7" for the record's cell in that column (the row's first cell when the column is absent).
  std::string address(const Record& record, std::string_view column) const;
  // Headers the spec does not list: (sheet column, header as written).
  const std::vector<std::pair<uint32_t, std::string>>& extra_columns() const { return extra_; }

 private:
  friend class Validator;
  const SheetSpec* spec_;
  const Sheet* sheet_;
  uint32_t header_row_ = 0;
  std::vector<std::optional<uint32_t>> columns_;  // by spec column index
  std::vector<std::pair<uint32_t, std::string>> extra_;
  std::vector<Record> records_;
};

struct Validation {
  std::vector<Table> tables;  // one per spec, in spec order (the specs must outlive this)
  Report report;

  const Table* table(std::string_view sheet_name) const;
};

// Checks every spec against the workbook. Never throws on bad content: everything goes into
// the report. Page references (kPageRef) are checked against the "id" column of the "Pages"
// spec when one is among specs.
Validation validate(const Workbook& workbook, const std::vector<SheetSpec>& specs);

// Reports a kError cell ("the cell shows the error #DIV/0! — ...").
void report_error_cell(Report& report, const std::string& sheet, const Cell& cell);

}  // namespace corebot::content
