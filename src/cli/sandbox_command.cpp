#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "core/log.hpp"
#include "net/event_loop.hpp"
#include "sandbox/sandbox.hpp"

namespace corebot::cli {

namespace {

// Written whole (a temporary file renamed) so a reader never sees half a number.
bool write_port_file(const std::string& path, std::uint16_t port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int run_sandbox(const SandboxCommandOptions& options) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.host = options.host;
  sandbox_options.port = options.port;
  sandbox_options.tokens = options.tokens;
  sandbox_options.limits.enabled = options.limits;
  sandbox_options.limits.global_per_second = static_cast<int>(options.global_rate);
  sandbox_options.manual_clock = options.manual_clock;
  try {
    net::EventLoop loop;
    sandbox::Sandbox sandbox(loop, sandbox_options);
    sandbox.start();
    if (!options.port_file.empty() && !write_port_file(options.port_file, sandbox.port())) {
      COREBOT_LOG_ERROR("cannot write the port file {}", options.port_file);
      return 1;
    }
    std::cout << "sandbox listening on " << sandbox.base_url() << " (web chat: "
              << sandbox.base_url() << "/)" << std::endl;
    net::SignalWatch signals(loop, [&](int) {
      sandbox.stop();
      loop.stop();
    });
    loop.run();
  } catch (const std::exception& e) {
    COREBOT_LOG_ERROR("sandbox: {}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace corebot::cli
