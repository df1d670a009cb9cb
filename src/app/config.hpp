// The engine's configuration: a TOML file, then environment overrides. Unknown keys are errors,
// so a typo never silently falls back to a default. See docs/configuration.md for every key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace corebot::app {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HostPort {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

struct EngineConfig {
  // [telegram]
  std::string token;  // BOT_TOKEN
  // telegram.token_file: a file whose first line is the token (relative to the config file),
  // read when neither telegram.token nor BOT_TOKEN gives one. `corebot new` writes it 0600.
  std::string token_file;
  std::string api_url = "https://api.telegram.org";  // COREBOT_API_URL
  std::string proxy;                                 // COREBOT_PROXY
  // "builtin" (keep-alive HTTP/1.1 on the event loop) or "curl" (libcurl: HTTP/2, its own
  // thread); uploads and proxies always use libcurl. COREBOT_HTTP_CLIENT.
  std::string http_client = "builtin";
  int request_timeout_s = 15;

  // [updates]
  std::string mode = "polling";  // "polling" or "webhook"; COREBOT_MODE
  int poll_timeout_s = 25;

  // [webhook]
  std::string webhook_url;  // public HTTPS URL Telegram posts to; COREBOT_WEBHOOK_URL
  HostPort webhook_listen{"127.0.0.1", 8443};
  std::string webhook_path = "/telegram";
  std::string webhook_secret;  // COREBOT_WEBHOOK_SECRET; generated when empty

  // [outbox]
  double global_per_second = 30;
  double private_per_second = 1;
  double group_per_minute = 20;
  bool paid_broadcast = false;

  // [admin] the local admin/health HTTP endpoint; port 0 disables it
  HostPort admin_listen{"127.0.0.1", 0};
  std::string admin_token;  // COREBOT_ADMIN_TOKEN
  // A listen address other than loopback is refused unless this is set (COREBOT_ADMIN_ALLOW_REMOTE)
  // and the token has at least kMinRemoteAdminToken characters.
  bool admin_allow_remote = false;
  static constexpr std::size_t kMinRemoteAdminToken = 24;
  // [admin] owners: Telegram user ids with the owner role from the start, before any
  // spreadsheet (COREBOT_ADMIN_OWNERS: ids separated by commas). Empty: the first-run code.
  std::vector<std::int64_t> admin_owners;

  // [store] sqlite:///abs/path/bot.db or mongodb://...; COREBOT_STORE_URI.
  // Default: sqlite://<working directory>/var/bot.db (the directory is created).
  std::string store_uri;
  // Record every sender in `users` (coalesced, see user_tracker.hpp). Off only to measure what
  // it costs, or for a bot that must not keep user records.
  bool track_users = true;

  // [content] the bot's spreadsheet: .xlsx, .ods, .csv, a folder of CSV files or an http(s)
  // link (a Google Sheets link); COREBOT_CONTENT. A relative path in the file is relative to the
  // file's folder. Empty: no content (the built-in menu runs instead).
  std::string content_source;
  int content_poll_s = 0;  // reload when the source changes, checked every N seconds; 0: off
  int content_download_timeout_s = 30;  // a link's whole download, redirects included
  // Where a link's last good download is kept for starts while the link is down
  // (COREBOT_CONTENT_CACHE). Default: the SQLite store's folder, else <cwd>/var.
  std::string content_cache_dir;

  // [engine]
  std::string log_level = "info";  // COREBOT_LOG_LEVEL
  int shutdown_grace_s = 10;       // how long SIGTERM waits for in-flight work

  // [modules] which modules run besides the defaults (module_factory.hpp), by name.
  std::vector<std::string> modules_enabled;
  std::vector<std::string> modules_disabled;
  // [modules.<name>] each module's own table, as JSON (checked against what the module declares
  // when it is set up, see module_services.hpp). The older [menu] table is read as
  // [modules.menu].
  std::map<std::string, boost::json::object> module_config;

  // [scripts] Lua modules (docs/modules.md, "Lua modules"): folders whose module folders (each
  // with a module.toml) run as modules; relative to the config file's folder.
  std::vector<std::string> script_dirs;
  int script_reload_s = 2;      // how often a module folder is checked for changes; 0: never
  int script_memory_mb = 32;    // each Lua module's memory cap
  int script_max_failures = 5;  // failures in a row that switch a Lua module off
};

using Environment = std::map<std::string, std::string>;

// The process environment as a map.
Environment process_environment();

// Reads `path` (when given) and applies overrides from `env`. Throws ConfigError with
// "file:line:column: what is wrong" for syntax errors, unknown keys and wrong types, and names
// the missing setting when a required one is absent (the token).
// With `for_running` false, the checks only a running bot needs (a token, a webhook URL) are
// skipped: for commands that only read the store (`corebot owner-code`).
EngineConfig load_config(const std::optional<std::string>& path, const Environment& env,
                         bool for_running = true);

// True for addresses only this machine can reach: 127.0.0.0/8, ::1, "localhost".
bool is_loopback(const std::string& host);

// Parses "host:port". Throws ConfigError naming `what` on a malformed value.
HostPort parse_host_port(const std::string& value, const std::string& what);

}  // namespace corebot::app
