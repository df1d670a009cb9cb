#include "app/config.hpp"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <boost/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "content/source.hpp"

extern char** environ;

namespace corebot::app {

namespace {

std::string where(const std::string& file, const toml::source_region& region) {
  std::ostringstream out;
  out << file << ":" << region.begin.line << ":" << region.begin.column;
  return out.str();
}

// Reads one table, rejecting keys it does not know.
class TableReader {
 public:
  TableReader(const std::string& file, const toml::table& table, std::string name)
      : file_(file), table_(table), name_(std::move(name)) {}

  ~TableReader() noexcept(false) {
    if (std::uncaught_exceptions() > 0) return;
    for (const auto& [key, node] : table_) {
      (void)node;
      if (!known_.count(std::string(key.str()))) {
        throw ConfigError(where(file_, key.source()) + ": unknown setting '" + name_ + "." +
                          std::string(key.str()) + "'");
      }
    }
  }

  template <typename T>
  void read(const char* key, T& out) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return;
    if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node->value<std::string>()) return void(out = *v);
      fail(*node, key, "a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node->value_exact<bool>()) return void(out = *v);
      fail(*node, key, "true or false");
    } else if constexpr (std::is_same_v<T, double>) {
      if (auto v = node->value<double>(); v && *v > 0) return void(out = *v);
      fail(*node, key, "a positive number");
    } else if constexpr (std::is_same_v<T, int>) {
      if (auto v = node->value_exact<int64_t>(); v && *v >= 0 && *v < 1'000'000) {
        return void(out = static_cast<int>(*v));
      }
      fail(*node, key, "a whole number from 0 to 999999");
    } else if constexpr (std::is_same_v<T, HostPort>) {
      std::string s;
      read(key, s);
      if (!s.empty())
        out = parse_host_port(s, where(file_, node->source()) + ": " + name_ + "." + key);
    }
  }

  const toml::table* sub(const char* key) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (node && !node->is_table()) fail(*node, key, "a table");
    return node ? node->as_table() : nullptr;
  }
  const toml::array* array(const char* key) {
    known_.insert(key);
    const toml::node* node = table_.get(key);
    if (node && !node->is_array()) fail(*node, key, "an array");
    return node ? node->as_array() : nullptr;
  }

  [[noreturn]] void fail(const toml::node& node, const char* key, const char* expected) {
    throw ConfigError(where(file_, node.source()) + ": '" + name_ + "." + key + "' must be " +
                      expected);
  }

 private:
  const std::string& file_;
  const toml::table& table_;
  std::string name_;
  std::set<std::string> known_;
};

// A TOML value as JSON (a module's table is handed to the module as JSON).
boost::json::value to_json(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    boost::json::object out;
    for (const auto& [key, value] : *t) out[key.str()] = to_json(value);
    return out;
  }
  if (const auto* a = node.as_array()) {
    boost::json::array out;
    for (const auto& value : *a) out.push_back(to_json(value));
    return out;
  }
  if (auto v = node.value_exact<std::string>()) return boost::json::value(*v);
  if (auto v = node.value_exact<int64_t>()) return boost::json::value(*v);
  if (auto v = node.value_exact<double>()) return boost::json::value(*v);
  if (auto v = node.value_exact<bool>()) return boost::json::value(*v);
  // Dates and times: as TOML writes them.
  std::ostringstream out;
  node.visit([&out](const auto& v) {
    if constexpr (toml::is_date<decltype(v)> || toml::is_time<decltype(v)> ||
                  toml::is_date_time<decltype(v)>) {
      out << v;
    }
  });
  return boost::json::value(out.str());
}

std::vector<std::string> read_names(const std::string& file, const toml::array& names,
                                    const std::string& what) {
  std::vector<std::string> out;
  for (const auto& node : names) {
    auto v = node.value_exact<std::string>();
    if (!v) throw ConfigError(where(file, node.source()) + ": " + what + " lists module names");
    out.push_back(*v);
  }
  return out;
}

