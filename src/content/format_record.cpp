#include "content/format_record.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "content/text.hpp"

namespace corebot::content {
namespace {

constexpr std::string_view kExplanation =
    "Written by `corebot new`: the sheets, columns and settings of that version. `corebot check` "
    "compares them with those of the version you run, to tell you what is new. Do not edit.";

std::string cell_text(const Sheet& sheet, const Row& row, uint32_t col) {
  return std::string(trim(sheet.at(row.index, col).text));
}

// The header names of a sheet as the validator matches them (first filled row, normalized).
std::set<std::string> headers_of(const Sheet* sheet) {
  std::set<std::string> out;
  if (sheet == nullptr || sheet->rows().empty()) return out;
  for (const Cell& c : sheet->rows().front().cells) out.insert(normalize_header(c.text));
  return out;
}

bool has_column(const std::set<std::string>& headers, const ColumnSpec& column) {
  if (headers.count(normalize_header(column.name))) return true;
  return std::any_of(column.aliases.begin(), column.aliases.end(),
                     [&](const std::string& a) { return headers.count(normalize_header(a)) > 0; });
}

std::string column_names(const SheetSpec& spec) {
  std::string out;
  for (const ColumnSpec& c : spec.columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

std::string underscored(std::string key) {
  key = normalize_header(key);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

}  // namespace

std::vector<std::vector<std::string>> declaration_record(const std::vector<SheetSpec>& sheets,
                                                         const std::vector<SettingSpec>& settings,
                                                         const std::string& version) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"corebot", version, std::string(kExplanation)});
  for (const SheetSpec& sheet : sheets) {
    rows.push_back({"sheet", sheet.name});
    for (const ColumnSpec& c : sheet.columns) rows.push_back({"column", sheet.name, c.name});
  }
  for (const SettingSpec& s : settings) rows.push_back({"setting", s.key});
  return rows;
}

std::vector<std::string> upgrade_notes(const Workbook& workbook,
                                       const std::vector<SheetSpec>& sheets,
                                       const std::vector<SettingSpec>& settings) {
  const Sheet* record = workbook.find(kRecordSheet);
  if (record == nullptr || record->rows().empty()) return {};
  std::string version;
  std::set<std::string> known_sheets, known_columns, known_settings;  // folded names
  for (const Row& row : record->rows()) {
    const std::string kind = fold_case(cell_text(*record, row, 0));
    const std::string a = cell_text(*record, row, 1);
    if (kind == "corebot") version = a;
    if (kind == "sheet") known_sheets.insert(fold_case(a));
    if (kind == "column") {
      known_columns.insert(fold_case(a) + "\n" + normalize_header(cell_text(*record, row, 2)));
    }
    if (kind == "setting") known_settings.insert(underscored(a));
  }
  const std::string since = " is new since this workbook was written" +
                            (version.empty() ? "" : " (corebot " + version + ")");
  std::vector<std::string> notes;
  for (const SheetSpec& spec : sheets) {
    const Sheet* sheet = workbook.find(spec.name);
    if (!known_sheets.count(fold_case(spec.name))) {
      if (sheet != nullptr) continue;  // the owner added it already
      notes.push_back("the sheet \"" + spec.name + "\"" + since +
                      (spec.help.en.empty() ? "" : ": " + spec.help.en) +
                      " — to use it, add a sheet \"" + spec.name + "\" with the columns " +
                      column_names(spec) +
                      " (docs/spreadsheet-format.md; `corebot new` shows it with notes)");
      continue;
    }
    const std::set<std::string> headers = headers_of(sheet);
    for (const ColumnSpec& column : spec.columns) {
      if (known_columns.count(fold_case(spec.name) + "\n" + normalize_header(column.name))) {
        continue;
      }
      if (sheet == nullptr || has_column(headers, column)) continue;
      notes.push_back(spec.name + ": the column \"" + column.name + "\"" + since +
                      (column.help.en.empty() ? "" : ": " + column.help.en) +
                      " — to use it, add \"" + column.name + "\" to the header row of " +
                      spec.name);
    }
  }
  std::set<std::string> present;  // setting keys the Settings sheet already has
  if (const Sheet* s = workbook.find("Settings")) {
    for (const Row& row : s->rows()) present.insert(underscored(cell_text(*s, row, 0)));
  }
  for (const SettingSpec& setting : settings) {
    if (known_settings.count(setting.key) || present.count(setting.key)) continue;
    notes.push_back("Settings: the setting \"" + setting.key + "\"" + since +
                    (setting.description.empty() ? "" : ": " + setting.description) +
                    " — to use it, add a row \"" + setting.key + "\" to Settings");
  }
  return notes;
}

}  // namespace corebot::content
