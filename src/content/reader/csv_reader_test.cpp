#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "content/reader/reader.hpp"

namespace corebot::content {
namespace {

Workbook read_ok(std::string_view csv) {
  ReadResult r = read_workbook_bytes(csv, Format::kCsv, "pages.csv");
  EXPECT_TRUE(r.ok()) << r.error;
  return r.ok() ? std::move(*r.workbook) : Workbook{};
}

TEST(CsvReader, CommaWithQuotesAndLineBreaks) {
  const Workbook wb = read_ok("id,text\nstart,\"Hello, \"\"friend\"\"\nsecond line\"\nabout,x\n");
  ASSERT_EQ(wb.sheets.size(), 1u);
  const Sheet& s = wb.sheets[0];
  EXPECT_EQ(s.name(), "pages");
  EXPECT_EQ(s.at(1, 1).text, "Hello, \"friend\"\nsecond line");
  EXPECT_EQ(s.at(1, 1).kind, CellKind::kText);
  EXPECT_EQ(s.at(2, 0).text, "about");  // the quoted line break did not start a row
  EXPECT_EQ(s.at(2, 0).address(), "A3");
}

TEST(CsvReader, SemicolonAndBom) {
  const Workbook wb = read_ok("\xEF\xBB\xBFkey;en;ru\r\nhello;Hello, world;Привет\r\n");
  const Sheet& s = wb.sheets[0];
  EXPECT_EQ(s.at(0, 0).text, "key");  // no BOM in the first cell
  EXPECT_EQ(s.at(1, 1).text, "Hello, world");
  EXPECT_EQ(s.at(1, 2).text, "Привет");
}

TEST(CsvReader, TabDelimiter) {
  const Workbook wb = read_ok("a\tb,c\n1\t2,3");
  EXPECT_EQ(wb.sheets[0].at(0, 1).text, "b,c");
  EXPECT_EQ(wb.sheets[0].at(1, 1).text, "2,3");
}

TEST(CsvReader, EmptyFieldsBareCrAndNoFinalNewline) {
  const Workbook wb = read_ok("a,,c\r,x,\rlast");
  const Sheet& s = wb.sheets[0];
  EXPECT_TRUE(s.at(0, 1).empty());
  EXPECT_EQ(s.at(0, 2).text, "c");
  EXPECT_EQ(s.at(1, 1).text, "x");
  EXPECT_EQ(s.at(2, 0).text, "last");
  EXPECT_EQ(s.cell_count(), 4u);
}

TEST(CsvReader, Utf16FromExcelUnicodeText) {
  std::string utf16 = "\xFF\xFE";
  for (char16_t c : std::u16string(u"id\tтекст\n1\t✓")) {
    utf16 += static_cast<char>(c & 0xFF);
    utf16 += static_cast<char>(c >> 8);
  }
  const Workbook wb = read_ok(utf16);
  EXPECT_EQ(wb.sheets[0].at(0, 1).text, "текст");
  EXPECT_EQ(wb.sheets[0].at(1, 1).text, "✓");
}

TEST(CsvReader, UnclosedQuoteIsAnError) {
  const ReadResult r = read_workbook_bytes("id,text\na,\"never\nclosed\n", Format::kCsv, "p.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "p.csv: line 2: a quoted field is never closed — add the missing '\"'");
}

// Excel's plain "CSV" on Russian Windows: Windows-1251, read with a warning naming it.
TEST(CsvReader, Windows1251IsReadAndSaysSo) {
  // "key;ru\nhello;Привет, Ёжик!" in Windows-1251.
  const Workbook wb = read_ok("key;ru\nhello;\xCF\xF0\xE8\xE2\xE5\xF2, \xA8\xE6\xE8\xEA!\n");
  EXPECT_EQ(wb.sheets[0].at(1, 1).text, "Привет, Ёжик!");
  ASSERT_EQ(wb.warnings.size(), 1u);
  EXPECT_EQ(wb.warnings[0].sheet, "pages");
  EXPECT_EQ(wb.warnings[0].what, "the file is not UTF-8; it was read as Windows-1251 (Cyrillic)");
  EXPECT_EQ(wb.warnings[0].fix,
            "if letters look wrong, save it as \"CSV UTF-8\" (Excel) or choose the UTF-8 "
            "character set when saving (LibreOffice)");
  EXPECT_EQ(sniff_format("hello;\xCF\xF0\xE8\xE2\xE5\xF2\n"), Format::kCsv);
}

TEST(CsvReader, WesternSingleByteTextIsWindows1252) {
  const Workbook wb = read_ok(
      "id,text\nx,caf\xE9 \x80 Gr\xF6\xDF"
      "e\n");
  EXPECT_EQ(wb.sheets[0].at(1, 1).text, "café € Größe");
  ASSERT_EQ(wb.warnings.size(), 1u);
  EXPECT_EQ(wb.warnings[0].what,
            "the file is not UTF-8; it was read as Windows-1252 (Western European)");
  EXPECT_TRUE(read_ok("id,text\nx,café\n").warnings.empty());
}

TEST(CsvReader, ControlBytesOutsideUtf8AreBinary) {
  const ReadResult r = read_workbook_bytes("id,text\nx,\x01\xE9\n", Format::kCsv, "p.csv");
  EXPECT_EQ(r.error, "p.csv: not a CSV text file (it contains binary data)");
}

TEST(CsvReader, BinaryIsAnError) {
  const ReadResult r = read_workbook_bytes(std::string("a\0b", 3), Format::kCsv, "p.csv");
  EXPECT_EQ(r.error, "p.csv: not a CSV text file (it contains binary data)");
}

TEST(CsvReader, Limits) {
  ReadLimits limits;
  limits.max_rows = 2;
  EXPECT_EQ(read_workbook_bytes("a\nb\nc\n", Format::kCsv, "p.csv", limits).error,
            "p.csv: more than 2 rows — split the content or remove unused rows");
  EXPECT_TRUE(read_workbook_bytes("a\nb\n\n\n", Format::kCsv, "p.csv", limits).ok());
  limits = ReadLimits{};
  limits.max_cell_bytes = 4;
  EXPECT_EQ(read_workbook_bytes("abcdef", Format::kCsv, "p.csv", limits).error,
            "p.csv: cell p!A1 holds more than 0 KiB of text");
  limits = ReadLimits{};
  limits.max_file_bytes = 3;
  EXPECT_EQ(read_workbook_bytes("abcdef", Format::kCsv, "p.csv", limits).error,
            "p.csv: the file is larger than 0 MiB");
}

TEST(CsvReader, DirectoryOfCsvFilesIsAWorkbook) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("corebot_csv_dir_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "Settings.csv") << "key,value\nstart_page,main\n";
  std::ofstream(dir / "Pages.csv") << "id,text\nmain,Hi\n";
  std::ofstream(dir / "notes.txt") << "ignored";
  const ReadResult r = read_workbook(dir);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.workbook->sheets.size(), 2u);
  EXPECT_EQ(r.workbook->sheets[0].name(), "Pages");
  EXPECT_EQ(r.workbook->sheets[1].name(), "Settings");
  EXPECT_NE(r.workbook->find(" pages "), nullptr);
  fs::remove_all(dir);
}

TEST(CsvReader, UnknownExtensionAndMissingFile) {
  EXPECT_EQ(read_workbook("/nonexistent/bot.xls").error,
            "bot.xls: unknown file type \".xls\" — use .xlsx, .ods or .csv");
  EXPECT_EQ(read_workbook("/nonexistent/bot.csv").error,
            "bot.csv: cannot open the file (No such file or directory)");
}

}  // namespace
}  // namespace corebot::content
