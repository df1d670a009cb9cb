#include "content/workbook.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "content/text.hpp"

namespace corebot::content {

std::string column_name(uint32_t col) {
  std::string name;
  uint64_t n = static_cast<uint64_t>(col) + 1;
  while (n > 0) {
    const auto rem = static_cast<char>((n - 1) % 26);
    name.insert(name.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return name;
}

std::string cell_address(uint32_t row, uint32_t col) {
  return column_name(col) + std::to_string(static_cast<uint64_t>(row) + 1);
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "INF" : "-INF";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return std::string(buf) == "-0" ? "0" : buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  return buf;
}

const Cell& Sheet::at(uint32_t row_index, uint32_t col) const {
  if (const Row* r = row(row_index)) {
    auto it = std::lower_bound(r->cells.begin(), r->cells.end(), col,
                               [](const Cell& c, uint32_t v) { return c.col < v; });
    if (it != r->cells.end() && it->col == col) return *it;
  }
  empty_ = Cell{row_index, col, CellKind::kEmpty, {}, 0};
  return empty_;
}

const Row* Sheet::row(uint32_t index) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), index,
                             [](const Row& r, uint32_t v) { return r.index < v; });
  return it != rows_.end() && it->index == index ? &*it : nullptr;
}

size_t Sheet::cell_count() const {
  size_t n = 0;
  for (const Row& r : rows_) n += r.cells.size();
  return n;
}

void Sheet::set(Cell cell) { pending_.push_back(std::move(cell)); }

void Sheet::finish() {
  for (const Row& r : rows_) pending_.insert(pending_.end(), r.cells.begin(), r.cells.end());
  rows_.clear();
  // Stable sort keeps the order of writes, so the last write to a cell wins.
  std::stable_sort(pending_.begin(), pending_.end(), [](const Cell& a, const Cell& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  for (size_t i = 0; i < pending_.size(); ++i) {
    Cell& c = pending_[i];
    if (i + 1 < pending_.size() && pending_[i + 1].row == c.row && pending_[i + 1].col == c.col) {
      continue;  // overwritten by a later write
    }
    if (c.kind == CellKind::kEmpty) continue;
    if (rows_.empty() || rows_.back().index != c.row) rows_.push_back(Row{c.row, {}});
    rows_.back().cells.push_back(std::move(c));
  }
  // Merged ranges: only the top-left cell keeps its value.
  for (const MergedRange& m : merged_) {
    auto first = std::lower_bound(rows_.begin(), rows_.end(), m.first_row,
                                  [](const Row& r, uint32_t v) { return r.index < v; });
    for (auto it = first; it != rows_.end() && it->index <= m.last_row; ++it) {
      std::erase_if(it->cells, [&](const Cell& c) {
        return c.col >= m.first_col && c.col <= m.last_col &&
               (c.row != m.first_row || c.col != m.first_col);
      });
    }
  }
  std::erase_if(rows_, [](const Row& r) { return r.cells.empty(); });
  pending_.clear();
  pending_.shrink_to_fit();
}

const Sheet* Workbook::find(std::string_view name) const {
  const std::string wanted = fold_case(trim(name));
  for (const Sheet& s : sheets) {
    if (fold_case(trim(s.name())) == wanted) return &s;
  }
  return nullptr;
}

}  // namespace corebot::content
