// How an engine finds its modules: a list of factories. Built-in modules are listed by the build
// (each `corebot_module()` in CMake adds its factory to a generated table), a third party's
// binary passes its own to corebot::run (run.hpp). Either way no engine file is edited to add a
// module, and the config switches each one on or off by name ([modules] enabled / disabled).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "corebot/module.hpp"

namespace corebot {

// When a module runs if the config does not say.
enum class ModuleDefault {
  kOn,              // always
  kOff,             // only when the config enables it by name
  kWithContent,     // when the bot has a spreadsheet ([content] source)
  kWithoutContent,  // when it has none
};

struct ModuleFactory {
  std::string name;  // the module's name as info() gives it
  std::function<std::unique_ptr<Module>()> make;
  ModuleDefault when = ModuleDefault::kOn;
  // Lower runs first where order matters (message handling by update kind). Built-ins use
  // 100 (forms), 200 (language), 300 (pages); 500 is the default.
  int order = 500;
};

}  // namespace corebot
