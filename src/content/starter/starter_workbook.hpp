// The starter workbook `corebot new` writes: every sheet the core and the bot's modules declare,
// each header cell with a note (what to write, an example) in the owner's language, a drop-down
// list on every column of fixed choices, sized columns, a frozen styled header row, a template's
// example rows, a "How to" sheet first, and a hidden sheet recording what was declared (so
// `corebot check` can tell the owner of columns and sheets added later; format_record.hpp).
//
// It is written from the same SheetSpecs and SettingSpecs the validator checks against, so it
// cannot drift from what `corebot check` accepts.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "content/schema.hpp"
#include "content/snapshot.hpp"

namespace corebot::content::starter {

// One example row: column name (as declared, or a Texts language code) -> value.
using ExampleRow = std::map<std::string, std::string>;

struct StarterWorkbook {
  std::string language = "en";              // of the notes and the "How to" sheet: "en" or "ru"
  std::string bot_name;                     // in the title of the "How to" sheet
  std::vector<SheetSpec> sheets;            // core and modules' sheets, in the order to write them
  std::vector<SettingSpec> settings;        // core and modules' settings: the Settings key list
  std::vector<std::string> text_languages;  // the Texts sheet's language columns
  std::map<std::string, std::vector<ExampleRow>> rows;  // sheet name -> example rows
  std::string generator_version;                        // recorded in the hidden sheet ("0.1.0")
};

// Writes the workbook to `file` (which must not exist yet is the caller's rule; this overwrites).
// Throws std::runtime_error naming the file and libxlsxwriter's reason when writing fails.
void write_starter_workbook(const std::filesystem::path& file, const StarterWorkbook& workbook);

// The text of a column's header note in a language ("en"/"ru"): the declaration's help, an
// example, and what values it takes. Exposed for tests and docs.
std::string column_note(const ColumnSpec& column, const std::string& language);

// The fixed choices offered as a drop-down for a column: enum choices, yes/no for booleans;
// empty for free-text columns.
std::vector<std::string> column_choices(ColumnType type, const std::vector<std::string>& choices);

}  // namespace corebot::content::starter
