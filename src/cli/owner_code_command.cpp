// `corebot owner-code --config FILE`: the first-run code that makes its sender the bot's owner
// ("/start <code>"), for the installer and for owners who lost the log line. Reads the same store
// the engine uses (the config's [store] uri and COREBOT_STORE_URI) and makes the code when the
// engine has not yet: both processes then use the same one.
//
// The contract (the VPS installer relies on it): exit 0 and stdout is either the code alone on
// one line, or one line starting "This bot already has an owner"; exit 2 with the reason on
// stderr when the config or the store cannot be read.
#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/config.hpp"
#include "app/ownership.hpp"
#include "cli/commands.hpp"
#include "core/private_files.hpp"
#include "corebot/store.hpp"

namespace corebot::cli {

int run_owner_code(const OwnerCodeOptions& options) {
  try {
    const app::EngineConfig config =
        app::load_config(options.config_path, app::process_environment(), /*for_running=*/false);
    if (!config.admin_owners.empty()) {
      std::cout << "This bot already has an owner: [admin] owners in the config lists "
                << config.admin_owners.size() << " id(s); no code is needed\n";
      return 0;
    }
    // The store holds the code: its folder 0700 and its file 0600, as the engine makes them,
    // also when this command is the first to create it.
    constexpr std::string_view kSqlite = "sqlite://";
    if (config.store_uri.rfind(kSqlite, 0) == 0) {
      const std::filesystem::path file(
          config.store_uri.substr(kSqlite.size(), config.store_uri.find('?') - kSqlite.size()));
      if (file.is_absolute()) {
        (void)core::create_private_directories(file.parent_path());
        if (std::string error = core::create_private_file(file); !error.empty()) {
          std::cerr << "corebot owner-code: " << error << "\n";
        }
      }
    }
    auto store = open_store(config.store_uri);
    if (auto owner = app::stored_owner(*store)) {
      std::cout << "This bot already has an owner: Telegram user " << *owner
                << " claimed it with the first-run code\n";
      return 0;
    }
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::cout << app::ensure_owner_code(*store, now) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "corebot owner-code: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace corebot::cli
