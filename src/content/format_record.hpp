// What a generated workbook remembers about the declarations it was written from, so that
// `corebot check` on it, after an upgrade, tells the owner which sheets, columns and settings
// exist now that did not then (upgrades are discoverable, not silent).
//
// `corebot new` (starter/) writes the record as a hidden sheet named kRecordSheet:
//   corebot | <version> | <explanation>
//   sheet   | Pages
//   column  | Pages | id
//   setting | start_page
// The validator ignores sheets nobody declared, so the record never shows up as a problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/schema.hpp"
#include "content/snapshot.hpp"
#include "content/workbook.hpp"

namespace corebot::content {

inline constexpr std::string_view kRecordSheet = "corebot";

// The record's rows for these declarations.
[[nodiscard]] std::vector<std::vector<std::string>> declaration_record(
    const std::vector<SheetSpec>& sheets, const std::vector<SettingSpec>& settings,
    const std::string& version);

// For a workbook carrying a record: one line per sheet, column or setting declared now that the
// record lacks and the workbook does not have yet ("the column \"role\" of Admins is new since
// this workbook was written (corebot 0.1.0): ... — add ..."). Empty without a record.
[[nodiscard]] std::vector<std::string> upgrade_notes(const Workbook& workbook,
                                                     const std::vector<SheetSpec>& sheets,
                                                     const std::vector<SettingSpec>& settings);

}  // namespace corebot::content
