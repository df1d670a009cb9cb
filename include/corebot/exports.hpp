// Spreadsheet exports for modules: the admin panel's users, leads and audit, a mailing's report,
// a shop's orders. Build ExportSheets (by hand or from store documents) and write them as one
// XLSX workbook (libxlsxwriter), ready to send as a document (ApiCall::files). Safe on any
// thread; writing blocks (a temporary file), so large exports belong in ModuleStore::run's work.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace corebot {

// A cell: empty, text, a number, or a yes/no value (written as TRUE/FALSE).
using ExportCell = std::variant<std::monostate, std::string, double, bool>;

struct ExportSheet {
  std::string name;                  // the tab; cut to 31 characters, []:*?/\ replaced by '_'
  std::vector<std::string> columns;  // the header row (bold); may be empty
  std::vector<std::vector<ExportCell>> rows;
};

// The workbook's bytes (an .xlsx file). Text longer than a cell holds (32,767 characters) is cut.
// Throws std::runtime_error when the file cannot be written.
std::string write_xlsx(const std::vector<ExportSheet>& sheets);

// Store documents as a sheet: one column per top-level field, `_id` first then in the order they
// first appear; strings as text, numbers as numbers, booleans as TRUE/FALSE, arrays and objects
// as their JSON text, absent fields empty.
ExportSheet documents_sheet(std::string name, const std::vector<boost::json::object>& documents);

}  // namespace corebot
