// What modules declare about the spreadsheet (ModuleInfo: sheets, settings, page buttons, checks)
// turned into what the content compiler takes. Here rather than in the engine so a module's unit
// tests compile real content without linking the engine.
#pragma once

#include <vector>

#include "content/snapshot.hpp"
#include "corebot/module.hpp"

namespace corebot::content {

// The compile options for a bot running `modules` (in registration order).
[[nodiscard]] CompileOptions compile_options(const std::vector<ModuleInfo>& modules);

}  // namespace corebot::content
