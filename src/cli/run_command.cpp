#include <iostream>

#include "app/bot_modules.hpp"
#include "app/config.hpp"
#include "app/engine.hpp"
#include "cli/commands.hpp"
#include "core/log.hpp"
#include "net/event_loop.hpp"

namespace corebot::cli {

int run_bot(const RunOptions& options) {
  app::EngineConfig config;
  try {
    auto env = app::process_environment();
    if (!options.token.empty()) env["BOT_TOKEN"] = options.token;
    if (!options.api_url.empty()) env["COREBOT_API_URL"] = options.api_url;
    if (!options.log_level.empty()) env["COREBOT_LOG_LEVEL"] = options.log_level;
    config = app::load_config(options.config_path, env);
  } catch (const app::ConfigError& e) {
    std::cerr << "corebot: config error: " << e.what() << "\n";
    return 2;
  }
  if (!core::set_log_level(config.log_level)) {
    std::cerr << "corebot: config error: unknown log level '" << config.log_level << "'\n";
    return 2;
  }
  ModuleRegistry registry;
  try {
    app::register_modules(config, options.modules, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot: " << e.what() << "\n";
    return 2;
  }
  net::EventLoop loop;
  std::unique_ptr<app::Engine> engine_ptr;
  try {
    engine_ptr = std::make_unique<app::Engine>(config, loop, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot: " << e.what() << "\n";
    return 2;
  }
  app::Engine& engine = *engine_ptr;
  net::SignalWatch signals(loop, [&](int signo) {
    COREBOT_LOG_INFO("signal {} received, shutting down", signo);
    engine.stop([&] { loop.stop(); });
  });
  loop.post([&] { engine.start([&] { loop.stop(); }); });
  loop.run();
  return engine.exit_code();
}

}  // namespace corebot::cli