void read_modules(const std::string& file, const toml::table& modules, EngineConfig& config) {
  for (const auto& [key, node] : modules) {
    const std::string name(key.str());
    if (name == "enabled" || name == "disabled") {
      const toml::array* names = node.as_array();
      if (!names) {
        throw ConfigError(where(file, node.source()) + ": 'modules." + name +
                          "' must be an array of module names");
      }
      (name == "enabled" ? config.modules_enabled : config.modules_disabled) =
          read_names(file, *names, "modules." + name);
      continue;
    }
    const toml::table* table = node.as_table();
    if (!table) {
      throw ConfigError(where(file, node.source()) + ": 'modules." + name +
                        "' must be a table [modules." + name + "] of that module's settings");
    }
    config.module_config[name] = to_json(*table).as_object();
  }
}

void read_file(const std::string& path, EngineConfig& config) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(where(path, e.source()) + ": " + std::string(e.description()));
  }
  TableReader top(path, root, "");
  if (auto* t = top.sub("telegram")) {
    TableReader r(path, *t, "telegram");
    r.read("token", config.token);
    r.read("token_file", config.token_file);
    if (!config.token_file.empty() && !std::filesystem::path(config.token_file).is_absolute()) {
      config.token_file = (std::filesystem::path(path).parent_path() / config.token_file)
                              .lexically_normal()
                              .string();
    }
    r.read("api_url", config.api_url);
    r.read("proxy", config.proxy);
    r.read("http_client", config.http_client);
    r.read("request_timeout", config.request_timeout_s);
  }
  if (auto* t = top.sub("updates")) {
    TableReader r(path, *t, "updates");
    r.read("mode", config.mode);
    r.read("poll_timeout", config.poll_timeout_s);
  }
  if (auto* t = top.sub("webhook")) {
    TableReader r(path, *t, "webhook");
    r.read("url", config.webhook_url);
    r.read("listen", config.webhook_listen);
    r.read("path", config.webhook_path);
    r.read("secret", config.webhook_secret);
  }
  if (auto* t = top.sub("outbox")) {
    TableReader r(path, *t, "outbox");
    r.read("global_per_second", config.global_per_second);
    r.read("private_per_second", config.private_per_second);
    r.read("group_per_minute", config.group_per_minute);
    r.read("paid_broadcast", config.paid_broadcast);
  }
  if (auto* t = top.sub("admin")) {
    TableReader r(path, *t, "admin");
    r.read("listen", config.admin_listen);
    r.read("token", config.admin_token);
    r.read("allow_remote", config.admin_allow_remote);
    if (const toml::array* owners = r.array("owners")) {
      for (const auto& node : *owners) {
        auto id = node.value_exact<int64_t>();
        if (!id || *id <= 0) {
          throw ConfigError(where(path, node.source()) +
                            ": admin.owners lists Telegram user ids, whole numbers such as "
                            "123456789 (ask @userinfobot for yours)");
        }
        config.admin_owners.push_back(*id);
      }
    }
  }
  if (auto* t = top.sub("store")) {
    TableReader r(path, *t, "store");
    r.read("uri", config.store_uri);
    r.read("track_users", config.track_users);
  }
  if (auto* t = top.sub("content")) {
    TableReader r(path, *t, "content");
    r.read("source", config.content_source);
    r.read("poll_interval", config.content_poll_s);
    r.read("download_timeout", config.content_download_timeout_s);
    r.read("cache_dir", config.content_cache_dir);
    // Relative paths in the file are relative to the file's folder.
    const auto beside_file = [&](std::string& value) {
      if (value.empty() || content::is_link(value) || std::filesystem::path(value).is_absolute()) {
        return;
      }
      value = (std::filesystem::path(path).parent_path() / value).lexically_normal().string();
    };
    beside_file(config.content_source);
    beside_file(config.content_cache_dir);
  }
  if (auto* t = top.sub("engine")) {
    TableReader r(path, *t, "engine");
    r.read("log_level", config.log_level);
    r.read("shutdown_grace", config.shutdown_grace_s);
  }
  if (auto* t = top.sub("modules")) read_modules(path, *t, config);
  if (auto* t = top.sub("scripts")) {
    TableReader r(path, *t, "scripts");
    if (const toml::array* dirs = r.array("dirs")) {
      for (const auto& node : *dirs) {
        auto v = node.value_exact<std::string>();
        if (!v) throw ConfigError(where(path, node.source()) + ": scripts.dirs lists folders");
        std::filesystem::path dir(*v);
        if (!dir.is_absolute()) dir = std::filesystem::path(path).parent_path() / dir;
        config.script_dirs.push_back(dir.lexically_normal().string());
      }
    }
    r.read("reload_interval", config.script_reload_s);
    r.read("memory_mb", config.script_memory_mb);
    r.read("max_failures", config.script_max_failures);
  }
  // The menu's table from before modules had tables of their own.
  if (auto* t = top.sub("menu")) {
    auto& menu = config.module_config["menu"];
    const boost::json::value table = to_json(*t);
    for (const auto& [key, value] : table.as_object()) menu[key] = value;
  }
}

