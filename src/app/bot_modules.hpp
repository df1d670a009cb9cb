// The explicit list of built-in modules a bot runs (no self-registration).
#pragma once

#include "app/config.hpp"
#include "corebot/registry.hpp"

namespace corebot::app {

// Adds the built-in modules configured in `config`. Throws (RegistryError, MenuError) with a
// message naming the module and the problem.
void register_builtin_modules(const EngineConfig& config, ModuleRegistry& registry);

}  // namespace corebot::app
