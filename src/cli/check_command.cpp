#include <iostream>

#include "app/bot_content.hpp"
#include "app/bot_modules.hpp"
#include "cli/commands.hpp"
#include "content/check.hpp"
#include "content/source.hpp"

namespace corebot::cli {

int run_check(const CheckOptions& options) {
  // Validate against everything the content modules declare (Forms sheet, form: buttons...),
  // exactly as a running bot would. A module that runs only when a config enables it (the shop)
  // is checked too when the workbook has one of its sheets: the workbook alone does not say
  // whether its bot enables it, and a sheet a bot will read must not pass unchecked; a workbook
  // without them is not told about sheets it does not use.
  ModuleRegistry registry;
  try {
    app::EngineConfig config;
    content::ReadResult read = content::ContentSource(options.path).read().result;
    for (const ModuleFactory& f : app::builtin_module_factories()) {
      if (f.when != ModuleDefault::kOff || !read.ok()) continue;
      for (const ContentSheet& sheet : f.make()->info().sheets) {
        if (read.workbook->find(sheet.name)) {
          config.modules_enabled.push_back(f.name);
          break;
        }
      }
    }
    app::register_content_modules(config, options.modules, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot: " << e.what() << "\n";
    return 2;
  }
  return content::check_content(options.path, std::cout, app::content_options(registry));
}

}  // namespace corebot::cli
