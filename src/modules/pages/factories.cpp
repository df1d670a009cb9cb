// How the build lists the pages and language modules among the built-ins (corebot_module).
#include "corebot/module_factory.hpp"
#include "modules/pages/pages_module.hpp"

namespace corebot::modules {

ModuleFactory pages_factory() {
  // Last among the content modules: it answers what nobody else took ("I did not understand").
  return {"pages", [] { return std::make_unique<PagesModule>(); }, ModuleDefault::kWithContent,
          300};
}

ModuleFactory language_factory() {
  return {"language", [] { return std::make_unique<LanguageModule>(); },
          ModuleDefault::kWithContent, 200};
}

}  // namespace corebot::modules
