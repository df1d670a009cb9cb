#include "content/text_keys.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace corebot::content {

namespace {

bool english(const std::string& code) { return code == "en" || code.rfind("en-", 0) == 0; }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

void check_text_keys(const ContentSnapshot& snapshot, const std::vector<TextKeys>& modules,
                     Report& report) {
  std::vector<std::string> others;  // the languages whose users would get English
  for (const auto& code : snapshot.languages()) {
    if (!english(code)) others.push_back(code);
  }
  const Table* texts = snapshot.table("Texts");
  if (others.empty() || texts == nullptr || texts->sheet() == nullptr) return;
  // A missing key belongs in a new row below the last one, in the key column.
  std::uint32_t row = texts->header_row() + 1;
  for (const Record& r : texts->records()) row = std::max(row, r.row + 1);
  const std::uint32_t column = texts->column("key").value_or(0);
  std::set<std::string> seen;
  for (const auto& keys_of : modules) {
    if (!keys_of) continue;
    for (const std::string& key : keys_of(snapshot)) {
      if (snapshot.has_text(key) || !seen.insert(key).second) continue;
      report.warning(texts->sheet_name(), cell_address(row++, column),
                     "the bot uses the text \"" + key + "\", which Texts lacks: " + joined(others) +
                         " users get the built-in English",
                     "add a row \"" + key + "\" with its " + joined(others) +
                         " text (docs/spreadsheet-format.md#texts lists every key)");
    }
  }
}

}  // namespace corebot::content
