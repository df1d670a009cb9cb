// Declarative description of the sheets and columns a module reads. The engine validates a
// workbook against every module's SheetSpecs (validate.hpp) before any module sees the content.
//
// Example (the Admins sheet):
//   SheetSpec{.name = "Admins",
//             .required = false,
//             .columns = {{.name = "user", .type = ColumnType::kTelegramUser, .required = true,
//                          .unique = true},
//                         {.name = "name", .max_length = 100}}};
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/report.hpp"
#include "corebot/content.hpp"

namespace corebot::content {

// The column types are the public ones modules declare with (corebot/content.hpp).
using ColumnType = corebot::ColumnType;

// What a custom check reports about a value it rejects.
struct CheckFailure {
  std::string what;
  std::string fix;
  Severity severity = Severity::kError;
};
// Called with the trimmed, non-empty value; returns nullopt when the value is fine.
using CustomCheck = std::function<std::optional<CheckFailure>(std::string_view value)>;

struct ColumnSpec {
  std::string name;  // the header owners write; matched case-insensitively, '_' same as ' '
  ColumnType type = ColumnType::kText;
  bool required = false;             // the column must exist and every row needs a value in it
  bool unique = false;               // no two rows may hold the same value (case-insensitive)
  size_t max_length = 0;             // in characters (code points); 0 means no limit
  std::vector<std::string> choices;  // kEnum only
  CustomCheck check;                 // runs after the type check passed
  std::vector<std::string> aliases;  // other headers accepted for this column
  corebot::ContentHelp help;         // the header's note in the starter workbook (starter/)
};

struct SheetSpec {
  std::string name;      // matched case-insensitively
  bool required = true;  // a missing required sheet is an error
  std::vector<ColumnSpec> columns;
  // Columns the spec does not list: false reports them as warnings (likely typos); true lets
  // them through silently (e.g. one column per language in Texts).
  bool extra_columns_allowed = false;
  corebot::ContentHelp help;  // what the sheet is for, on the starter workbook's "How to" sheet
};

// The value-level checks of ColumnType, for modules that parse values themselves (e.g. a
// button cell holding several links). Each returns nullopt when the value is acceptable.
std::optional<CheckFailure> check_value(ColumnType type, std::string_view value,
                                        const std::vector<std::string>& choices = {});
bool is_language_code(std::string_view code);  // case-insensitive
bool is_url(std::string_view value);           // http://, https:// or tg:// with something after
bool is_id(std::string_view value);
bool is_date_time(std::string_view value);  // YYYY-MM-DD HH:MM[:SS], a space or a T between
// Parses a kBoolean value; nullopt when it is not one.
std::optional<bool> parse_boolean(std::string_view value);

}  // namespace corebot::content
