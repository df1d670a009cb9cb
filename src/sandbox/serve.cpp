#include "sandbox/serve.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/log.hpp"
#include "net/event_loop.hpp"

namespace corebot::sandbox {

namespace {

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

int serve(const SandboxOptions& options, const std::string& port_file) {
  try {
    net::EventLoop loop;
    Sandbox sandbox(loop, options);
    sandbox.start();
    if (!port_file.empty() && !write_port_file(port_file, sandbox.port())) {
      COREBOT_LOG_ERROR("sandbox: cannot write the port file {}", port_file);
      return 1;
    }
    std::cout << "sandbox listening on " << sandbox.base_url()
              << " (web chat: " << sandbox.base_url() << "/)" << std::endl;
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

}  // namespace corebot::sandbox
