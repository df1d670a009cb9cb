// Compiling workbooks (built from CSV text) into snapshots, and the schema checks behind it.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "content/content_holder.hpp"
#include "content/module_declarations.hpp"
#include "content/reader/reader.hpp"
#include "content/snapshot.hpp"
#include "content/text.hpp"

namespace corebot::content {
namespace {

// A workbook of CSV sheets: {{"Pages", "id,text\n..."}, ...}.
Workbook make(std::initializer_list<std::pair<const char*, const char*>> sheets) {
  Workbook wb;
  wb.source = "test";
  for (const auto& [name, csv] : sheets) {
    ReadResult r = read_workbook_bytes(csv, Format::kCsv, std::string(name) + ".csv");
    EXPECT_TRUE(r.ok()) << r.error;
    wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  return wb;
}

std::vector<std::string> lines(const Report& report) {
  std::vector<std::string> out;
  for (const Problem& p : report.problems()) out.push_back(p.to_string());
  return out;
}

TEST(Snapshot, CompilesPagesButtonsTextsSettingsAdmins) {
  const CompileResult r = compile_snapshot(make({
      {"Settings", "key,value\nstart_page,Home\nlink_previews,no\nparse_mode,html\n"},
      {"Pages",
       "ID,Text,Buttons\nhome,Hello,\"A -> about | Site -> https://example.com\n→ X → about\"\n"
       "About,About us,Back -> HOME\n"},
      {"Texts", "key,en,pt-BR\nhi,Hello,Olá\nbye,Bye,\n"},
      {"Admins", "user,name\n12345,Owner\n@Some_Admin,\n"},
  }));
  ASSERT_TRUE(r.snapshot) << r.report.to_string();
  const ContentSnapshot& s = *r.snapshot;
  EXPECT_EQ(s.start_page().id, "home");
  ASSERT_EQ(s.pages().size(), 2u);
  const Page* home = s.page("HOME");
  ASSERT_NE(home, nullptr);
  ASSERT_EQ(home->keyboard.size(), 2u);
  ASSERT_EQ(home->keyboard[0].size(), 2u);
  EXPECT_EQ(home->keyboard[0][0].text, "A");
  EXPECT_EQ(home->keyboard[0][0].callback_data, "p:about");
  EXPECT_EQ(home->keyboard[0][1].kind, Button::Kind::kUrl);
  EXPECT_EQ(home->keyboard[0][1].target, "https://example.com");
  EXPECT_EQ(home->keyboard[1][0].text, "→ X");  // the last arrow separates
  EXPECT_EQ(s.page("about")->keyboard[0][0].target, "home");
  EXPECT_EQ(s.text("hi", "pt-br"), "Olá");
  EXPECT_EQ(s.text("hi", "pt"), "Hello");  // no "pt" column: the default language
  EXPECT_EQ(s.text("bye", "pt-BR"), "Bye");
  EXPECT_EQ(s.text("missing", "en"), "");
  EXPECT_EQ(s.default_language(), "en");
  EXPECT_FALSE(s.setting_flag("link_previews", true));
  EXPECT_EQ(s.setting("parse_mode"), "html");
  EXPECT_TRUE(s.is_admin(12345, ""));
  EXPECT_TRUE(s.is_admin(1, "@some_admin"));
  EXPECT_FALSE(s.is_admin(2, "other"));
  EXPECT_EQ(lines(r.report),
            std::vector<std::string>{"Texts!C3: no pt-br text for \"bye\" — the en text is shown "
                                     "instead; add a translation if you want one"});
}

TEST(Snapshot, MissingPagesSheetAndColumns) {
  const CompileResult r = compile_snapshot(make({{"Settings", "key,value\n"}}));
  EXPECT_FALSE(r.snapshot);
  EXPECT_EQ(lines(r.report),
            std::vector<std::string>{"Pages: the sheet is missing — add a sheet named \"Pages\" "
                                     "with the columns id, text"});
  const CompileResult cols = compile_snapshot(make({{"Pages", "id,txt\nstart,Hi\n"}}));
  EXPECT_EQ(lines(cols.report),
            (std::vector<std::string>{
                "Pages!B1: unknown column \"txt\" is ignored — check the spelling; the known "
                "columns are id, text, media, media type, buttons, new message",
                "Pages: the column \"text\" is missing — add it to the header row (row 1)"}));
}

// A title above the column names: the fix names it instead of "add it to the header row".
TEST(Snapshot, ATitleRowAboveTheHeaderIsNamed) {
  const CompileResult r =
      compile_snapshot(make({{"Pages", "My photo bot,\n,\nid,text\nstart,Hi\n"}}));
  EXPECT_EQ(lines(r.report),
            (std::vector<std::string>{
                "Pages!A1: unknown column \"My photo bot\" is ignored — check the spelling; the "
                "known columns are id, text, media, media type, buttons, new message",
                "Pages: the column \"id\" is missing — the column names are in row 3, below \"My "
                "photo bot\" in row 1: delete the rows above the column names (the first filled "
                "row must hold them)",
                "Pages: the column \"text\" is missing — the column names are in row 3, below "
                "\"My photo bot\" in row 1: delete the rows above the column names (the first "
                "filled row must hold them)"}));
}

// What a reader noticed comes first in the report, as a warning that does not block the content.
TEST(Snapshot, ReadWarningsLeadTheReport) {
  Workbook wb = make({{"Pages", "id,text\nstart,Hi\n"}});
  wb.warnings.push_back({"Pages", "the file is not UTF-8; it was read as Windows-1251 (Cyrillic)",
                         "save it as CSV UTF-8"});
  const CompileResult r = compile_snapshot(std::move(wb));
  ASSERT_TRUE(r.snapshot) << r.report.to_string();
  EXPECT_EQ(lines(r.report),
            std::vector<std::string>{"Pages: the file is not UTF-8; it was read as Windows-1251 "
                                     "(Cyrillic) — save it as CSV UTF-8"});
  EXPECT_EQ(r.report.warning_count(), 1u);
}

// Telegram's limits apply to every language a key is shown in, not only to the Pages cell.
TEST(Snapshot, TranslationsMustFitWhereTheirKeyIsUsed) {
  const std::string caption(1100, 'x');
  const std::string label(65, 'y');
  const std::string message(4097, 'z');
  const std::string texts = "key,en,ru\nwelcome,Hi,\"" + caption + "\"\nbtn,Go,\"" + label +
                            "\"\nunknown_command,Eh?,\"" + message + "\"\n";
  Workbook wb = make({{"Pages",
                       "id,text,media,buttons\nstart,welcome,https://x.org/a.jpg,"
                       "btn -> start\n"}});
  wb.sheets.push_back(
      std::move(read_workbook_bytes(texts, Format::kCsv, "Texts.csv").workbook->sheets[0]));
  const CompileResult r = compile_snapshot(std::move(wb));
  EXPECT_FALSE(r.snapshot);
  EXPECT_EQ(lines(r.report),
            (std::vector<std::string>{
                "Texts!C2: the ru text of \"welcome\" is 1100 characters long; page \"start\" "
                "shows it under a picture or file, where Telegram allows 1024 — shorten it",
                "Texts!C3: the ru text of \"btn\" is 65 characters long; it labels a button of "
                "page \"start\", where Telegram allows 64 — shorten it",
                "Texts!C4: the ru text of \"unknown_command\" is 4097 characters long; it is sent "
                "as a message, where Telegram allows 4096 — shorten it"}));
}

TEST(Snapshot, TextLimitsCountUtf16) {
  std::string long_text(4095, 'a');
  long_text += "😀";  // two UTF-16 units: 4097
  const std::string csv = "id,text\nstart," + long_text + "\n";
  Workbook wb;
  wb.sheets.push_back(
      std::move(read_workbook_bytes(csv, Format::kCsv, "Pages.csv").workbook->sheets[0]));
  const CompileResult r = compile_snapshot(std::move(wb));
  EXPECT_EQ(lines(r.report),
            std::vector<std::string>{"Pages!B2: the text is 4097 characters long; Telegram allows "
                                     "4096 — shorten it or split it into two pages"});
}

TEST(Snapshot, ButtonRowLimitsAndEmptyButtons) {
  const CompileResult r = compile_snapshot(
      make({{"Pages",
             "id,text,buttons\nstart,Hi,\"1->start|2->start|3->start|4->start|5->start|6->start|"
             "7->start|8->start|9->start\n -> start | |\"\n"}}));
  EXPECT_EQ(lines(r.report),
            (std::vector<std::string>{
                "Pages!C2: line 1 has 9 buttons; Telegram allows 8 in a row — move some buttons "
                "to a new line",
                "Pages!C2: a button on line 2 has no text before \"->\" — write the button's "
                "label first: Label -> start",
                "Pages!C2: an empty button on line 2 — remove the extra '|'",
                "Pages!C2: an empty button on line 2 — remove the extra '|'"}));
}

TEST(Snapshot, ModuleSheetsAndSettings) {
  CompileOptions options;
  options.sheets.push_back(SheetSpec{
      .name = "Products",
      .columns = {{.name = "sku", .type = ColumnType::kId, .required = true, .unique = true},
                  {.name = "price", .type = ColumnType::kNumber, .required = true},
                  {.name = "page", .type = ColumnType::kPageRef},
                  {.name = "stock",
                   .type = ColumnType::kInteger,
                   .check = [](std::string_view v) -> std::optional<CheckFailure> {
                     if (v.front() == '-') return CheckFailure{"negative stock", "write 0 or more"};
                     return std::nullopt;
                   }}}});
  options.settings.push_back({"currency", ColumnType::kEnum, {"EUR", "USD"}});
  const CompileResult r = compile_snapshot(
      make({{"Pages", "id,text\nstart,Hi\n"},
            {"Settings", "key,value\ncurrency,GBP\n"},
            {"Products",
             "SKU,Price,Page,Stock\ncup,\"3,5\",start,2\nmug,x,nowhere,-1\ncup,1,,1.5\n"}}),
      options);
  EXPECT_EQ(lines(r.report),
            (std::vector<std::string>{
                "Products!B3: \"x\" is not a number — write a number such as 12 or 3.5",
                "Products!D3: negative stock — write 0 or more",
                "Products!A4: \"cup\" is already used in A2 — each sku must be different",
                "Products!D4: \"1.5\" is not a whole number — write digits only, e.g. 42",
                "Products!C3: page \"nowhere\" does not exist — add a page with this id to the "
                "Pages sheet or correct the id",
                "Settings!B2: \"GBP\" is not one of the allowed values — write one of: EUR, USD"}));
  const CompileResult ok = compile_snapshot(
      make({{"Pages", "id,text\nstart,Hi\n"}, {"Products", "sku,price\ncup,3\n"}}), options);
  ASSERT_TRUE(ok.snapshot);
  const Table* products = ok.snapshot->table("products");
  ASSERT_NE(products, nullptr);
  ASSERT_EQ(products->records().size(), 1u);
  EXPECT_EQ(products->value(products->records()[0], "price"), "3");
}

TEST(Snapshot, ActionButtonsNewMessageAndModuleRows) {
  CompileOptions options;
  options.button_prefixes = {"form"};
  options.sheets = {
      SheetSpec{.name = "Forms",
                .required = false,
                .columns = {{.name = "form", .type = ColumnType::kId, .required = true},
                            {.name = "question", .type = ColumnType::kText}}}};
  std::vector<std::string> checked;
  options.checks = {[&](const corebot::Content& c) {
    std::vector<corebot::ContentProblem> out;
    for (const auto& row : c.rows("forms")) checked.push_back(std::string(row.get("form")));
    out.push_back({false, "Forms", "A2", "just a note", ""});
    return out;
  }};
  auto result = compile_snapshot(
      make({{"Pages",
             "id,text,buttons,new message\nstart,Hi,Apply -> form:Request | About -> about\n"
             "about,Us,,yes\n"},
            {"Forms", "form,question\nrequest,Name?\nrequest,Phone?\n"}}),
      options);
  ASSERT_TRUE(result.snapshot) << result.report.to_string();
  const auto& start = result.snapshot->start_page();
  EXPECT_EQ(start.keyboard[0][0].kind, Button::Kind::kAction);
  EXPECT_EQ(start.keyboard[0][0].callback_data, "form:request");
  EXPECT_FALSE(start.new_message);
  EXPECT_TRUE(result.snapshot->page("about")->new_message);
  const auto& rows = result.snapshot->rows("Forms");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].get("question"), "Phone?");
  EXPECT_EQ(rows[1].row, 3u);
  EXPECT_EQ(rows[1].cell("question"), "B3");
  EXPECT_EQ(checked, (std::vector<std::string>{"request", "request"}));
  EXPECT_EQ(result.report.warning_count(), 1u);

