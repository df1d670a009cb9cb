#include "content/validate.hpp"

#include <cmath>
#include <map>
#include <set>

#include "content/text.hpp"

namespace corebot::content {

const std::string& Table::sheet_name() const { return sheet_ ? sheet_->name() : spec_->name; }

std::optional<uint32_t> Table::column(std::string_view name) const {
  const std::string wanted = normalize_header(name);
  for (size_t i = 0; i < spec_->columns.size(); ++i) {
    if (normalize_header(spec_->columns[i].name) == wanted) return columns_[i];
  }
  return std::nullopt;
}

const Cell& Table::cell(const Record& record, std::string_view name) const {
  static const Cell kEmpty;
  const auto col = column(name);
  if (!col || sheet_ == nullptr) return kEmpty;
  return sheet_->at(record.row, *col);
}

std::string_view Table::value(const Record& record, std::string_view name) const {
  return trim(cell(record, name).text);
}

std::string Table::address(const Record& record, std::string_view name) const {
  return cell_address(record.row, column(name).value_or(0));
}

const Table* Validation::table(std::string_view sheet_name) const {
  const std::string wanted = fold_case(sheet_name);
  for (const Table& t : tables) {
    if (fold_case(t.spec().name) == wanted) return &t;
  }
  return nullptr;
}

// Does the work of validate(); a class only to share the report and to reach Table's privates.
class Validator {
 public:
  explicit Validator(Report& report) : report_(report) {}

  Table check_sheet(const SheetSpec& spec, const Workbook& workbook) {
    Table table(spec, workbook.find(spec.name));
    table.columns_.assign(spec.columns.size(), std::nullopt);
    const Sheet* sheet = table.sheet_;
    if (sheet == nullptr) {
      if (spec.required) {
        report_.error(
            spec.name, "", "the sheet is missing",
            "add a sheet named \"" + spec.name + "\" with the columns " + column_list(spec));
      }
      return table;
    }
    if (sheet->rows().empty()) {
      if (spec.required) {
        report_.error(sheet->name(), "", "the sheet is empty",
                      "put the column names (" + column_list(spec) + ") in the first row");
      }
      return table;
    }
    match_headers(table);
    collect_records(table);
    return table;
  }

  void check_references(Validation& v) {
    const Table* pages = v.table("Pages");
    std::set<std::string> ids;
    if (pages != nullptr && pages->column("id")) {
      for (const Record& r : pages->records()) ids.insert(fold_case(pages->value(r, "id")));
    }
    for (Table& table : v.tables) {
      for (size_t c = 0; c < table.spec().columns.size(); ++c) {
        const ColumnSpec& col = table.spec().columns[c];
        if (col.type != ColumnType::kPageRef || !table.columns_[c] || pages == nullptr) continue;
        for (Record& r : table.records_) {
          const std::string_view value = table.value(r, col.name);
          if (value.empty() || !is_id(value) || ids.count(fold_case(value)) != 0) continue;
          r.valid = false;
          report_.error(table.sheet_name(), table.address(r, col.name),
                        "page \"" + excerpt(value) + "\" does not exist",
                        "add a page with this id to the Pages sheet or correct the id");
        }
      }
    }
  }

 private:
  static std::string column_list(const SheetSpec& spec) {
    std::string out;
    for (const ColumnSpec& c : spec.columns) {
      if (!c.required) continue;
      out += (out.empty() ? "" : ", ") + c.name;
    }
    return out.empty() && !spec.columns.empty() ? spec.columns.front().name : out;
  }

  void match_headers(Table& table) {
    const SheetSpec& spec = *table.spec_;
    const Row& header = table.sheet_->rows().front();
    table.header_row_ = header.index;
    std::map<std::string, size_t> by_name;  // normalized header -> spec column
    for (size_t i = 0; i < spec.columns.size(); ++i) {
      by_name[normalize_header(spec.columns[i].name)] = i;
      for (const auto& alias : spec.columns[i].aliases) by_name[normalize_header(alias)] = i;
    }
    std::string known;
    for (const ColumnSpec& c : spec.columns) known += (known.empty() ? "" : ", ") + c.name;
    for (const Cell& cell : header.cells) {
      const std::string name = normalize_header(cell.text);
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        table.extra_.emplace_back(cell.col, std::string(trim(cell.text)));
        if (!spec.extra_columns_allowed) {
          report_.warning(table.sheet_name(), cell.address(),
                          "unknown column \"" + excerpt(trim(cell.text)) + "\" is ignored",
                          "check the spelling; the known columns are " + known);
        }
        continue;
      }
      auto& slot = table.columns_[it->second];
      if (slot) {
        report_.error(table.sheet_name(), cell.address(),
                      "the column \"" + spec.columns[it->second].name +
                          "\" appears twice (also in " + cell_address(cell.row, *slot) + ")",
                      "delete or rename one of them");
        continue;
      }
      slot = cell.col;
    }
    const std::optional<std::string> title = title_row_hint(table, by_name);
    for (size_t i = 0; i < spec.columns.size(); ++i) {
      if (spec.columns[i].required && !table.columns_[i]) {
        report_.error(table.sheet_name(), "",
                      "the column \"" + spec.columns[i].name + "\" is missing",
                      title.value_or("add it to the header row (row " +
                                     std::to_string(header.index + 1) + ")"));
      }
    }
  }

