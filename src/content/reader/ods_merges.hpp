// A workaround for liborcus 0.17 and merged cells in ODS files.
//
// ODS writes the cells a merge hides as <table:covered-table-cell>; liborcus 0.17 does not count
// them as columns, so every cell right of a merged cell was read one or more columns to the left
// (and merges are not reported). Turning them into ordinary empty cells before liborcus reads
// the file puts every value back in its column; the merged value stays in the top-left cell, as
// XLSX files read.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace corebot::content::detail {

// The ODS archive with the covered cells of content.xml turned into empty cells, repacked with
// every entry stored (not compressed); nullopt when content.xml has no covered cells. Throws
// std::exception (orcus::zip_error, ReadFailure) on a damaged archive. Call it only on archives
// scan_zip() accepted: it trusts the entry sizes it bounds.
std::optional<std::string> uncover_merged_cells(std::string_view ods);

}  // namespace corebot::content::detail
