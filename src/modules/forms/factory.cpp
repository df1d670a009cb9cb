// How the build lists the forms module among the built-ins (corebot_module).
#include "corebot/module_factory.hpp"
#include "modules/forms/forms_module.hpp"

namespace corebot::modules {

ModuleFactory forms_factory() {
  // Before pages: a form in progress takes the user's answer before pages says "I did not
  // understand".
  return {"forms", [] { return std::make_unique<FormsModule>(); }, ModuleDefault::kWithContent,
          100};
}

}  // namespace corebot::modules
