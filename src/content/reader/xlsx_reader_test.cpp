// XLSX reading, with workbooks written by libxlsxwriter inside the test.
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "content/reader/reader.hpp"

namespace corebot::content {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("corebot_xlsx_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

// A workbook with every kind of cell the reader must understand.
fs::path write_sample() {
  const fs::path path = temp_file("sample.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* pages = workbook_add_worksheet(wb, "Pages");
  lxw_worksheet* second = workbook_add_worksheet(wb, "Ünïcødé ✓");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* datetime = workbook_add_format(wb);
  format_set_num_format(datetime, "dd/mm/yyyy hh:mm");
  lxw_format* time = workbook_add_format(wb);
  format_set_num_format(time, "hh:mm:ss");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);

  worksheet_write_string(pages, 0, 0, "id", nullptr);
  worksheet_write_string(pages, 0, 1, "text", nullptr);
  worksheet_write_number(pages, 1, 0, 42, nullptr);
  worksheet_write_number(pages, 1, 1, 3.25, nullptr);
  worksheet_write_boolean(pages, 2, 0, 1, nullptr);
  worksheet_write_boolean(pages, 2, 1, 0, nullptr);
  worksheet_write_formula_num(pages, 3, 0, "=A2*2", nullptr, 84);
  worksheet_write_formula_str(pages, 3, 1, "=\"a\"&\"b\"", nullptr, "ab");
  lxw_datetime d{2024, 5, 17, 0, 0, 0};
  worksheet_write_datetime(pages, 4, 0, &d, date);
  lxw_datetime dt{2024, 5, 17, 10, 30, 0};
  worksheet_write_datetime(pages, 4, 1, &dt, datetime);
  lxw_datetime t{0, 0, 0, 9, 5, 7};
  worksheet_write_datetime(pages, 4, 2, &t, time);
  worksheet_merge_range(pages, 5, 0, 6, 2, "merged", nullptr);
  lxw_rich_string_tuple f1{bold, const_cast<char*>("Hello ")};
  lxw_rich_string_tuple f2{nullptr, const_cast<char*>("world")};
  lxw_rich_string_tuple* rich[] = {&f1, &f2, nullptr};
  worksheet_write_rich_string(pages, 7, 0, rich, nullptr);
  worksheet_write_string(pages, 8, 0, "line 1\nline 2", nullptr);
  worksheet_write_number(pages, 9, 0, 123456789012.0, nullptr);
  worksheet_write_number(pages, 9, 1, 0.1 + 0.2, nullptr);
  worksheet_write_formula_str(pages, 10, 0, "=1/0", nullptr, "#DIV/0!");
  lxw_format* boolean = workbook_add_format(wb);  // how LibreOffice saves booleans
  format_set_num_format(boolean, "\"TRUE\";\"TRUE\";\"FALSE\"");
  worksheet_write_number(pages, 10, 1, 1, boolean);

  worksheet_write_string(second, 0, 0, "Привет, мир 👋", nullptr);
  worksheet_write_string(second, 2, 3, "日本語", nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return path;
}

TEST(XlsxReader, ReadsEveryCellKind) {
  const ReadResult r = read_workbook(write_sample());
  ASSERT_TRUE(r.ok()) << r.error;
  const Workbook& wb = *r.workbook;
  ASSERT_EQ(wb.sheets.size(), 2u);
  EXPECT_EQ(wb.sheets[0].name(), "Pages");
  EXPECT_EQ(wb.sheets[1].name(), "Ünïcødé ✓");
  const Sheet& s = wb.sheets[0];

  EXPECT_EQ(s.at(0, 0).text, "id");
  EXPECT_EQ(s.at(0, 0).kind, CellKind::kText);
  EXPECT_EQ(s.at(1, 0).kind, CellKind::kNumber);
  EXPECT_EQ(s.at(1, 0).text, "42");
  EXPECT_DOUBLE_EQ(s.at(1, 1).number, 3.25);
  EXPECT_EQ(s.at(1, 1).text, "3.25");
  EXPECT_EQ(s.at(2, 0).kind, CellKind::kBoolean);
  EXPECT_EQ(s.at(2, 0).text, "TRUE");
  EXPECT_EQ(s.at(2, 1).text, "FALSE");
  EXPECT_EQ(s.at(3, 0).text, "84");  // cached formula result
  EXPECT_EQ(s.at(3, 1).text, "ab");
  EXPECT_EQ(s.at(4, 0).kind, CellKind::kDateTime);
  EXPECT_EQ(s.at(4, 0).text, "2024-05-17");
  EXPECT_EQ(s.at(4, 1).text, "2024-05-17T10:30:00");
  EXPECT_EQ(s.at(4, 2).text, "09:05:07");
  EXPECT_EQ(s.at(5, 0).text, "merged");
  EXPECT_TRUE(s.at(5, 1).empty());
  EXPECT_TRUE(s.at(6, 2).empty());
  EXPECT_EQ(s.at(7, 0).text, "Hello world");
  EXPECT_EQ(s.at(8, 0).text, "line 1\nline 2");
  EXPECT_EQ(s.at(9, 0).text, "123456789012");
  EXPECT_EQ(s.at(9, 1).text, "0.3");
  EXPECT_EQ(s.at(10, 0).kind, CellKind::kError);
  EXPECT_EQ(s.at(10, 0).text, "#DIV/0!");
  EXPECT_EQ(s.at(10, 0).address(), "A11");
  EXPECT_EQ(s.at(10, 1).kind, CellKind::kBoolean);
  EXPECT_EQ(s.at(10, 1).text, "TRUE");

  const Sheet& u = wb.sheets[1];
  EXPECT_EQ(u.at(0, 0).text, "Привет, мир 👋");
  EXPECT_EQ(u.at(2, 3).text, "日本語");
  EXPECT_EQ(u.at(2, 3).address(), "D3");
}

TEST(XlsxReader, TruncatedFileGivesClearError) {
  const fs::path good = write_sample();
  std::ifstream in(good, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  const fs::path bad = temp_file("truncated.xlsx");
  std::ofstream(bad, std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size() / 2));
  const ReadResult r = read_workbook(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "truncated.xlsx: not a valid XLSX file: the zip archive is truncated or corrupt (no "
            "central directory)");
}

TEST(XlsxReader, CorruptEntriesNeverCrash) {
  const fs::path good = write_sample();
  std::ifstream in(good, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), {});
  // Flip bytes all over the archive; every result must be a workbook or a clear error.
  for (size_t step = 0; step < 64; ++step) {
    std::string copy = data;
    for (size_t i = 30 + step; i < copy.size(); i += 97)
      copy[i] = static_cast<char>(copy[i] ^ 0x5A);
    const ReadResult r = read_workbook_bytes(copy, Format::kXlsx, "flipped.xlsx");
    if (!r.ok()) {
      EXPECT_EQ(r.error.rfind("flipped.xlsx: ", 0), 0u) << r.error;
    }
  }
}

TEST(XlsxReader, NotAZip) {
  const ReadResult r = read_workbook_bytes("id,text\n", Format::kXlsx, "pages.xlsx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "pages.xlsx: not a valid XLSX file: it is plain text — rename it to .csv or save it "
            "again as XLSX");
  const ReadResult bin =
      read_workbook_bytes(std::string("\xD0\xCF\x11\xE0\0\0", 6), Format::kXlsx, "old.xlsx");
  EXPECT_EQ(bin.error,
            "old.xlsx: not a valid XLSX file: it is not a zip archive (maybe an old .xls, or not "
            "a spreadsheet)");
}

TEST(XlsxReader, CellLimitIsReported) {
  ReadLimits limits;
  limits.max_cells = 10;
  const ReadResult r = read_workbook(write_sample(), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "sample.xlsx: more than 10 filled cells — remove unused content");
}

TEST(XlsxReader, RowLimitIsReported) {
  ReadLimits limits;
  limits.max_rows = 5;
  const ReadResult r = read_workbook(write_sample(), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "sample.xlsx: sheet \"Pages\" has content in row 6, past the limit of 5 rows");
}

TEST(XlsxReader, SniffsFormat) {
  const fs::path good = write_sample();
  std::ifstream in(good, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(sniff_format(data), Format::kXlsx);
  EXPECT_EQ(sniff_format("a;b\n1;2\n"), Format::kCsv);
  EXPECT_EQ(sniff_format(std::string("\x01\x02\0\xff", 4)), std::nullopt);
}

}  // namespace
}  // namespace corebot::content
