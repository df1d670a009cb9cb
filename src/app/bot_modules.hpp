// Which modules a bot runs: the built-in ones (the table the build generates from every
// corebot_module(... FACTORY ...)) plus a third party's (corebot::run), each switched on by its
// default (module_factory.hpp) or by name in the config ([modules] enabled / disabled).
#pragma once

#include <vector>

#include "app/config.hpp"
#include "corebot/module_factory.hpp"
#include "corebot/registry.hpp"

namespace corebot::app {

// The built-in modules (generated: build/generated/builtin_modules.cpp).
std::vector<ModuleFactory> builtin_module_factories();

// Adds to `registry`, in their `order`, the modules `config` runs, from the built-ins and `extra`,
// and checks each one's [modules.<name>] table. Throws ConfigError for a module name the config
// gives that no module has, two modules with one name, or a bad table; RegistryError (naming
// both modules) for clashing commands or prefixes; whatever a module's constructor throws.
void register_modules(const EngineConfig& config, const std::vector<ModuleFactory>& extra,
                      ModuleRegistry& registry);

// The modules that read the spreadsheet when `config` has one: what `corebot check` validates a
// workbook against.
void register_content_modules(const EngineConfig& config, const std::vector<ModuleFactory>& extra,
                              ModuleRegistry& registry);

}  // namespace corebot::app
