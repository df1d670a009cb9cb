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
#include "corebot/ascii.hpp"
#include "corebot/content.hpp"
#include "net/event_loop.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/state.hpp"

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

bool is_link(std::string_view source) {
  return source.starts_with("http://") || source.starts_with("https://");
}

// "my-shop.xlsx" -> "My shop": the name the web chat's header shows for the bot.
std::string bot_name(const std::string& source) {
  if (is_link(source)) return "Your bot";
  std::string name = std::filesystem::path(source).stem().string();
  for (char& c : name) {
    if (c == '-' || c == '_') c = ' ';
  }
  if (name.empty()) return "Your bot";
  if (name[0] >= 'a' && name[0] <= 'z') name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

// Every admin of the spreadsheet becomes a simulated user who started the bot, so the bot's
// messages to admins arrive and the page offers an "Admin" view. An admin given only as
// @username gets a made-up id (from 2001); the engine learns it when that admin first writes.
// Returns one line per admin for the start-up box.
std::vector<std::string> register_admins(const Content* content, sandbox::Bot& bot) {
  std::vector<std::string> lines;
  if (!content) return lines;
  std::int64_t next_made_up = 2001;
  for (const Admin& admin : content->admins()) {
    std::int64_t id = admin.user_id;
    // After a reload, the admin already registered under that @username keeps their id.
    for (const auto& [known_id, known] : bot.users()) {
      if (id == 0 && known.role == "admin" && ascii::iequals(known.username, admin.username)) {
        id = known_id;
      }
    }
    if (id == 0) {
      while (bot.find_user(next_made_up)) ++next_made_up;
      id = next_made_up++;
    }
    sandbox::User& user = bot.ensure_user(id);
    user.first_name =
        admin.name.empty() ? (admin.username.empty() ? "Admin" : admin.username) : admin.name;
    user.username = admin.username;
    user.role = "admin";
    bot.ensure_chat(id);
    lines.push_back(user.first_name + (admin.username.empty() ? "" : " @" + admin.username) + " (" +
                    std::to_string(id) + ")");
  }
  return lines;
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
  // The spreadsheet named on the command line; else the config's; else the business-card example.
  if (!options.source.empty()) {
    config.content_source = options.source;
    if (!is_link(options.source)) {
      std::error_code ec;
      const auto absolute = std::filesystem::absolute(options.source, ec);
      if (ec || !std::filesystem::exists(absolute)) {
        std::cerr << "corebot demo: " << options.source
                  << " does not exist — give the path of your spreadsheet (.xlsx, .ods, .csv, "
                     "a CSV folder) or an http(s) link\n";
        return 2;
      }
      config.content_source = absolute.string();
    }
  }
  // Edits show up without a restart: a file is checked every 2 s, a link every 30 s.
  if (!config.content_source.empty() && config.content_poll_s == 0) {
    config.content_poll_s = is_link(config.content_source) ? 30 : 2;
  }
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
  sandbox::Bot& bot = *sandbox.state().find_bot(kDemoToken);
  const std::string shown = demo_dir.dir.empty() ? config.content_source : std::string();
  const auto snapshot = engine.content();
  // The header's name: the Settings sheet's bot_name, else the file's name.
  std::string name = shown.empty() ? "Corebot demo" : bot_name(shown);
  if (auto setting = snapshot ? snapshot->setting("bot_name") : std::nullopt;
      setting && !setting->empty()) {
    name = std::string(*setting);
  }
  bot.rename("corebot_demo_bot", name);
  const std::vector<std::string> admins = register_admins(snapshot.get(), bot);
  // An admin added to the spreadsheet while the demo runs is registered too (the page lists them
  // after a reload of the tab).
  engine.on_content_swapped([&engine, &bot] {
    const auto now = engine.content();
    (void)register_admins(now.get(), bot);
  });
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
            << "  Web chat:   " << sandbox.base_url() << "/\n";
  if (!shown.empty()) {
    std::cout << "  Previewing: " << shown << "\n"
              << "              edits reload live (checked every " << config.content_poll_s
              << " s; save the file and press a button again)\n";
  } else if (!demo_dir.dir.empty()) {
    std::cout << "  Previewing: the business-card example; yours: corebot demo my.xlsx\n";
  }
  if (!admins.empty()) {
    std::cout << "  Admins:     ";
    for (std::size_t i = 0; i < admins.size(); ++i) std::cout << (i ? ", " : "") << admins[i];
    std::cout << "\n              what they receive is in the page's Admin view\n";
  }
  std::cout << "  Bot API:    " << sandbox.base_url() << "/bot" << kDemoToken << "/getMe\n"
            << "Open the web chat and send /start. Ctrl-C stops.\n"
            << std::endl;
  loop.run();
  return engine.exit_code();
}

}  // namespace corebot::cli