// The admin endpoint serves mailings to every user and the engine's state: only loopback,
// unless the owner says otherwise on purpose and guards it with a token nobody can guess.
void check_admin(const EngineConfig& config) {
  if (config.admin_listen.port == 0 || is_loopback(config.admin_listen.host)) return;
  const std::string listen =
      config.admin_listen.host + ":" + std::to_string(config.admin_listen.port);
  if (!config.admin_allow_remote) {
    throw ConfigError(
        "admin.listen (COREBOT_ADMIN_LISTEN) is " + listen +
        ", which other machines can reach: listen on 127.0.0.1 and put a proxy in front, or set "
        "admin.allow_remote = true (COREBOT_ADMIN_ALLOW_REMOTE=1) with an admin.token of at "
        "least " +
        std::to_string(EngineConfig::kMinRemoteAdminToken) + " characters");
  }
  if (config.admin_token.size() < EngineConfig::kMinRemoteAdminToken) {
    throw ConfigError(
        "admin.token (COREBOT_ADMIN_TOKEN) has " + std::to_string(config.admin_token.size()) +
        " characters; an admin endpoint other machines can reach (admin.listen " + listen +
        ") needs at least " + std::to_string(EngineConfig::kMinRemoteAdminToken) +
        ": generate one with `openssl rand -hex 24`");
  }
}

// The first line of telegram.token_file, trimmed.
std::string read_token_file(const EngineConfig& config) {
  std::ifstream in(config.token_file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw ConfigError("telegram.token_file: cannot read the token from " + config.token_file +
                      " — put the token from @BotFather on its first line (chmod 600), or set "
                      "BOT_TOKEN");
  }
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  return first == std::string::npos ? std::string() : line.substr(first, last - first + 1);
}

void check(const EngineConfig& config) {
  if (config.token.empty()) {
    throw ConfigError(
        "no bot token: set telegram.token_file (or telegram.token) in the config file, or "
        "BOT_TOKEN in the environment");
  }
  auto colon = config.token.find(':');
  if (colon == std::string::npos || colon == 0 ||
      config.token.find_first_not_of("0123456789") != colon) {
    throw ConfigError(
        "the bot token does not look like '<digits>:<secret>' (as @BotFather gives it)");
  }
  if (config.mode != "polling" && config.mode != "webhook") {
    throw ConfigError("updates.mode must be \"polling\" or \"webhook\", not \"" + config.mode +
                      "\"");
  }
  if (config.mode == "webhook" && config.webhook_url.empty()) {
    throw ConfigError(
        "webhook mode needs webhook.url (COREBOT_WEBHOOK_URL): the public URL Telegram posts to");
  }
  if (config.api_url.rfind("http://", 0) != 0 && config.api_url.rfind("https://", 0) != 0) {
    throw ConfigError("telegram.api_url must start with http:// or https://");
  }
  if (config.http_client != "builtin" && config.http_client != "curl") {
    throw ConfigError("telegram.http_client must be \"builtin\" or \"curl\", not \"" +
                      config.http_client + "\"");
  }
  check_admin(config);
  if (config.content_poll_s < 0) {
    throw ConfigError("content.poll_interval must be 0 (off) or a number of seconds");
  }
  if (config.content_download_timeout_s <= 0) {
    throw ConfigError("content.download_timeout must be a positive number of seconds");
  }
}

}  // namespace

