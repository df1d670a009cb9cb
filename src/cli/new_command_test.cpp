// The starter workbook against the real declarations of the built-in modules: every template in
// every language reads back through the project's reader and compiles without a problem, every
// declared column and setting explains itself in both languages, and a workbook written with
// older declarations gets notes about what is new.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "app/bot_content.hpp"
#include "app/bot_modules.hpp"
#include "content/check.hpp"
#include "content/format_record.hpp"
#include "content/reader/reader.hpp"
#include "content/starter/templates.hpp"

namespace corebot::cli {
namespace {

namespace fs = std::filesystem;
using content::starter::StarterWorkbook;

content::CompileOptions builtin_options() {
  static ModuleRegistry registry;
  static const bool registered = [] {
    app::register_content_modules(app::EngineConfig{}, {}, registry);
    return true;
  }();
  (void)registered;
  return app::content_options(registry);
}

class StarterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("corebot_starter_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const StarterWorkbook& book, const std::string& name) {
    const fs::path file = dir_ / name;
    content::starter::write_starter_workbook(file, book);
    return file;
  }

  fs::path dir_;
};

TEST_F(StarterTest, EveryTemplateInEveryLanguageReadsBackAndPassesCheck) {
  const content::CompileOptions options = builtin_options();
  for (const std::string& name : content::starter::template_names()) {
    for (const std::string language : {"en", "ru"}) {
      SCOPED_TRACE(name + " " + language);
      auto book = content::starter::starter_workbook(options, name, language, "Test bot", "0.1.0");
      ASSERT_TRUE(book);
      const fs::path file = write(*book, name + "_" + language + ".xlsx");
      content::ReadResult read = content::read_workbook(file);
      ASSERT_TRUE(read.ok()) << read.error;
      // The How to sheet comes first; every declared sheet and the record follow.
      ASSERT_FALSE(read.workbook->sheets.empty());
      EXPECT_EQ(read.workbook->sheets.front().name(),
                language == "ru" ? "Как пользоваться" : "How to");
      for (const auto& spec : book->sheets) {
        EXPECT_NE(read.workbook->find(spec.name), nullptr) << spec.name;
      }
      EXPECT_NE(read.workbook->find(content::kRecordSheet), nullptr);
      const content::CompileResult compiled =
          content::compile_snapshot(std::move(*read.workbook), options);
      EXPECT_TRUE(compiled.report.empty()) << compiled.report.to_string();
      ASSERT_TRUE(compiled.snapshot);
      EXPECT_EQ(compiled.snapshot->default_language(), language);
      EXPECT_GE(compiled.snapshot->pages().size(), 2u);
      // The same through `corebot check`, which must find nothing new to tell.
      std::ostringstream out;
      EXPECT_EQ(content::check_content(file.string(), out, options), 0) << out.str();
      EXPECT_EQ(out.str().find("note:"), std::string::npos) << out.str();
    }
  }
}

TEST_F(StarterTest, EveryDeclaredColumnAndSettingExplainsItselfInBothLanguages) {
  const content::CompileOptions options = builtin_options();
  auto book = content::starter::starter_workbook(options, "card", "en", "x", "0.1.0");
  ASSERT_TRUE(book);
  ASSERT_TRUE(std::any_of(book->sheets.begin(), book->sheets.end(), [](const auto& s) {
    return s.name == "Forms";
  })) << "the forms module's sheet is among the declarations";
  for (const content::SheetSpec& sheet : book->sheets) {
    EXPECT_FALSE(sheet.help.en.empty()) << sheet.name;
    EXPECT_FALSE(sheet.help.ru.empty()) << sheet.name;
    for (const content::ColumnSpec& column : sheet.columns) {
      SCOPED_TRACE(sheet.name + "." + column.name);
      EXPECT_FALSE(column.help.en.empty());
      EXPECT_FALSE(column.help.ru.empty());
      EXPECT_FALSE(column.help.example.empty());
      const std::string en = content::starter::column_note(column, "en");
      const std::string ru = content::starter::column_note(column, "ru");
      EXPECT_NE(en.find("Example: " + column.help.example), std::string::npos) << en;
      EXPECT_NE(ru.find("Пример: " + column.help.example), std::string::npos) << ru;
      for (const std::string& choice :
           content::starter::column_choices(column.type, column.choices)) {
        EXPECT_NE(en.find(choice), std::string::npos) << en;
      }
    }
  }
  for (const content::SettingSpec& setting : book->settings) {
    EXPECT_FALSE(setting.description.empty()) << setting.key;
    EXPECT_FALSE(setting.description_ru.empty()) << setting.key;
  }
}

TEST_F(StarterTest, FixedChoicesAreTheValidatorsOwn) {
  using content::starter::column_choices;
  EXPECT_EQ(column_choices(ColumnType::kBoolean, {}), (std::vector<std::string>{"yes", "no"}));
  EXPECT_EQ(column_choices(ColumnType::kEnum, {"a", "b"}), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(column_choices(ColumnType::kText, {}).empty());
  // Each offered value passes the validator's check for its type.
  for (const auto& spec : content::core_sheet_specs()) {
    for (const auto& column : spec.columns) {
      for (const auto& choice : column_choices(column.type, column.choices)) {
        EXPECT_FALSE(content::check_value(column.type, choice, column.choices))
            << spec.name << "." << column.name << " " << choice;
      }
    }
  }
}

TEST_F(StarterTest, AWorkbookFromOlderDeclarationsIsToldWhatIsNew) {
  const content::CompileOptions options = builtin_options();
  auto book = content::starter::starter_workbook(options, "card", "en", "Old bot", "0.0.9");
  ASSERT_TRUE(book);
  // "Older version": no Forms sheet, Pages without "new message", no back_button setting.
  std::erase_if(book->sheets, [](const auto& s) { return s.name == "Forms"; });
  for (auto& sheet : book->sheets) {
    if (sheet.name == "Pages") {
      std::erase_if(sheet.columns, [](const auto& c) { return c.name == "new message"; });
    }
  }
  std::erase_if(book->settings, [](const auto& s) { return s.key == "back_button"; });
  for (auto& row : book->rows["Pages"]) row.erase("new message");
  std::erase_if(book->rows["Settings"], [](const auto& r) { return r.at("key") == "back_button"; });
  const fs::path file = write(*book, "old.xlsx");

  std::ostringstream out;
  EXPECT_EQ(content::check_content(file.string(), out, options), 0) << out.str();
  const std::string report = out.str();
  EXPECT_NE(report.find("note: the sheet \"Forms\" is new since this workbook was written "
                        "(corebot 0.0.9)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("note: Pages: the column \"new message\" is new since"), std::string::npos)
      << report;
  EXPECT_NE(report.find("note: Settings: the setting \"back_button\" is new since"),
            std::string::npos)
      << report;
  // The summary still says OK: notes are not problems.
  EXPECT_NE(report.find(": OK, "), std::string::npos) << report;

  // Once the owner adds what is new, the notes go.
  content::ReadResult read = content::read_workbook(file);
  ASSERT_TRUE(read.ok());
  std::vector<content::SheetSpec> current = content::core_sheet_specs();
  current.insert(current.end(), options.sheets.begin(), options.sheets.end());
  std::vector<content::SettingSpec> settings = content::core_settings();
  settings.insert(settings.end(), options.settings.begin(), options.settings.end());
  EXPECT_EQ(content::upgrade_notes(*read.workbook, current, settings).size(), 3u);
  std::erase_if(current, [](const auto& s) { return s.name == "Forms"; });
  for (auto& sheet : current) {
    if (sheet.name == "Pages") {
      std::erase_if(sheet.columns, [](const auto& c) { return c.name == "new message"; });
    }
  }
  std::erase_if(settings, [](const auto& s) { return s.key == "back_button"; });
  EXPECT_TRUE(content::upgrade_notes(*read.workbook, current, settings).empty());
}

TEST_F(StarterTest, AThirdPartysSheetWithoutHelpOrWithTooManyChoicesStillWrites) {
  // A module that declares no help, a choice list past Excel's 255 characters for an inline
  // list, and a long Russian message: the workbook is still written and reads back.
  content::CompileOptions options = builtin_options();
  content::SheetSpec sheet{.name = "Bookings"};
  std::vector<std::string> many;
  for (int i = 0; i < 60; ++i) many.push_back("choice_number_" + std::to_string(i));
  sheet.columns = {{.name = "slot", .type = ColumnType::kEnum, .required = true, .choices = many},
                   {.name = "day", .type = ColumnType::kInteger}};
  options.sheets.push_back(sheet);
  options.settings.push_back({"bookings_mode", ColumnType::kEnum, many, "", ""});
  auto book = content::starter::starter_workbook(options, "card", "ru", "Бот", "0.1.0");
  ASSERT_TRUE(book);
  const fs::path file = write(*book, "third_party.xlsx");
  content::ReadResult read = content::read_workbook(file);
  ASSERT_TRUE(read.ok()) << read.error;
  EXPECT_NE(read.workbook->find("Bookings"), nullptr);
  const std::string note = content::starter::column_note(sheet.columns[1], "ru");
  EXPECT_EQ(note, "Целое число.");
  EXPECT_NE(content::starter::column_note(sheet.columns[0], "en").find("choice_number_59"),
            std::string::npos);
}

TEST_F(StarterTest, AWorkbookWithoutARecordGetsNoNotes) {
  content::Workbook workbook;
  content::Sheet pages("Pages");
  pages.set({0, 0, content::CellKind::kText, "id"});
  pages.finish();
  workbook.sheets.push_back(pages);
  EXPECT_TRUE(
      content::upgrade_notes(workbook, content::core_sheet_specs(), content::core_settings())
          .empty());
}

}  // namespace
}  // namespace corebot::cli
