// The explicit list of built-in modules a bot runs (no self-registration).
#pragma once

#include "app/config.hpp"
#include "corebot/registry.hpp"

namespace corebot::app {

// Adds the built-in modules configured in `config`. Throws (RegistryError, MenuError) with a
// message naming the module and the problem.
// With a content source: the content modules (forms, language, pages); without one: the menu
// from the config.
void register_builtin_modules(const EngineConfig& config, ModuleRegistry& registry);
// The modules that read the spreadsheet (also what `corebot check` validates against).
void register_content_modules(ModuleRegistry& registry);

}  // namespace corebot::app
