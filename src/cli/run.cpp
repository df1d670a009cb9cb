// corebot::run (corebot/run.hpp): parse the command line, call the subcommand. Wiring only.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "core/log.hpp"
#include "corebot/run.hpp"

namespace corebot {

int run(int argc, char** argv, std::vector<ModuleFactory> extra_modules) {
  CLI::App app{"Corebot: a Telegram bot engine run from spreadsheets"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("corebot ") + cli::kVersion);

  corebot::cli::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run a bot against Telegram (or any Bot API server)");
  run_cmd
      ->add_option("-c,--config", run.config_path,
                   "TOML config file (see docs/configuration.md); environment variables "
                   "BOT_TOKEN, COREBOT_API_URL, COREBOT_MODE, ... override it")
      ->check(CLI::ExistingFile);
  // Secrets never on the command line, where every user of the machine reads them (ps, /proc).
  std::string token_on_command_line;
  run_cmd->add_option("--token", token_on_command_line, "Refused: use BOT_TOKEN or --token-file");
  std::string token_file;
  run_cmd
      ->add_option("--token-file", token_file,
                   "File holding the bot token from @BotFather (overrides BOT_TOKEN)")
      ->check(CLI::ExistingFile);
  run_cmd->add_option("--api-url", run.api_url,
                      "Bot API base URL, e.g. http://127.0.0.1:8081 for the sandbox");
  run_cmd->add_option("--log-level", run.log_level, "trace, debug, info, warn, error or off");

  corebot::cli::SandboxCommandOptions sandbox;
  auto* sandbox_cmd =
      app.add_subcommand("sandbox", "Run the local Bot API emulator with its web chat");
  sandbox_cmd->add_option("--host", sandbox.host, "Address to listen on")->capture_default_str();
  sandbox_cmd->add_option("--port", sandbox.port, "Port (0: any free port)")->capture_default_str();
  sandbox_cmd->add_option("--token", sandbox.tokens, "Bot token to accept (repeatable)");
  sandbox_cmd->add_option("--limits", sandbox.limits, "Telegram's flood limits: on or off")
      ->transform(CLI::Transformer({{"on", "1"}, {"off", "0"}}))
      ->capture_default_str();
  sandbox_cmd->add_option("--global-rate", sandbox.global_rate, "Global sends per second")
      ->capture_default_str();
  sandbox_cmd->add_flag("--manual-clock", sandbox.manual_clock,
                        "Limits follow a clock advanced through the control API (tests)");
  sandbox_cmd->add_option("--port-file", sandbox.port_file, "Write the bound port to this file");

  corebot::cli::DemoOptions demo;
  auto* demo_cmd = app.add_subcommand(
      "demo",
      "Preview a bot in a local web chat that works like Telegram: `corebot demo my.xlsx` (or a "
      "Google Sheets link) runs your spreadsheet, reloads it when you save it, and shows the "
      "users' side and the admins' side; without a spreadsheet, the business-card example");
  demo_cmd->add_option("spreadsheet", demo.source,
                       "Your spreadsheet: .xlsx, .ods, .csv, a CSV folder or an http(s) link such "
                       "as a Google Sheets link; edits reload live");
  demo_cmd->add_option("--host", demo.host, "Address of the web chat")->capture_default_str();
  demo_cmd->add_option("--port", demo.port, "Port of the web chat")->capture_default_str();
  demo_cmd
      ->add_option(
          "-c,--config", demo.config_path,
          "Bot config (limits, [content] source...); without a content source the demo runs the "
          "business-card example")
      ->check(CLI::ExistingFile);

  corebot::cli::CheckOptions check;
  auto* check_cmd = app.add_subcommand(
      "check",
      "Validate a bot spreadsheet (.xlsx, .ods, .csv, a CSV folder or an http(s) link such as a "
      "Google Sheets link) and list problems");
  check_cmd->add_option("file", check.path, "The spreadsheet, folder or link")->required();

  corebot::cli::NewOptions new_bot;
  auto* new_cmd = app.add_subcommand(
      "new",
      "Create a bot folder: config, token file, a starter workbook whose cells explain "
      "themselves, a README");
  new_cmd->add_option("name", new_bot.name, "The folder to create (never overwritten)")->required();
  new_cmd->add_option("--lang", new_bot.language, "Language of the notes and README")
      ->check(CLI::IsMember({"en", "ru"}))
      ->capture_default_str();
  new_cmd
      ->add_option("--template", new_bot.template_name,
                   "Example content: card, faq, leadgen or shop (a catalog made of pages)")
      ->check(CLI::IsMember({"card", "faq", "leadgen", "shop"}))
      ->capture_default_str();
  new_cmd->add_option("--admin", new_bot.admin,
                      "Your Telegram @username or numeric id, the first row of Admins");

  corebot::cli::BroadcastOptions broadcast;
  if (const char* token = std::getenv("COREBOT_ADMIN_TOKEN")) broadcast.admin_token = token;
  auto* broadcast_cmd = app.add_subcommand(
      "broadcast",
      "Mailings through a running engine's admin API: send one (and follow it to the end), or "
      "list / status / follow / pause / resume / cancel");
  broadcast_cmd
      ->add_option("action", broadcast.action,
                   "send (default), list, status, follow, pause, resume or cancel")
      ->check(CLI::IsMember({"send", "list", "status", "follow", "pause", "resume", "cancel"}));
  broadcast_cmd->add_option("id", broadcast.id, "The mailing's id (status..cancel)");
  broadcast_cmd->add_option("--text", broadcast.text, "The message text");
  broadcast_cmd->add_option("--parse-mode", broadcast.parse_mode, "HTML or MarkdownV2 for --text");
  broadcast_cmd->add_option("--copy", broadcast.copy,
                            "Copy message(s) instead of a text: CHAT_ID:MESSAGE_ID[,MESSAGE_ID...] "
                            "(several: an album)");
  broadcast_cmd->add_option("--to", broadcast.to,
                            "A file of chat ids (one per line), or 'all' for every user who has "
                            "not blocked the bot");
  broadcast_cmd->add_option("--language", broadcast.language, "Users with this language code");
  broadcast_cmd->add_option("--tag", broadcast.tag, "Users with this tag");
  broadcast_cmd->add_option("--active-days", broadcast.active_days,
                            "Users seen in the last N days");
  broadcast_cmd->add_option("--filter", broadcast.filter,
                            "A store filter on user fields, as JSON (docs/mailings.md)");
  broadcast_cmd->add_option("--at", broadcast.at, "Start at 'YYYY-MM-DD HH:MM' (UTC)");
  broadcast_cmd->add_option("--mailing-id", broadcast.id,
                            "An id of your own for send: running the command again with the same "
                            "id does not send a second copy");
  broadcast_cmd->add_flag("--paid", broadcast.paid,
                          "Use Telegram's paid lane (allow_paid_broadcast, up to 1000/s)");
  broadcast_cmd->add_flag("!--no-follow", broadcast.follow,
                          "Return once the mailing is accepted instead of following it");
  broadcast_cmd
      ->add_option("--admin-url", broadcast.admin_url, "The engine's admin endpoint (admin.listen)")
      ->capture_default_str();
  std::string admin_token_on_command_line;
  broadcast_cmd->add_option("--admin-token", admin_token_on_command_line,
                            "Refused: use COREBOT_ADMIN_TOKEN or --admin-token-file");
  std::string admin_token_file;
  broadcast_cmd
      ->add_option("--admin-token-file", admin_token_file,
                   "File holding the engine's admin.token (default: COREBOT_ADMIN_TOKEN)")
      ->check(CLI::ExistingFile);

  corebot::cli::ModuleNewOptions module_new;
  auto* module_cmd = app.add_subcommand("module", "Write Lua modules");
  module_cmd->require_subcommand(1);
  auto* module_new_cmd =
      module_cmd->add_subcommand("new", "Write a working Lua module skeleton with a test");
  module_new_cmd->add_option("name", module_new.name, "The module's name (quiz)")->required();
  module_new_cmd->add_option("--dir", module_new.dir, "Where to make its folder")
      ->capture_default_str();
  corebot::cli::StoreCommandOptions backup;
  auto* backup_cmd = app.add_subcommand(
      "backup", "Copy the bot's store (SQLite or MongoDB) into a new SQLite file, while it runs");
  corebot::cli::StoreCommandOptions restore;
  auto* restore_cmd = app.add_subcommand(
      "restore", "Replace the bot's store with a backup's content (stop the bot first)");
  for (auto [cmd, options] : {std::pair{backup_cmd, &backup}, std::pair{restore_cmd, &restore}}) {
    cmd->add_option("-c,--config", options->config_path, "The bot's config: its [store] uri")
        ->check(CLI::ExistingFile);
    cmd->add_option("--store", options->store_uri,
                    "The store URI instead (sqlite:///path/bot.db or mongodb://...)");
    cmd->add_option("file", options->file, "The backup file")->required();
  }
  corebot::cli::OwnerCodeOptions owner_code;
  auto* owner_code_cmd = app.add_subcommand(
      "owner-code",
      "Print the one-time code that makes its sender the bot's owner (send /start <code> to the "
      "bot), or say that the bot already has an owner");
  owner_code_cmd
      ->add_option("-c,--config", owner_code.config_path,
                   "The bot's TOML config (its [store] and [admin] owners are read)")
      ->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);
  if (!token_on_command_line.empty() || !admin_token_on_command_line.empty()) {
    std::cerr << "corebot: a secret on the command line can be read by every user of this machine "
                 "(ps, /proc) — put it in the environment (BOT_TOKEN, COREBOT_ADMIN_TOKEN) or in "
                 "a file only you can read (--token-file, --admin-token-file)\n";
    return 2;
  }
  try {
    if (!token_file.empty()) run.token = cli::read_secret_file(token_file);
    if (!admin_token_file.empty()) broadcast.admin_token = cli::read_secret_file(admin_token_file);
  } catch (const std::exception& e) {
    std::cerr << "corebot: " << e.what() << "\n";
    return 2;
  }
  run.modules = extra_modules;
  demo.modules = extra_modules;
  check.modules = extra_modules;
  new_bot.modules = extra_modules;
  corebot::core::init_logging("info");
  if (*run_cmd) return corebot::cli::run_bot(run);
  if (*sandbox_cmd) return corebot::cli::run_sandbox(sandbox);
  if (*demo_cmd) return corebot::cli::run_demo(demo);
  if (*broadcast_cmd) return corebot::cli::run_broadcast(broadcast);
  if (*check_cmd) return corebot::cli::run_check(check);
  if (*new_cmd) return corebot::cli::run_new(new_bot);
  if (*module_new_cmd) return corebot::cli::run_module_new(module_new);
  if (*backup_cmd) return corebot::cli::run_backup(backup);
  if (*restore_cmd) return corebot::cli::run_restore(restore);
  if (*owner_code_cmd) return corebot::cli::run_owner_code(owner_code);
  return 1;
}

}  // namespace corebot
