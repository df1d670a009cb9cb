// Workbooks as writers other than Excel, LibreOffice and libxlsxwriter save them (the fixtures of
// tests/fixtures/content/writers/, see make_writer_fixtures.py), and packages built here to
// show what the reader says about files it cannot read.
#include <gtest/gtest.h>

#include <sstream>

#include "content/check.hpp"
#include "content/reader/reader.hpp"
#include "content/reader/xml_scan.hpp"
#include "content/reader/zip_writer.hpp"

#ifndef COREBOT_CONTENT_FIXTURES
#error "COREBOT_CONTENT_FIXTURES must name tests/fixtures/content"
#endif

namespace corebot::content {
namespace {

std::string fixture(const std::string& name) {
  return std::string(COREBOT_CONTENT_FIXTURES) + "/writers/" + name;
}

Workbook read_ok(const std::string& name) {
  ReadResult r = read_workbook(fixture(name));
  EXPECT_TRUE(r.ok()) << r.error;
  return r.ok() ? std::move(*r.workbook) : Workbook{};
}

std::string check(const std::string& path) {
  std::ostringstream out;
  check_content(path, out);
  return out.str();
}

// openpyxl (and so pandas) writes inline strings and absolute part names in the package's
// relationships; liborcus 0.17 alone read every sheet of such a file as empty.
TEST(OtherWriters, OpenpyxlWorkbookReadsAsWritten) {
  const Workbook wb = read_ok("openpyxl.xlsx");
  const Sheet* pages = wb.find("Pages");
  ASSERT_NE(pages, nullptr);
  EXPECT_EQ(pages->at(0, 0).text, "id");
  EXPECT_EQ(pages->at(1, 0).text, "start");
  EXPECT_EQ(pages->at(1, 2).text, "Prices -> prices\nКонтакты -> contacts");
  EXPECT_EQ(pages->at(2, 1).text, "Prices: 10 €");
  EXPECT_EQ(wb.find("Texts")->at(1, 2).text, "Привет");
  const Sheet* calc = wb.find("Calc");
  ASSERT_NE(calc, nullptr);
  EXPECT_EQ(calc->at(1, 1).kind, CellKind::kNumber);
  EXPECT_EQ(calc->at(1, 1).text, "42");
  // =1+1 saved without a result: an unreadable value, never "nan".
  EXPECT_EQ(calc->at(0, 1).kind, CellKind::kError);
  EXPECT_EQ(calc->at(0, 1).text, "");
  EXPECT_NE(check(fixture("openpyxl.xlsx")).find("openpyxl.xlsx: OK, 3 pages, 2 languages"),
            std::string::npos)
      << check(fixture("openpyxl.xlsx"));
}

TEST(OtherWriters, AFormulaWithoutASavedResultIsReportedAtItsCell) {
  const std::string report = check(fixture("openpyxl-uncalculated.xlsx"));
  EXPECT_NE(report.find("error: Pages!B3: the formula in this cell shows an error or has no saved "
                        "result — fix the formula; if your spreadsheet program shows a value, open "
                        "the file there and save it again"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("nan"), std::string::npos) << report;
}

TEST(OtherWriters, GoogleSheetsLikeExport) {
  const Workbook wb = read_ok("google-sheets.xlsx");
  const Sheet& s = wb.sheets.at(0);
  EXPECT_EQ(s.at(0, 1).text, "text");
  EXPECT_EQ(s.at(1, 1).text, "Bold and plain");
  EXPECT_EQ(s.at(2, 1).kind, CellKind::kBoolean);  // =TRUE()
  EXPECT_EQ(s.at(2, 1).text, "TRUE");
  EXPECT_EQ(s.at(3, 1).text, "5");
  EXPECT_EQ(s.at(3, 2).text, "ab");
  EXPECT_EQ(s.at(4, 1).kind, CellKind::kDateTime);
  EXPECT_EQ(s.at(4, 1).text, "2024-05-17");
}

TEST(OtherWriters, ExcelQuirks) {
  const Workbook wb = read_ok("excel-quirks.xlsx");
  const Sheet& s = wb.sheets.at(0);
  EXPECT_EQ(s.at(1, 1).text, "10");  // a shared formula and the cells that share it
  EXPECT_EQ(s.at(2, 1).text, "20");
  EXPECT_EQ(s.at(3, 1).text, "30");
  EXPECT_EQ(s.at(1, 2).text, "line 1\nline 2");  // _x000D_ before the line break
  EXPECT_EQ(s.at(2, 2).text, "_x0041_ stays");
  EXPECT_EQ(s.at(3, 2).text, "tab\there");
  EXPECT_EQ(s.at(3, 3).text, "emoji \xF0\x9F\x98\x80");
  EXPECT_EQ(s.at(4, 0).kind, CellKind::kBoolean);
  EXPECT_EQ(s.at(4, 0).text, "TRUE");
  EXPECT_EQ(s.at(4, 1).text, "FALSE");
  EXPECT_EQ(s.at(4, 2).kind, CellKind::kError);
  EXPECT_EQ(s.at(4, 2).text, "#DIV/0!");
  EXPECT_EQ(s.at(4, 3).kind, CellKind::kError);
  EXPECT_EQ(s.at(4, 3).text, "#N/A");
  EXPECT_EQ(s.at(5, 0).text, "Inline rich");
  EXPECT_EQ(s.at(5, 1).text, "plain str");
  EXPECT_EQ(s.at(5, 2).text, "2024-05-17");
}

// The Open XML SDK's prefixed elements, inline strings and absolute part names.
TEST(OtherWriters, OpenXmlSdkPrefixedInlineStrings) {
  const Workbook wb = read_ok("sdk-prefixed.xlsx");
  const Sheet& s = wb.sheets.at(0);
  EXPECT_EQ(s.name(), "Pages");
  EXPECT_EQ(s.at(0, 1).text, "text");
  EXPECT_EQ(s.at(1, 1).text, "Hello & welcome");
  EXPECT_EQ(s.at(1, 2).text, "7");
}

// --- packages built here -------------------------------------------------------------------

constexpr char kMain[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr char kRel[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr char kPkg[] = "http://schemas.openxmlformats.org/package/2006/relationships";

// A one-sheet package; `target` is how workbook.xml.rels names the sheet part.
std::string package(const std::string& sheet_xml, const std::string& target,
                    bool add_sheet_part = true) {
  detail::StoredZipWriter zip;
  zip.add("[Content_Types].xml",
          "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
  zip.add("_rels/.rels", std::string("<Relationships xmlns=\"") + kPkg +
                             "\"><Relationship Id=\"rId1\" Type=\"" + kRel +
                             "/officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>");
  zip.add("xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                                 "\"><sheets><sheet name=\"Pages &amp; more\" sheetId=\"1\" "
                                 "r:id=\"rId1\"/></sheets></workbook>");
  zip.add("xl/_rels/workbook.xml.rels",
          std::string("<Relationships xmlns=\"") + kPkg + "\"><Relationship Id=\"rId1\" Type=\"" +
              kRel + "/worksheet\" Target=\"" + target + "\"/></Relationships>");
  if (add_sheet_part) zip.add("xl/worksheets/sheet1.xml", sheet_xml);
  return std::move(zip).finish();
}

std::string sheet(const std::string& ns, const std::string& cells) {
  return "<worksheet xmlns=\"" + ns + "\"><sheetData><row r=\"1\">" + cells +
         "</row></sheetData></worksheet>";
}

TEST(OtherWriters, AbsolutePartNamesAndInlineStrings) {
  const std::string cells =
      "<c r=\"A1\" t=\"inlineStr\"><is><t>id</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>a &amp; b_x000D_</t></is></c>";
  const ReadResult r = read_workbook_bytes(
      package(sheet(kMain, cells), "/xl/worksheets/sheet1.xml"), Format::kXlsx, "abs.xlsx");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.workbook->sheets.size(), 1u);
  EXPECT_EQ(r.workbook->sheets[0].name(), "Pages & more");
  EXPECT_EQ(r.workbook->sheets[0].at(0, 0).text, "id");
  EXPECT_EQ(r.workbook->sheets[0].at(0, 1).text, "a & b\r");
}

TEST(OtherWriters, ASheetWithValuesNoneOfWhichReadIsAnErrorNotAnEmptySheet) {
  // The cells of a namespace liborcus does not know (here: Strict Open XML) are all skipped.
  const std::string strict = "http://purl.oclc.org/ooxml/spreadsheetml/main";
  const ReadResult r =
      read_workbook_bytes(package(sheet(strict, "<c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c>"),
                                  "worksheets/sheet1.xml"),
                          Format::kXlsx, "odd.xlsx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "odd.xlsx: the sheet \"Pages & more\" has 2 filled cells in the file, but none of "
            "them could be read");
  EXPECT_EQ(r.fix,
            "open the file in Excel, LibreOffice or Google Sheets, save it again as .xlsx (Excel "
            "Workbook) and reload");
}

TEST(OtherWriters, ASheetPartMissingFromThePackage) {
  const ReadResult r =
      read_workbook_bytes(package("", "worksheets/sheet1.xml", false), Format::kXlsx, "cut.xlsx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "cut.xlsx: the sheet \"Pages & more\" is missing from the file (there is no "
            "xl/worksheets/sheet1.xml)");
  EXPECT_FALSE(r.fix.empty());
}

TEST(OtherWriters, EmptyFilesAreEmpty) {
  for (Format f : {Format::kXlsx, Format::kOds, Format::kCsv}) {
    const ReadResult r = read_workbook_bytes("", f, "bot");
    EXPECT_EQ(r.error, "bot: the file is empty (0 bytes)");
    EXPECT_EQ(r.fix,
              "the save, copy or upload did not finish: save the spreadsheet again and reload");
  }
}

TEST(OtherWriters, AZipThatIsNotASpreadsheetGetsAFix) {
  detail::StoredZipWriter docx;
  docx.add("[Content_Types].xml", "<Types/>");
  docx.add("word/document.xml", "<document/>");
  const ReadResult word = read_workbook_bytes(std::move(docx).finish(), Format::kXlsx, "bot.xlsx");
  EXPECT_EQ(word.error,
            "bot.xlsx: not a valid XLSX file: it is a Word document, not a spreadsheet");
  EXPECT_EQ(word.fix,
            "open your spreadsheet in Excel, LibreOffice or Google Sheets, save it as .xlsx and "
            "use that file");
  detail::StoredZipWriter zipped;
  zipped.add("bot/content.xlsx", "PK");
  const ReadResult inside =
      read_workbook_bytes(std::move(zipped).finish(), Format::kXlsx, "b.xlsx");
  EXPECT_EQ(inside.error,
            "b.xlsx: not a valid XLSX file: it is a zip archive holding bot/content.xlsx");
  EXPECT_EQ(inside.fix, "unpack the archive and use the spreadsheet inside");
}

TEST(OtherWriters, StrictOpenXmlIsNamed) {
  detail::StoredZipWriter zip;
  zip.add("_rels/.rels", std::string("<Relationships xmlns=\"") + kPkg +
                             "\"><Relationship Id=\"rId1\" Type=\"http://purl.oclc.org/ooxml/"
                             "officeDocument/relationships/officeDocument\" "
                             "Target=\"xl/workbook.xml\"/></Relationships>");
  zip.add("xl/workbook.xml", "<workbook/>");
  const ReadResult r = read_workbook_bytes(std::move(zip).finish(), Format::kXlsx, "s.xlsx");
  EXPECT_EQ(r.error,
            "s.xlsx: the file is saved as \"Strict Open XML Spreadsheet\", which the bot cannot "
            "read");
  EXPECT_EQ(r.fix, "in Excel choose File → Save As → \"Excel Workbook (.xlsx)\", then reload");
}

// --- the tag scanner the package rewrite uses ---------------------------------------------

TEST(XmlScan, TagsAttributesAndTheirLimits) {
  const std::string xml =
      "<?xml version=\"1.0\"?><!-- <c> --><x:c r=\"A1\" t='s' note=\"a>b\"><x:v>1</x:v></x:c>"
      "<c><v>unclosed</c><c><v>2</v></c>";
  auto c = detail::next_tag(xml, 0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->qname, "x:c");
  EXPECT_EQ(c->local(), "c");
  EXPECT_EQ(c->prefix(), "x:");
  EXPECT_EQ(c->attr("t").value_or(""), "s");
  EXPECT_EQ(c->attr("note").value_or(""), "a>b");
  EXPECT_FALSE(c->attr("r:id"));
  EXPECT_TRUE(detail::closing_tag(xml, *c));
  // An unclosed <v> is not looked for past its cell's end.
  auto second = detail::next_tag(xml, detail::closing_tag(xml, *c)->end);
  auto v = detail::next_tag(xml, second->end);
  const auto cell_end = detail::closing_tag(xml, *second);
  ASSERT_TRUE(cell_end);
  EXPECT_FALSE(detail::closing_tag(xml, *v, cell_end->begin));
  EXPECT_TRUE(detail::closing_tag(xml, *v));  // the next cell's </v>
  EXPECT_EQ(detail::xml_unescape("a &amp; b &lt;&#x41;&#66;&bogus;"), "a & b <AB&bogus;");
  EXPECT_EQ(detail::decode_ooxml_escapes("x_x000D_\ny_x005F_x0041__xD83D_"),
            "x\ny_x0041_\xEF\xBF\xBD");
}

}  // namespace
}  // namespace corebot::content
