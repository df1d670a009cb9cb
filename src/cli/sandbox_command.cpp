#include "cli/commands.hpp"
#include "sandbox/serve.hpp"

namespace corebot::cli {

int run_sandbox(const SandboxCommandOptions& options) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.host = options.host;
  sandbox_options.port = options.port;
  sandbox_options.tokens = options.tokens;
  sandbox_options.limits.enabled = options.limits;
  sandbox_options.limits.global_per_second = static_cast<int>(options.global_rate);
  sandbox_options.manual_clock = options.manual_clock;
  return sandbox::serve(sandbox_options, options.port_file);
}

}  // namespace corebot::cli
