#include <iostream>

#include "app/bot_content.hpp"
#include "app/bot_modules.hpp"
#include "cli/commands.hpp"
#include "content/check.hpp"

namespace corebot::cli {

int run_check(const CheckOptions& options) {
  // Validate against everything the content modules declare (Forms sheet, form: buttons...),
  // exactly as a running bot would.
  ModuleRegistry registry;
  try {
    app::register_content_modules(app::EngineConfig{}, options.modules, registry);
  } catch (const std::exception& e) {
    std::cerr << "corebot: " << e.what() << "\n";
    return 2;
  }
  return content::check_content(options.path, std::cout, app::content_options(registry));
}

}  // namespace corebot::cli
