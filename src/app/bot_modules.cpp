#include "app/bot_modules.hpp"

#include "modules/menu/menu_module.hpp"

namespace corebot::app {

void register_builtin_modules(const EngineConfig& config, ModuleRegistry& registry) {
  auto pages = config.pages.empty() ? modules::MenuModule::demo_pages() : config.pages;
  registry.add(std::make_unique<modules::MenuModule>(std::move(pages)));
}

}  // namespace corebot::app
