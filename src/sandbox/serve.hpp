// Runs a sandbox until SIGINT/SIGTERM: what `corebot sandbox` and `corebot-sandbox` both do.
#pragma once

#include <string>

#include "sandbox/sandbox.hpp"

namespace corebot::sandbox {

// Starts a Sandbox with `options` on its own event loop, writes the bound port to `port_file`
// (when not empty; written whole, via a renamed temporary file) and prints the address. Returns
// the process exit code: 0 after a signal, 1 when it cannot listen or write the port file.
int serve(const SandboxOptions& options, const std::string& port_file);

}  // namespace corebot::sandbox
