// corebot-sandbox: the Bot API emulator as a standalone program. Wiring only.
#include <CLI/CLI.hpp>

#include "core/log.hpp"
#include "sandbox/serve.hpp"

int main(int argc, char** argv) {
  using namespace corebot;
  CLI::App app{"corebot-sandbox: a local Telegram Bot API emulator with a web chat"};
  sandbox::SandboxOptions options;
  std::string limits = "on";
  std::string port_file;
  std::string log_level = "info";
  app.add_option("--host", options.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  app.add_option("--token", options.tokens, "Register a bot with this token (repeatable)");
  app.add_option("--limits", limits, "Telegram's flood limits")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--global-rate", options.limits.global_per_second, "Global sends per second")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_flag("--manual-clock", options.manual_clock,
               "Limits and timestamps follow a clock moved by POST /control/clock/advance");
  app.add_option("--port-file", port_file, "Write the bound port to this file once listening");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.limits.enabled = limits == "on";
  core::init_logging(log_level);

  return sandbox::serve(options, port_file);
}
