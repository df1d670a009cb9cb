// Which modules a bot runs, and how a module's settings are read and checked.
#include "app/bot_modules.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "app/module_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::app {
namespace {
namespace json = boost::json;

class Named final : public Module {
 public:
  explicit Named(std::string name) : name_(std::move(name)) {}
  ModuleInfo info() const override {
    ModuleInfo info;
    info.name = name_;
    info.settings = {{.key = "limit", .type = ColumnType::kInteger, .default_value = "5"},
                     {.key = "mode", .type = ColumnType::kEnum, .choices = {"fast", "slow"}},
                     {.key = "items", .structured = true}};
    return info;
  }
  Handled on_update(Context&) override { return Handled::kContinue; }

 private:
  std::string name_;
};

ModuleFactory named(std::string name, ModuleDefault when = ModuleDefault::kOn) {
  return {name, [name] { return std::make_unique<Named>(name); }, when, 900};
}

std::vector<std::string> names(const ModuleRegistry& registry) {
  std::vector<std::string> out;
  for (const auto& info : registry.infos()) out.push_back(info.name);
  return out;
}

std::string error_of(const EngineConfig& config, const std::vector<ModuleFactory>& extra) {
  try {
    ModuleRegistry registry;
    register_modules(config, extra, registry);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST(BotModules, BuiltInsFollowTheContentAndRunInTheirOrder) {
  ModuleRegistry without;
  register_modules(EngineConfig{}, {}, without);
  auto without_names = names(without);
  std::sort(without_names.begin(), without_names.end());
  EXPECT_EQ(without_names, (std::vector<std::string>{"admin", "mailing", "menu"}));

  EngineConfig config;
  config.content_source = "bot.xlsx";
  ModuleRegistry with;
  register_modules(config, {named("quiz")}, with);
  auto got = names(with);
  ASSERT_GE(got.size(), 4u);
  // forms takes a form's answer before pages says "I did not understand"; extras come last.
  EXPECT_LT(std::find(got.begin(), got.end(), "forms"), std::find(got.begin(), got.end(), "pages"));
  EXPECT_EQ(got.back(), "quiz");
  EXPECT_EQ(std::count(got.begin(), got.end(), "menu"), 0);
}

TEST(BotModules, TheConfigSwitchesModulesByName) {
  EngineConfig config;
  config.modules_enabled = {"quiz"};
  config.modules_disabled = {"menu", "admin", "mailing"};
  ModuleRegistry registry;
  register_modules(config, {named("quiz", ModuleDefault::kOff)}, registry);
  EXPECT_EQ(names(registry), (std::vector<std::string>{"quiz"}));
}

TEST(BotModules, LuaModulesAreFoundInTheScriptsFolders) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("corebot-scripts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "quiz");
  std::ofstream(dir / "quiz" / "module.toml")
      << "name = \"quiz\"\nversion = \"1\"\napi_version = " << kModuleApiVersion
      << "\n[[commands]]\nname = \"quiz\"\n";
  EngineConfig config;
  config.script_dirs = {dir.string()};
  config.modules_disabled = {"menu", "admin", "mailing"};
  ModuleRegistry registry;
  register_modules(config, {}, registry);
  EXPECT_EQ(names(registry), (std::vector<std::string>{"quiz"}));
  EXPECT_EQ(registry.for_command("quiz"), registry.modules()[0].get());
  config.modules_disabled.push_back("quiz");  // switched off by name like any module
  ModuleRegistry none;
  register_modules(config, {}, none);
  EXPECT_TRUE(names(none).empty());
  std::ofstream(dir / "quiz" / "module.toml") << "name = 1\n";
  EXPECT_NE(error_of(config, {}).find("module.toml:1:8: 'name' must be a string"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(BotModules, UnknownNamesAndClashesAreClearErrors) {
  EngineConfig config;
  config.modules_disabled = {"qiuz"};
  EXPECT_EQ(error_of(config, {named("quiz")})
                .rfind("[modules] disabled: there is no module "
                       "named 'qiuz' — the modules are: ",
                       0),
            0u);
  EXPECT_EQ(error_of(EngineConfig{}, {named("menu")}),
            "two modules are named 'menu': rename the third-party one (module names are unique)");
  EngineConfig table;
  table.module_config["nope"] = json::object{};
  EXPECT_NE(error_of(table, {}).find("[modules.nope]: there is no module named 'nope'"),
            std::string::npos);
}

TEST(BotModules, AModulesTableIsCheckedAgainstWhatItDeclares) {
  Named quiz("quiz");
  const ModuleInfo info = quiz.info();
  EXPECT_NO_THROW(
      check_module_config(info, {{"limit", 7}, {"mode", "Fast"}, {"items", json::array{1}}}));
  auto error = [&](json::object table) {
    try {
      check_module_config(info, table);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error({{"limt", 7}}),
            "[modules.quiz] limt: the module 'quiz' has no such setting — check the spelling; it "
            "accepts limit, mode, items");
  EXPECT_EQ(error({{"limit", "many"}}),
            "[modules.quiz] limit: \"many\" is not a whole number — write digits only, e.g. 42");
  EXPECT_EQ(error({{"mode", "medium"}}),
            "[modules.quiz] mode: \"medium\" is not one of the allowed values — write one of: "
            "fast, slow");
  EXPECT_EQ(error({{"limit", json::array{1}}}),
            "[modules.quiz] limit: expected a single value, not an array or a table");
  EXPECT_EQ(error({{"items", 3}}),
            "[modules.quiz] items: expected an array or a table — see the module's documentation");
}

TEST(BotModules, SettingsComeFromTheSheetThenTheConfigThenTheDefault) {
  Named quiz("quiz");
  const ModuleInfo info = quiz.info();
  ModuleSettings none(info.settings, {}, nullptr);
  EXPECT_EQ(none.get("limit"), "5");
  EXPECT_EQ(none.get("mode"), std::nullopt);
  EXPECT_EQ(none.get("undeclared"), std::nullopt);
  ModuleSettings configured(info.settings, {{"limit", 9}, {"mode", "slow"}}, nullptr);
  EXPECT_EQ(configured.get("limit"), "9");
  EXPECT_EQ(configured.get_or("mode", "fast"), "slow");
  EXPECT_EQ(configured.config().at("limit"), 9);

  ModuleRegistry registry;
  registry.add(std::make_unique<Named>("quiz"));
  std::shared_ptr<const Content> content = testing::make_content(
      {{"Pages", "id,text\nstart,Hi\n"}, {"Settings", "key,value\nlimit,12\n"}}, registry);
  ModuleSettings live(info.settings, {{"limit", 9}}, [&content] { return content; });
  EXPECT_EQ(live.get("limit"), "12") << "the owner's sheet wins over the config file";
}

}  // namespace
}  // namespace corebot::app
