// How the build lists the shop among the built-ins (corebot_module).
#include "corebot/module_factory.hpp"
#include "modules/shop/shop_module.hpp"

namespace corebot::modules {

ModuleFactory shop_factory() {
  // After forms (a form in progress keeps its answers), before pages (which answers any text it
  // does not understand): a search or a checkout question takes the user's message first.
  return {"shop", [] { return std::make_unique<ShopModule>(); }, ModuleDefault::kOff, 150};
}

}  // namespace corebot::modules
