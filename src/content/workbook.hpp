// The neutral workbook model every reader produces: sheets -> rows -> cells, values as the
// owner sees them. Readers (reader/) build it; validation and compilation only read it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::content {

enum class CellKind {
  kEmpty,
  kText,
  kNumber,
  kBoolean,
  kDateTime,  // text holds ISO 8601: "2024-05-01", "2024-05-01T10:30:00" or "10:30:00"
  kError,     // a formula error such as "#DIV/0!" (text holds it)
};

// Column letters of a 0-based column: 0 -> "A", 27 -> "AB".
std::string column_name(uint32_t col);
// "B3" for row 2, column 1 (both 0-based).
std::string cell_address(uint32_t row, uint32_t col);
// A number as a spreadsheet shows it in a general cell: integers without a fraction, otherwise
// up to 15 significant digits ("0.3", "1234567890123", "1.5E+20" -> "1.5e+20").
std::string format_number(double value);

struct Cell {
  uint32_t row = 0;  // 0-based
  uint32_t col = 0;  // 0-based
  CellKind kind = CellKind::kEmpty;
  // The value as the owner sees it: text (UTF-8, rich text flattened), a formatted number,
  // "TRUE"/"FALSE", an ISO date/time or an error code. Empty for kEmpty.
  std::string text;
  double number = 0;  // the numeric value for kNumber, 1/0 for kBoolean, 0 otherwise

  bool empty() const { return kind == CellKind::kEmpty; }
  std::string address() const { return cell_address(row, col); }
};

struct Row {
  uint32_t index = 0;       // 0-based row number in the sheet
  std::vector<Cell> cells;  // non-empty cells only, sorted by column
};

struct MergedRange {
  uint32_t first_row = 0, first_col = 0, last_row = 0, last_col = 0;  // inclusive, 0-based
};

class Sheet {
 public:
  Sheet() = default;
  explicit Sheet(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  // Rows that hold at least one non-empty cell, sorted by index.
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<MergedRange>& merged() const { return merged_; }
  // The cell at (row, col); a shared empty cell with that address when nothing is there.
  // The reference stays valid until the next call on this sheet (for empty cells) or for
  // the sheet's lifetime (for non-empty cells).
  const Cell& at(uint32_t row, uint32_t col) const;
  // The row with that index, or nullptr when it is empty.
  const Row* row(uint32_t index) const;
  size_t cell_count() const;

  // Building (readers only). set() replaces an existing cell; finish() sorts and drops empties.
  void set(Cell cell);
  void add_merged(MergedRange range) { merged_.push_back(range); }
  // Calls f on every cell set so far (before finish()), e.g. to turn serial numbers into dates.
  template <typename F>
  void transform_pending(F&& f) {
    for (Cell& c : pending_) f(c);
  }
  void finish();

 private:
  std::string name_;
  std::vector<Row> rows_;
  std::vector<MergedRange> merged_;
  std::vector<Cell> pending_;
  mutable Cell empty_;
};

// Something a reader noticed and the owner should know, though the file was read (e.g. the
// encoding a CSV file was assumed to be in). Compiling reports it as a warning.
struct ReadWarning {
  std::string sheet;  // "" for the whole file
  std::string what;
  std::string fix;
};

struct Workbook {
  std::string source;  // file name (or URL) the workbook came from, for messages
  std::vector<Sheet> sheets;
  std::vector<ReadWarning> warnings;

  // The sheet whose name matches, ignoring ASCII case and surrounding spaces; nullptr if none.
  const Sheet* find(std::string_view name) const;
};

}  // namespace corebot::content
