// The `corebot` subcommands, each a thin layer over the parts. main.cpp parses the command line
// and calls one of these; each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "corebot/module_factory.hpp"

namespace corebot::cli {

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

struct BroadcastOptions {
  std::string text;
  std::string to;  // a file of chat ids (one per line) or "all"
  std::string admin_url = "http://127.0.0.1:8081";
  std::string admin_token;  // COREBOT_ADMIN_TOKEN when empty
};
// Exit codes: 0 all sent (blocked recipients count as done), 1 engine unreachable or refused,
// 2 bad arguments, 3 finished with failures.
int run_broadcast(const BroadcastOptions& options);

struct OwnerCodeOptions {
  std::optional<std::string> config_path;
};
// Prints the first-run owner code, or that the bot already has an owner (exit 0); 2 on errors.
int run_owner_code(const OwnerCodeOptions& options);

}  // namespace corebot::cli