bool is_loopback(const std::string& host) {
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h == "localhost" || h == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

HostPort parse_host_port(const std::string& value, const std::string& what) {
  auto colon = value.rfind(':');
  HostPort result;
  unsigned port = 0;
  if (colon == std::string::npos || colon == 0) {
    throw ConfigError(what + ": expected host:port, got '" + value + "'");
  }
  auto [ptr, ec] = std::from_chars(value.data() + colon + 1, value.data() + value.size(), port);
  if (ec != std::errc() || ptr != value.data() + value.size() || port > 65535) {
    throw ConfigError(what + ": bad port in '" + value + "'");
  }
  result.host = value.substr(0, colon);
  result.port = static_cast<std::uint16_t>(port);
  return result;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

EngineConfig load_config(const std::optional<std::string>& path, const Environment& env,
                         bool for_running) {
  EngineConfig config;
  if (path) read_file(*path, config);
  auto override_with = [&](const char* name, std::string& field) {
    if (auto it = env.find(name); it != env.end() && !it->second.empty()) field = it->second;
  };
  override_with("BOT_TOKEN", config.token);
  override_with("COREBOT_API_URL", config.api_url);
  override_with("COREBOT_PROXY", config.proxy);
  override_with("COREBOT_HTTP_CLIENT", config.http_client);
  override_with("COREBOT_MODE", config.mode);
  override_with("COREBOT_WEBHOOK_URL", config.webhook_url);
  override_with("COREBOT_WEBHOOK_SECRET", config.webhook_secret);
  override_with("COREBOT_ADMIN_TOKEN", config.admin_token);
  override_with("COREBOT_LOG_LEVEL", config.log_level);
  override_with("COREBOT_STORE_URI", config.store_uri);
  override_with("COREBOT_CONTENT", config.content_source);
  override_with("COREBOT_CONTENT_CACHE", config.content_cache_dir);
  if (config.token.empty() && !config.token_file.empty()) config.token = read_token_file(config);
  if (config.store_uri.empty()) {
    config.store_uri = "sqlite://" + (std::filesystem::current_path() / "var" / "bot.db").string();
  }
  if (config.content_cache_dir.empty()) {
    constexpr std::string_view kSqlite = "sqlite://";
    const std::string_view uri = config.store_uri;
    config.content_cache_dir =
        uri.starts_with(kSqlite)
            ? std::filesystem::path(uri.substr(kSqlite.size(), uri.find('?') - kSqlite.size()))
                  .parent_path()
                  .string()
            : (std::filesystem::current_path() / "var").string();
  }
  if (auto it = env.find("COREBOT_WEBHOOK_LISTEN"); it != env.end()) {
    config.webhook_listen = parse_host_port(it->second, "COREBOT_WEBHOOK_LISTEN");
  }
  if (auto it = env.find("COREBOT_ADMIN_LISTEN"); it != env.end()) {
    config.admin_listen = parse_host_port(it->second, "COREBOT_ADMIN_LISTEN");
  }
  if (auto it = env.find("COREBOT_ADMIN_ALLOW_REMOTE"); it != env.end() && !it->second.empty()) {
    const std::string& v = it->second;
    if (v == "1" || v == "true") {
      config.admin_allow_remote = true;
    } else if (v == "0" || v == "false") {
      config.admin_allow_remote = false;
    } else {
      throw ConfigError("COREBOT_ADMIN_ALLOW_REMOTE must be 1 or 0 (true or false), not '" + v +
                        "'");
    }
  }
  if (auto it = env.find("COREBOT_ADMIN_OWNERS"); it != env.end() && !it->second.empty()) {
    config.admin_owners.clear();
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string item(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      std::size_t used = 0;
      long long id = 0;
      try {
        id = std::stoll(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != item.size() || id <= 0) {
        throw ConfigError(
            "COREBOT_ADMIN_OWNERS lists Telegram user ids separated by commas, not '" + item + "'");
      }
      config.admin_owners.push_back(id);
    }
  }
  if (for_running) check(config);
  return config;
}

}  // namespace corebot::app
