// A Lua module's folder: module.toml (what the module is and declares) and its Lua files.
//
//   name = "quiz"                  # [a-z0-9_]+, unique among the bot's modules
//   version = "1.0.0"
//   api_version = 2                # the corebot::kModuleApiVersion it was written for
//   main = "main.lua"              # optional; the file that returns the module's handlers
//   permissions = ["store", "send"]
//   callback_prefix = "quiz"
//   update_kinds = ["message"]     # optional
//   [[commands]]
//   name = "quiz"
//   description = "Play a quiz"
//   [[settings]]
//   key = "rounds"  type = "integer"  default = "3"  description = "..."
//   [[admin_menu]]                # a button of the admin panel (ModuleInfo::admin_menu)
//   title = "Bookings"  callback_data = "booking:admin"  role = "admin"  titles = { ru = "..." }
//   [[sheets]]
//   name = "Questions"  required = false
//   columns = [{ name = "question", type = "text", required = true }]
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "corebot/module.hpp"

namespace corebot::script {

class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Manifest {
  ModuleInfo info;  // name, version, commands, prefix, kinds, sheets, settings, admin_menu
  std::string main = "main.lua";
  // "store" (store.*), "send" (bot.call, bot.send, ctx:call), "users" (users.find),
  // "jobs" (jobs.*)
  std::set<std::string> permissions;
};

// Reads `<dir>/module.toml`. Throws ManifestError "<file>:<line>:<col>: what — how to fix".
Manifest read_manifest(const std::filesystem::path& dir);

// The module's Lua files (relative path -> text): every *.lua under `dir`, at most 200 files of
// 1 MiB each, none outside the folder (a link leading out is refused). Throws ManifestError.
std::map<std::string, std::string> read_lua_files(const std::filesystem::path& dir);

// What changes when any file of the module changes (module.toml and *.lua: paths and texts).
std::string fingerprint(const std::filesystem::path& dir);

}  // namespace corebot::script
