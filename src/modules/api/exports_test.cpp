// corebot/exports.hpp: what write_xlsx writes reads back cell for cell with the project's own
// reader (the one that reads owners' spreadsheets).
#include "corebot/exports.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "content/reader/reader.hpp"

namespace corebot {
namespace {

content::Workbook read_back(const std::string& bytes) {
  auto result = content::read_workbook_bytes(bytes, content::Format::kXlsx, "export.xlsx");
  EXPECT_TRUE(result.ok()) << result.error;
  return result.ok() ? *result.workbook : content::Workbook{};
}

TEST(Exports, AWorkbookReadsBackCellForCell) {
  ExportSheet users{"Users", {"id", "name", "score", "banned"}, {}};
  users.rows.push_back({ExportCell{std::string("1001")}, ExportCell{std::string("Ann")},
                        ExportCell{2.5}, ExportCell{false}});
  users.rows.push_back({ExportCell{std::string("1002")}, ExportCell{std::string("Борис")},
                        ExportCell{}, ExportCell{true}});
  ExportSheet second{"Bad/name:*?", {"x"}, {{ExportCell{42.0}}}};
  const content::Workbook book = read_back(write_xlsx({users, second}));
  ASSERT_EQ(book.sheets.size(), 2u);
  const content::Sheet& s = book.sheets[0];
  EXPECT_EQ(s.name(), "Users");
  EXPECT_EQ(s.at(0, 0).text, "id");
  EXPECT_EQ(s.at(0, 3).text, "banned");
  EXPECT_EQ(s.at(1, 1).text, "Ann");
  EXPECT_EQ(s.at(1, 2).kind, content::CellKind::kNumber);
  EXPECT_DOUBLE_EQ(s.at(1, 2).number, 2.5);
  EXPECT_EQ(s.at(1, 3).text, "FALSE");
  EXPECT_EQ(s.at(2, 1).text, "Борис");
  EXPECT_TRUE(s.at(2, 2).empty());
  EXPECT_EQ(s.at(2, 3).text, "TRUE");
  EXPECT_EQ(book.sheets[1].name(), "Bad_name___");
  EXPECT_EQ(book.sheets[1].at(1, 0).text, "42");
}

TEST(Exports, DocumentsBecomeColumnsIdFirstNestedAsJson) {
  std::vector<boost::json::object> docs = {
      {{"name", "Ann"}, {"_id", 1}, {"tags", boost::json::array{"vip"}}},
      {{"_id", 2}, {"phone", "+100"}, {"ok", true}},
  };
  const ExportSheet sheet = documents_sheet("Leads", docs);
  ASSERT_EQ(sheet.columns, (std::vector<std::string>{"_id", "name", "tags", "phone", "ok"}));
  const content::Workbook book = read_back(write_xlsx({sheet}));
  const content::Sheet& s = book.sheets.at(0);
  EXPECT_EQ(s.at(1, 0).text, "1");
  EXPECT_EQ(s.at(1, 1).text, "Ann");
  EXPECT_EQ(s.at(1, 2).text, "[\"vip\"]");
  EXPECT_TRUE(s.at(1, 3).empty());
  EXPECT_EQ(s.at(2, 3).text, "+100");
  EXPECT_EQ(s.at(2, 4).text, "TRUE");
}

TEST(Exports, AnEmptyListStillMakesAValidWorkbook) {
  EXPECT_EQ(read_back(write_xlsx({})).sheets.size(), 1u);
}

}  // namespace
}  // namespace corebot
