// The `corebot` subcommands, each a thin layer over the parts. main.cpp parses the command line
// and calls one of these; each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "corebot/module_factory.hpp"

namespace corebot::cli {

inline constexpr const char* kVersion = "0.1.0";  // `corebot --version`; recorded by `new`

// The first line of a file holding a secret (a token), without surrounding spaces. Throws
// std::runtime_error naming the file when it cannot be read or is empty.
std::string read_secret_file(const std::string& path);

struct RunOptions {
  std::optional<std::string> config_path;
  std::string token;    // overrides the config and BOT_TOKEN when set
  std::string api_url;  // overrides the config and COREBOT_API_URL when set
  std::string log_level;
  std::vector<ModuleFactory> modules;  // besides the built-in ones (corebot::run)
};
int run_bot(const RunOptions& options);

struct SandboxCommandOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8081;
  std::vector<std::string> tokens;
  bool limits = true;
  double global_rate = 30;
  bool manual_clock = false;
  std::string port_file;
};
int run_sandbox(const SandboxCommandOptions& options);

struct DemoOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::optional<std::string> config_path;
  std::string source;  // the spreadsheet to preview (a path or a link); empty: the config's
  std::vector<ModuleFactory> modules;  // besides the built-in ones (corebot::run)
};
int run_demo(const DemoOptions& options);

struct CheckOptions {
  std::string path;                    // .xlsx, .ods, .csv or a folder of CSV files
  std::vector<ModuleFactory> modules;  // besides the built-in ones (corebot::run)
};
// Prints the report of the spreadsheet; 0 when it has no errors (warnings allowed), 1 otherwise.
int run_check(const CheckOptions& options);

struct NewOptions {
  std::string name;             // the folder to create (its last part names the bot)
  std::string language = "en";  // of the workbook's notes and the README: en or ru
  std::string template_name = "card";
  std::string admin;                   // optional first row of Admins: an id or @username
  std::vector<ModuleFactory> modules;  // besides the built-in ones (corebot::run)
};
// Creates the folder with bot.toml, bot.xlsx, README.md and (given a token in COREBOT_TOKEN or
// BOT_TOKEN, or typed at a terminal) a 0600 token file. Refuses an existing path. Exit codes: 0
// made, 1 writing failed (the half-made folder is removed), 2 bad arguments.
int run_new(const NewOptions& options);

struct BroadcastOptions {
  std::string action = "send";  // send | list | status | follow | pause | resume | cancel
  std::string id;               // the mailing (status..cancel); for send: an id of your own
  std::string text;
  std::string parse_mode;  // HTML or MarkdownV2 for --text
  std::string copy;        // "<chat id>:<message id>[,<message id>...]": copy those messages
  // The audience: one of these.
  std::string to;  // a file of chat ids (one per line) or "all"
  std::string language;
  std::string tag;
  int active_days = 0;
  std::string filter;  // a JSON store filter on user fields
  std::string at;      // "YYYY-MM-DD HH:MM" (UTC); empty: now
  bool paid = false;
  bool follow = true;  // after send: follow the mailing to its end
  std::string admin_url = "http://127.0.0.1:8081";
  std::string admin_token;  // COREBOT_ADMIN_TOKEN when empty
};
// Exit codes: 0 done, all sent (blocked recipients count as done) or the action taken,
// 1 engine unreachable or refused (a mailing with that id exists: it is not sent again),
// 2 bad arguments, 3 finished with failures, 4 cancelled.
int run_broadcast(const BroadcastOptions& options);

struct ModuleNewOptions {
  std::string name;       // the module's name: [a-z][a-z0-9_]*
  std::string dir = ".";  // where the module's folder is made
};
// `corebot module new NAME`: writes <dir>/<name>/ with module.toml, main.lua and an end-to-end
// test (test_<name>.py). 0 when written, 2 for a bad name or an existing folder.
int run_module_new(const ModuleNewOptions& options);
struct StoreCommandOptions {
  std::optional<std::string> config_path;  // the bot's config: its [store] uri
  std::string store_uri;                   // overrides the config when set
  std::string file;                        // the backup file (written or read)
};
// `corebot backup`: writes a new backup file (0600); `corebot restore`: replaces the store's
// content with a backup's (stop the bot first). 0 on success, 1 with the reason on stderr.
int run_backup(const StoreCommandOptions& options);
int run_restore(const StoreCommandOptions& options);
struct OwnerCodeOptions {
  std::optional<std::string> config_path;
};
// Prints the first-run owner code, or that the bot already has an owner (exit 0); 2 on errors.
int run_owner_code(const OwnerCodeOptions& options);

}  // namespace corebot::cli