  // Owners often put a title ("Price list") above the column names. When the first filled row
  // lacks required columns that a row just below holds, the fix names that title row.
  static std::optional<std::string> title_row_hint(const Table& table,
                                                   const std::map<std::string, size_t>& by_name) {
    const SheetSpec& spec = *table.spec_;
    const auto& rows = table.sheet_->rows();
    for (size_t ri = 1; ri < rows.size() && ri <= 5; ++ri) {
      std::vector<bool> found(spec.columns.size());
      for (const Cell& cell : rows[ri].cells) {
        if (auto it = by_name.find(normalize_header(cell.text)); it != by_name.end()) {
          found[it->second] = true;
        }
      }
      bool all = true;
      for (size_t i = 0; i < spec.columns.size(); ++i) {
        if (spec.columns[i].required && !found[i]) all = false;
      }
      if (!all) continue;
      const Row& first = rows.front();
      return "the column names are in row " + std::to_string(rows[ri].index + 1) + ", below \"" +
             excerpt(trim(first.cells.front().text)) + "\" in row " +
             std::to_string(first.index + 1) +
             ": delete the rows above the column names (the first filled row must hold them)";
    }
    return std::nullopt;
  }

  void collect_records(Table& table) {
    const SheetSpec& spec = *table.spec_;
    std::vector<std::map<std::string, uint32_t>> seen(spec.columns.size());  // value -> row
    const auto& rows = table.sheet_->rows();
    for (size_t ri = 1; ri < rows.size(); ++ri) {
      const Row& row = rows[ri];
      bool any = false;
      for (size_t c = 0; c < spec.columns.size() && !any; ++c) {
        if (table.columns_[c]) any = !table.sheet_->at(row.index, *table.columns_[c]).empty();
      }
      if (!any) continue;  // blank, or only notes in unknown columns
      Record record{row.index, true};
      for (size_t c = 0; c < spec.columns.size(); ++c) {
        if (!table.columns_[c]) continue;
        if (!check_cell(table, spec.columns[c], table.sheet_->at(row.index, *table.columns_[c]),
                        seen[c])) {
          record.valid = false;
        }
      }
      table.records_.push_back(record);
    }
  }

  bool check_cell(const Table& table, const ColumnSpec& col, const Cell& cell,
                  std::map<std::string, uint32_t>& seen) {
    const std::string& sheet = table.sheet_name();
    const std::string_view value = trim(cell.text);
    if (cell.kind == CellKind::kError) {
      report_error_cell(report_, sheet, cell);
      return false;
    }
    if (value.empty()) {
      if (!col.required) return true;
      report_.error(sheet, cell.address(), "\"" + col.name + "\" is empty",
                    "fill it in or delete the row");
      return false;
    }
    if (col.type == ColumnType::kInteger && cell.kind == CellKind::kNumber &&
        (std::floor(cell.number) != cell.number || std::fabs(cell.number) > 9e15)) {
      report_.error(sheet, cell.address(), "\"" + cell.text + "\" is not a whole number",
                    "write digits only, e.g. 42");
      return false;
    }
    if (auto failure = check_value(col.type, value, col.choices)) {
      report_.error(sheet, cell.address(), failure->what, failure->fix);
      return false;
    }
    if (col.max_length > 0) {
      const size_t length = utf8_length(value);
      if (length > col.max_length) {
        report_.error(sheet, cell.address(),
                      "\"" + col.name + "\" is " + std::to_string(length) +
                          " characters long, more than " + std::to_string(col.max_length),
                      "shorten it");
        return false;
      }
    }
    if (col.unique) {
      auto [it, inserted] = seen.emplace(fold_case(value), cell.row);
      if (!inserted) {
        report_.error(
            sheet, cell.address(),
            "\"" + excerpt(value) + "\" is already used in " + cell_address(it->second, cell.col),
            "each " + col.name + " must be different");
        return false;
      }
    }
    if (col.check) {
      if (auto failure = col.check(value)) {
        report_.add(failure->severity, sheet, cell.address(), failure->what, failure->fix);
        return failure->severity != Severity::kError;
      }
    }
    return true;
  }

  Report& report_;
};

void report_error_cell(Report& report, const std::string& sheet, const Cell& cell) {
  if (cell.text.empty()) {
    // Programs that write files without calculating them (pandas, openpyxl) save no result;
    // liborcus drops the error results of ODS formulas. Either way the value is unknown.
    report.error(sheet, cell.address(),
                 "the formula in this cell shows an error or has no saved result",
                 "fix the formula; if your spreadsheet program shows a value, open the file there "
                 "and save it again");
  } else {
    report.error(sheet, cell.address(), "the cell shows the error " + cell.text,
                 "fix the formula or replace it with a value");
  }
}

Validation validate(const Workbook& workbook, const std::vector<SheetSpec>& specs) {
  Validation v;
  Validator validator(v.report);
  for (const SheetSpec& spec : specs) v.tables.push_back(validator.check_sheet(spec, workbook));
  validator.check_references(v);
  return v;
}

}  // namespace corebot::content
