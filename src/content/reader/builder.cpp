#include "content/reader/builder.hpp"

#include "content/text.hpp"

namespace corebot::content::detail {

WorkbookBuilder::WorkbookBuilder(std::string source, const ReadLimits& limits) : limits_(limits) {
  workbook_.source = std::move(source);
}

size_t WorkbookBuilder::add_sheet(std::string name) {
  if (workbook_.sheets.size() >= limits_.max_sheets) {
    throw ReadFailure("more than " + std::to_string(limits_.max_sheets) + " sheets");
  }
  workbook_.sheets.emplace_back(sanitize_utf8(name));
  return workbook_.sheets.size() - 1;
}

void WorkbookBuilder::set(size_t sheet, Cell cell) {
  if (sheet >= workbook_.sheets.size()) return;
  if (cell.kind == CellKind::kEmpty) {
    workbook_.sheets[sheet].set(std::move(cell));  // clears a cell written before
    return;
  }
  const std::string& name = workbook_.sheets[sheet].name();
  if (cell.row >= limits_.max_rows) {
    throw ReadFailure("sheet \"" + name + "\" has content in row " +
                      std::to_string(uint64_t{cell.row} + 1) + ", past the limit of " +
                      std::to_string(limits_.max_rows) + " rows");
  }
  if (cell.col >= limits_.max_columns) {
    throw ReadFailure("sheet \"" + name + "\" has content in column " + column_name(cell.col) +
                      ", past the limit of " + std::to_string(limits_.max_columns) + " columns");
  }
  if (cell.text.size() > limits_.max_cell_bytes) {
    throw ReadFailure("cell " + name + "!" + cell.address() + " holds more than " +
                      std::to_string(limits_.max_cell_bytes / 1024) + " KiB of text");
  }
  if (++cells_ > limits_.max_cells) {
    throw ReadFailure("more than " + std::to_string(limits_.max_cells) +
                      " filled cells — remove unused content");
  }
  if (!is_valid_utf8(cell.text)) cell.text = sanitize_utf8(cell.text);
  workbook_.sheets[sheet].set(std::move(cell));
}

void WorkbookBuilder::add_merged(size_t sheet, MergedRange range) {
  if (sheet >= workbook_.sheets.size()) return;
  if (++merged_ > limits_.max_merged_ranges) {
    throw ReadFailure("more than " + std::to_string(limits_.max_merged_ranges) +
                      " merged cell ranges");
  }
  if (range.last_row < range.first_row || range.last_col < range.first_col) return;
  workbook_.sheets[sheet].add_merged(range);
}

Workbook WorkbookBuilder::finish() {
  for (Sheet& s : workbook_.sheets) s.finish();
  return std::move(workbook_);
}

}  // namespace corebot::content::detail
