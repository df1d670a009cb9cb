// `corebot backup` / `corebot restore`: the store named by a bot's config (or --store) to or from
// one SQLite file (store/backup.hpp). Only the store's URI is read from the config, so neither
// needs the bot token.
#include <iostream>

#include "app/config.hpp"
#include "cli/commands.hpp"
#include "corebot/store.hpp"
#include "store/backup.hpp"

namespace corebot::cli {
namespace {

// The store URI: --store, else the config's [store] uri / COREBOT_STORE_URI / its default.
std::string store_uri(const StoreCommandOptions& options) {
  if (!options.store_uri.empty()) return options.store_uri;
  app::Environment env = app::process_environment();
  // load_config insists on a token; these commands never talk to Telegram.
  if (!env.contains("BOT_TOKEN")) env["BOT_TOKEN"] = "0:not-needed-for-the-store";
  return app::load_config(options.config_path, env).store_uri;
}

}  // namespace

int run_backup(const StoreCommandOptions& options) {
  try {
    const std::string uri = store_uri(options);
    const auto report = store::backup_store(uri, options.file);
    std::cout << "backup written to " << options.file << " (" << report.collections
              << " collections)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "corebot backup: " << e.what() << "\n";
    return 1;
  }
}

int run_restore(const StoreCommandOptions& options) {
  try {
    const std::string uri = store_uri(options);
    const auto report = store::restore_store(options.file, uri);
    std::cout << "restored " << options.file << " (" << report.collections
              << " collections); start the bot again\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "corebot restore: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace corebot::cli
