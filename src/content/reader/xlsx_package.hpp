// Workarounds for liborcus 0.17 and XLSX packages as writers other than Excel save them.
//
// Valid Office Open XML that liborcus 0.17 reads as empty or wrong (measured with files written
// by openpyxl, which pandas and many web services use, and by hand):
// - relationship targets written as absolute part names ("/xl/worksheets/sheet1.xml"): liborcus
//   appends them to the source part's folder, finds nothing, and every sheet reads empty;
// - inline strings (<c t="inlineStr"><is>...</is></c>) and plain string cells (t="str" without
//   a formula): dropped;
// - cached formula results of type boolean (t="b") or error (t="e"), and error constants:
//   dropped, so =TRUE() read as a broken formula and =1/0 as one without a result;
// - ISO date cells (t="d"): dropped.
// normalize_xlsx() rewrites the package into one liborcus reads right: relative targets; inline
// strings, plain strings, errors and ISO dates moved to the shared string table (created when
// missing); boolean results as plain booleans. It also counts the cells with a value in each
// sheet's XML, so a sheet that still reads empty is reported as unreadable rather than empty.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::content::detail {

struct XlsxSheetInfo {
  std::string name;         // as workbook.xml names it (unescaped)
  std::string part;         // "xl/worksheets/sheet1.xml"; "" when no relationship names it
  bool worksheet = true;    // false for chart sheets and other non-grid sheets
  bool part_found = false;  // the part is in the archive
  size_t value_cells = 0;   // <c> elements holding a value, an inline string or a formula
};

struct NormalizedXlsx {
  std::optional<std::string> package;  // the rewritten archive; nullopt when nothing changed
  std::vector<XlsxSheetInfo> sheets;   // in workbook order, as liborcus appends them
};

// Throws std::exception (orcus::zip_error, ReadFailure) on a damaged archive, and ReadFailure
// with a fix for a package liborcus cannot read at all (Strict Open XML). Call it only on archives
// scan_zip() accepted: it trusts the entry sizes that bounds.
NormalizedXlsx normalize_xlsx(std::string_view xlsx);

}  // namespace corebot::content::detail
