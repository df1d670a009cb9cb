#include <iostream>

#include "app/bot_content.hpp"
#include "app/bot_modules.hpp"
#include "cli/commands.hpp"
#include "content/check.hpp"

namespace corebot::cli {

int run_check(const CheckOptions& options) {
  // Validate against everything the content modules declare (Forms sheet, form: buttons...),
  // exactly as a running bot would. Modules that run only when a config enables them (the shop)
  // are checked too: the workbook alone does not say whether its bot enables them, and a sheet a
  // bot will read must not pass unchecked.
  ModuleRegistry registry;
  try {
    app::EngineConfig config;
    for (const ModuleFactory& f : app::builtin_module_factories()) {
      if (f.when == ModuleDefault::kOff) config.modules_enabled.push_back(f.name);
    }
    app::register_content_modules(config, options.modules, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot: " << e.what() << "\n";
    return 2;
  }
  return content::check_content(options.path, std::cout, app::content_options(registry));
}

}  // namespace corebot::cli
