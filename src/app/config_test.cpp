#include "app/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace corebot::app {
namespace {

std::string write_temp(const std::string& text) {
  static int counter = 0;
  auto path = std::filesystem::temp_directory_path() /
              ("corebot_config_test_" + std::to_string(::getpid()) + "_" +
               std::to_string(counter++) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

std::string error_of(const std::optional<std::string>& path, const Environment& env) {
  try {
    load_config(path, env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsWithTokenFromEnvironment) {
  auto config = load_config(std::nullopt, {{"BOT_TOKEN", "123:abc"}});
  EXPECT_EQ(config.token, "123:abc");
  EXPECT_EQ(config.api_url, "https://api.telegram.org");
  EXPECT_EQ(config.mode, "polling");
  EXPECT_EQ(config.global_per_second, 30);
}

TEST(Config, FileThenEnvironmentOverrides) {
  auto path = write_temp(R"(
[telegram]
token = "1:file"
api_url = "http://127.0.0.1:9999"
[outbox]
global_per_second = 100
[menu]
pages = [ { id = "home", text = "Hi", buttons = [[ { text = "Go", page = "home" } ]] } ]
)");
  auto config = load_config(path, {{"BOT_TOKEN", "2:env"}});
  EXPECT_EQ(config.token, "2:env");
  EXPECT_EQ(config.api_url, "http://127.0.0.1:9999");
  EXPECT_EQ(config.global_per_second, 100);
  // [menu] is the menu module's table ([modules.menu]), handed over as JSON.
  const auto& pages = config.module_config.at("menu").at("pages").as_array();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].at("buttons").at(0).at(0).at("page"), "home");
}

TEST(Config, UnknownKeyNamesFileLineAndKey) {
  auto path = write_temp("[telegram]\ntoken = \"1:a\"\ntokn = \"typo\"\n");
  EXPECT_EQ(error_of(path, {}), path + ":3:1: unknown setting 'telegram.tokn'");
}

TEST(Config, WrongTypeAndSyntaxErrorsSayWhere) {
  auto typed = write_temp("[outbox]\nglobal_per_second = \"fast\"\n");
  EXPECT_EQ(error_of(typed, {{"BOT_TOKEN", "1:a"}}),
            typed + ":2:21: 'outbox.global_per_second' must be a positive number");
  auto broken = write_temp("[telegram\n");
  EXPECT_NE(error_of(broken, {}).find(broken + ":1:"), std::string::npos);
}

TEST(Config, MissingOrMalformedTokenAndBadMode) {
  EXPECT_NE(error_of(std::nullopt, {}).find("no bot token"), std::string::npos);
  EXPECT_NE(error_of(std::nullopt, {{"BOT_TOKEN", "nonsense"}}).find("does not look like"),
            std::string::npos);
  EXPECT_NE(error_of(std::nullopt, {{"BOT_TOKEN", "1:a"}, {"COREBOT_MODE", "carrier-pigeon"}})
                .find("updates.mode"),
            std::string::npos);
  EXPECT_NE(error_of(std::nullopt, {{"BOT_TOKEN", "1:a"}, {"COREBOT_MODE", "webhook"}})
                .find("webhook.url"),
            std::string::npos);
}

TEST(Config, UserTrackingCanBeTurnedOff) {
  EXPECT_TRUE(load_config(std::nullopt, {{"BOT_TOKEN", "1:a"}}).track_users);
  auto path = write_temp("[store]\ntrack_users = false\n");
  EXPECT_FALSE(load_config(path, {{"BOT_TOKEN", "1:a"}}).track_users);
}

TEST(Config, HostPort) {
  auto hp = parse_host_port("0.0.0.0:8443", "x");
  EXPECT_EQ(hp.host, "0.0.0.0");
  EXPECT_EQ(hp.port, 8443);
  EXPECT_THROW(parse_host_port("nohost", "x"), ConfigError);
  EXPECT_THROW(parse_host_port("h:99999", "x"), ConfigError);
}

TEST(Config, ContentSourceRelativeToTheFileAndFromTheEnvironment) {
  auto path = write_temp("[content]\nsource = \"bot.xlsx\"\npoll_interval = 5\n");
  auto config = load_config(path, {{"BOT_TOKEN", "123:abc"}});
  EXPECT_EQ(config.content_source,
            (std::filesystem::path(path).parent_path() / "bot.xlsx").string());
  EXPECT_EQ(config.content_poll_s, 5);
  config = load_config(path, {{"BOT_TOKEN", "123:abc"}, {"COREBOT_CONTENT", "/srv/other.ods"}});
  EXPECT_EQ(config.content_source, "/srv/other.ods");
  EXPECT_NE(error_of(write_temp("[content]\nsorce = \"x\"\n"), {{"BOT_TOKEN", "1:a"}})
                .find("unknown setting 'content.sorce'"),
            std::string::npos);
}

TEST(Config, ContentLinksAndTheirCache) {
  const std::string link = "https://docs.google.com/spreadsheets/d/abc/edit";
  auto path = write_temp("[content]\nsource = \"" + link + "\"\ndownload_timeout = 12\n");
  auto config = load_config(path, {{"BOT_TOKEN", "123:abc"}});
  EXPECT_EQ(config.content_source, link) << "a link is not a path relative to the file";
  EXPECT_EQ(config.content_download_timeout_s, 12);
  // The cached copy lives beside the SQLite store by default, else where the settings say.
  config =
      load_config(path, {{"BOT_TOKEN", "123:abc"},
                         {"COREBOT_STORE_URI", "sqlite:///srv/bot/data.db?busy_timeout_ms=9"}});
  EXPECT_EQ(config.content_cache_dir, "/srv/bot");
  config = load_config(path, {{"BOT_TOKEN", "123:abc"}, {"COREBOT_CONTENT_CACHE", "/tmp/c"}});
  EXPECT_EQ(config.content_cache_dir, "/tmp/c");
  auto relative = write_temp("[content]\nsource = \"" + link + "\"\ncache_dir = \"cache\"\n");
  EXPECT_EQ(load_config(relative, {{"BOT_TOKEN", "123:abc"}}).content_cache_dir,
            (std::filesystem::path(relative).parent_path() / "cache").string());
  EXPECT_NE(error_of(write_temp("[content]\ndownload_timeout = 0\n"), {{"BOT_TOKEN", "1:a"}})
                .find("content.download_timeout must be a positive number"),
            std::string::npos);
}

}  // namespace
}  // namespace corebot::app
