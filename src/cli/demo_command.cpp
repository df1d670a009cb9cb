#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/bot_modules.hpp"
#include "app/config.hpp"
#include "app/engine.hpp"
#include "cli/commands.hpp"
#include "core/log.hpp"
#include "net/event_loop.hpp"
#include "sandbox/sandbox.hpp"

namespace corebot::cli {

std::string_view demo_workbook();  // embedded examples/business-card/business-card.xlsx

namespace {
constexpr const char* kDemoToken = "1000000001:corebot-demo-token";

// Writes the embedded example workbook to a private temporary folder; returns its path.
std::string write_demo_workbook() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("corebot-demo-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "business-card.xlsx";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  const std::string_view bytes = demo_workbook();
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file.string();
}
}  // namespace

int run_demo(const DemoOptions& options) {
  app::EngineConfig config;
  try {
    app::Environment env{{"BOT_TOKEN", kDemoToken}};
    if (const char* content = std::getenv("COREBOT_CONTENT")) env["COREBOT_CONTENT"] = content;
    config = app::load_config(options.config_path, env);
  } catch (const app::ConfigError& e) {
    std::cerr << "corebot demo: config error: " << e.what() << "\n";
    return 2;
  }
  // The business-card example, unless the config names a spreadsheet or a menu of its own.
  // The written workbook's folder, removed however the demo ends.
  struct RemoveOnExit {
    std::filesystem::path dir;
    ~RemoveOnExit() {
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } demo_dir;
  if (config.content_source.empty() && !config.module_config.count("menu")) {
    try {
      config.content_source = write_demo_workbook();
      demo_dir.dir = std::filesystem::path(config.content_source).parent_path();
    } catch (const std::exception& e) {
      std::cerr << "corebot demo: " << e.what() << "\n";
      return 2;
    }
  }
  config.token = kDemoToken;
  core::set_log_level(config.log_level);
  ModuleRegistry registry;
  try {
    app::register_modules(config, options.modules, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot demo: " << e.what() << "\n";
    return 2;
  }

  net::EventLoop loop;
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.host = options.host;
  sandbox_options.port = options.port;
  sandbox_options.tokens = {kDemoToken};
  sandbox::Sandbox sandbox(loop, sandbox_options);
  try {
    sandbox.start();
  } catch (const std::exception& e) {
    std::cerr << "corebot demo: " << e.what() << " (try --port with another port)\n";
    return 2;
  }
  config.api_url = sandbox.base_url();
  std::unique_ptr<app::Engine> engine_ptr;
  try {
    engine_ptr = std::make_unique<app::Engine>(config, loop, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot demo: " << e.what() << "\n";
    return 2;
  }
  app::Engine& engine = *engine_ptr;
  net::SignalWatch signals(loop, [&](int) {
    engine.stop([&] {
      sandbox.stop();
      loop.stop();
    });
  });
  loop.post([&] {
    engine.start([&] {
      sandbox.stop();
      loop.stop();
    });
  });
  std::cout << "\nCorebot demo is running.\n"
            << "  Web chat:  " << sandbox.base_url() << "/\n"
            << "  Bot API:   " << sandbox.base_url() << "/bot" << kDemoToken << "/getMe\n"
            << "Open the web chat, pick a user and send /start. Ctrl-C stops.\n"
            << std::endl;
  loop.run();
  return engine.exit_code();
}

}  // namespace corebot::cli
