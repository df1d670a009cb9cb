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

TEST(Config, TokenFileBesideTheConfigAndTheEnvironmentWins) {
  const std::string config = write_temp("[telegram]\ntoken_file = \"token_for_test\"\n");
  const auto token = std::filesystem::path(config).parent_path() / "token_for_test";
  std::ofstream(token) << "  123:fromfile \nsecond line\n";
  EXPECT_EQ(load_config(config, {}).token, "123:fromfile");
  EXPECT_EQ(load_config(config, {{"BOT_TOKEN", "456:env"}}).token, "456:env");
  std::filesystem::remove(token);
  // A missing file says which key and how to fix it; BOT_TOKEN still works without it.
  EXPECT_NE(error_of(config, {}).find("telegram.token_file: cannot read the token from"),
            std::string::npos);
  EXPECT_EQ(load_config(config, {{"BOT_TOKEN", "456:env"}}).token, "456:env");
  std::filesystem::remove(config);
}

TEST(Config, ScriptsFoldersAreRelativeToTheFile) {
  auto path = write_temp(
      "[scripts]\ndirs = [\"modules\", \"/abs/lua\"]\nreload_interval = 0\n"
      "memory_mb = 8\nmax_failures = 3\n");
  auto config = load_config(path, {{"BOT_TOKEN", "1:a"}});
  const auto beside = (std::filesystem::path(path).parent_path() / "modules").string();
  EXPECT_EQ(config.script_dirs, (std::vector<std::string>{beside, "/abs/lua"}));
  EXPECT_EQ(config.script_reload_s, 0);
  EXPECT_EQ(config.script_memory_mb, 8);
  EXPECT_EQ(config.script_max_failures, 3);
  EXPECT_NE(error_of(write_temp("[scripts]\ndir = []\n"), {{"BOT_TOKEN", "1:a"}})
                .find("unknown setting 'scripts.dir'"),
            std::string::npos);
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

TEST(Config, TheBotApiHttpClientIsOursUnlessCurlIsAsked) {
  EXPECT_EQ(load_config(std::nullopt, {{"BOT_TOKEN", "1:a"}}).http_client, "builtin");
  auto path = write_temp("[telegram]\nhttp_client = \"curl\"\n");
  EXPECT_EQ(load_config(path, {{"BOT_TOKEN", "1:a"}}).http_client, "curl");
  EXPECT_EQ(load_config(std::nullopt, {{"BOT_TOKEN", "1:a"}, {"COREBOT_HTTP_CLIENT", "curl"}})
                .http_client,
            "curl");
  EXPECT_NE(error_of(std::nullopt, {{"BOT_TOKEN", "1:a"}, {"COREBOT_HTTP_CLIENT", "wget"}})
                .find("telegram.http_client must be \"builtin\" or \"curl\", not \"wget\""),
            std::string::npos);
}

TEST(Config, UserTrackingCanBeTurnedOff) {
  EXPECT_TRUE(load_config(std::nullopt, {{"BOT_TOKEN", "1:a"}}).track_users);
  auto path = write_temp("[store]\ntrack_users = false\n");
  EXPECT_FALSE(load_config(path, {{"BOT_TOKEN", "1:a"}}).track_users);
}

TEST(Config, AdminEndpointOnLoopbackNeedsNothingMore) {
  for (const char* listen :
       {"127.0.0.1:9090", "127.0.0.2:9090", "localhost:9090", "::1:9090", "[::1]:9090"}) {
    auto config = load_config(
        std::nullopt,
        {{"BOT_TOKEN", "1:a"}, {"COREBOT_ADMIN_LISTEN", listen}, {"COREBOT_ADMIN_TOKEN", "short"}});
    EXPECT_EQ(config.admin_listen.port, 9090) << listen;
  }
  EXPECT_TRUE(is_loopback("127.255.0.1"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("::"));
  EXPECT_FALSE(is_loopback("bot.example"));
}

TEST(Config, AdminEndpointElsewhereNeedsAllowRemoteAndAStrongToken) {
  const std::string strong(24, 'k');
  // Not allowed: the error names the key, the address and both ways out.
  auto refused = error_of(std::nullopt, {{"BOT_TOKEN", "1:a"},
                                         {"COREBOT_ADMIN_LISTEN", "0.0.0.0:9090"},
                                         {"COREBOT_ADMIN_TOKEN", strong}});
  EXPECT_NE(refused.find("admin.listen"), std::string::npos) << refused;
  EXPECT_NE(refused.find("0.0.0.0:9090"), std::string::npos) << refused;
  EXPECT_NE(refused.find("127.0.0.1"), std::string::npos) << refused;
  EXPECT_NE(refused.find("admin.allow_remote = true"), std::string::npos) << refused;

  // Allowed, but the token is too short (or missing).
  auto path = write_temp("[admin]\nlisten = \"192.0.2.7:9090\"\nallow_remote = true\n");
  for (const std::string& token : {std::string(""), std::string("x"), std::string(23, 'k')}) {
    auto weak = error_of(path, {{"BOT_TOKEN", "1:a"}, {"COREBOT_ADMIN_TOKEN", token}});
    EXPECT_NE(weak.find("admin.token"), std::string::npos) << weak;
    EXPECT_NE(weak.find("at least 24"), std::string::npos) << weak;
    EXPECT_NE(weak.find("openssl rand"), std::string::npos) << weak;
  }
  auto config = load_config(path, {{"BOT_TOKEN", "1:a"}, {"COREBOT_ADMIN_TOKEN", strong}});
  EXPECT_TRUE(config.admin_allow_remote);
  EXPECT_EQ(config.admin_listen.host, "192.0.2.7");
  // From the environment too (a container listens on 0.0.0.0 behind its own network).
  config = load_config(std::nullopt, {{"BOT_TOKEN", "1:a"},
                                      {"COREBOT_ADMIN_LISTEN", "0.0.0.0:9090"},
                                      {"COREBOT_ADMIN_ALLOW_REMOTE", "1"},
                                      {"COREBOT_ADMIN_TOKEN", strong}});
  EXPECT_TRUE(config.admin_allow_remote);
  EXPECT_NE(error_of(std::nullopt, {{"BOT_TOKEN", "1:a"}, {"COREBOT_ADMIN_ALLOW_REMOTE", "yes"}})
                .find("COREBOT_ADMIN_ALLOW_REMOTE"),
            std::string::npos);
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
