#include "app/bot_modules.hpp"

#include "modules/forms/forms_module.hpp"
#include "modules/menu/menu_module.hpp"
#include "modules/pages/pages_module.hpp"

namespace corebot::app {

void register_builtin_modules(const EngineConfig& config, ModuleRegistry& registry) {
  if (config.content_source.empty()) {
    // No spreadsheet: the menu from the config file (or the demo menu) keeps a bot usable.
    auto pages = config.pages.empty() ? modules::MenuModule::demo_pages() : config.pages;
    registry.add(std::make_unique<modules::MenuModule>(std::move(pages)));
    return;
  }
  register_content_modules(registry);
}

void register_content_modules(ModuleRegistry& registry) {
  // Order matters for messages: a form in progress takes the user's answer before `pages`
  // answers "I did not understand".
  registry.add(std::make_unique<modules::FormsModule>());
  registry.add(std::make_unique<modules::LanguageModule>());
  registry.add(std::make_unique<modules::PagesModule>());
}

}  // namespace corebot::app