  // An action whose prefix no module owns, or a module check's error, blocks the content.
  auto unknown = compile_snapshot(make({{"Pages", "id,text,buttons\nstart,Hi,Go -> shop:x\n"}}));
  EXPECT_FALSE(unknown.snapshot);
  EXPECT_NE(unknown.report.to_string().find("neither a page nor a link"), std::string::npos);
  options.checks = {[](const corebot::Content&) {
    return std::vector<corebot::ContentProblem>{{true, "Forms", "A2", "bad form", "fix it"}};
  }};
  auto refused = compile_snapshot(make({{"Pages", "id,text\nstart,Hi\n"}}), options);
  EXPECT_FALSE(refused.snapshot);
  EXPECT_EQ(lines(refused.report), (std::vector<std::string>{"Forms!A2: bad form — fix it"}));
}

// A module's content_check that throws (on the reload worker, where nothing else catches it)
// refuses the content with one error naming the module; the process goes on.
TEST(Snapshot, AModuleCheckThatThrowsIsOneErrorNamingTheModule) {
  corebot::ModuleInfo module;
  module.name = "quiz";
  module.content_check = [](const corebot::Content&) -> std::vector<corebot::ContentProblem> {
    throw std::runtime_error("index out of range");
  };
  auto result =
      compile_snapshot(make({{"Pages", "id,text\nstart,Hi\n"}}), compile_options({module}));
  EXPECT_FALSE(result.snapshot);
  EXPECT_EQ(lines(result.report),
            (std::vector<std::string>{
                "the module 'quiz' failed while checking the content (index out of range) — the "
                "previous content stays live; tell the module's author, or switch the module off "
                "with [modules] disabled = [\"quiz\"]"}));
}

TEST(Schema, Values) {
  EXPECT_TRUE(is_language_code("en"));
  EXPECT_TRUE(is_language_code("PT-br"));
  EXPECT_FALSE(is_language_code("xx"));
  EXPECT_FALSE(is_language_code("english"));
  EXPECT_TRUE(is_url("tg://resolve?domain=x"));
  EXPECT_FALSE(is_url("https://"));
  EXPECT_FALSE(is_url("ftp://x"));
  EXPECT_TRUE(is_id("страница_1"));
  EXPECT_FALSE(is_id("a b"));
  EXPECT_EQ(parse_boolean(" Yes "), true);
  EXPECT_EQ(parse_boolean("maybe"), std::nullopt);
  EXPECT_FALSE(check_value(ColumnType::kTelegramUser, "@abcde"));
  EXPECT_TRUE(check_value(ColumnType::kTelegramUser, "@abc"));
  EXPECT_TRUE(check_value(ColumnType::kTelegramUser, "12a"));
  EXPECT_FALSE(check_value(ColumnType::kDateTime, "2026-12-07 14:30"));
  EXPECT_FALSE(check_value(ColumnType::kDateTime, "2028-02-29T09:05:00"));
  EXPECT_TRUE(check_value(ColumnType::kDateTime, "2026-02-29 10:00"));
  EXPECT_TRUE(check_value(ColumnType::kDateTime, "2026-12-07 24:00"));
  EXPECT_TRUE(check_value(ColumnType::kDateTime, "7.12.2026 14:30"));
  EXPECT_EQ(normalize_header("  Media_Type "), "media type");
  EXPECT_EQ(utf16_length("a😀é"), 4u);
  EXPECT_EQ(cell_address(0, 0), "A1");
  EXPECT_EQ(cell_address(9, 27), "AB10");
  EXPECT_EQ(column_name(16383), "XFD");
  EXPECT_EQ(format_number(-0.0), "0");
}

TEST(ContentHolder, KeepsLastGoodContentOnErrors) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("corebot_holder_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "Pages.csv";
  std::ofstream(file) << "id,text\nstart,Version 1\n";
  ContentHolder holder;
  EXPECT_EQ(holder.current(), nullptr);
  EXPECT_FALSE(holder.load(file).has_errors());
  ASSERT_NE(holder.current(), nullptr);
  EXPECT_EQ(holder.version(), 1u);
  const auto kept = holder.current();

  std::ofstream(file, std::ios::trunc) << "id,text\nstart,\n";  // broken
  const Report bad = holder.load(file);
  EXPECT_TRUE(bad.has_errors());
  EXPECT_EQ(holder.current(), kept);
  EXPECT_EQ(holder.current()->start_page().text, "Version 1");

  const Report missing = holder.load(dir / "nope.xlsx");
  EXPECT_EQ(lines(missing), std::vector<std::string>{
                                "nope.xlsx: cannot open the file (No such file or directory) — fix "
                                "or re-export the file; the bot keeps its current content"});
  EXPECT_EQ(holder.version(), 1u);

  std::ofstream(file, std::ios::trunc) << "id,text\nstart,Version 2\n";
  EXPECT_FALSE(holder.load(file).has_errors());
  EXPECT_EQ(holder.current()->start_page().text, "Version 2");
  EXPECT_EQ(kept->start_page().text, "Version 1");  // an old snapshot stays usable
  fs::remove_all(dir);
}

TEST(ContentHolder, ReadersSeeWholeSnapshotsWhileReloading) {
  ContentHolder holder;
  auto workbook = [](int n) {
    Workbook wb;
    wb.sheets.push_back(std::move(read_workbook_bytes("id,text\nstart,v" + std::to_string(n) +
                                                          "\nnext,v" + std::to_string(n) + "\n",
                                                      Format::kCsv, "Pages.csv")
                                      .workbook->sheets[0]));
    return wb;
  };
  ASSERT_FALSE(holder.load(workbook(0)).has_errors());
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop) {
      const auto s = holder.current();
      if (s->page("start")->text != s->page("next")->text) ++torn;
    }
  });
  for (int i = 1; i <= 200; ++i) ASSERT_FALSE(holder.load(workbook(i)).has_errors());
  stop = true;
  reader.join();
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(holder.version(), 201u);
  EXPECT_EQ(holder.current()->page("start")->text, "v200");
}

}  // namespace
}  // namespace corebot::content
