#include "modules/forms/forms_module.hpp"

#include <string>
#include <vector>

#include "corebot/services.hpp"
#include "modules/forms/content_check.hpp"
#include "modules/forms/conversation.hpp"
#include "modules/forms/fields.hpp"

namespace corebot::modules {

ModuleInfo FormsModule::info() const {
  ModuleInfo info;
  info.name = "forms";
  info.version = "1.0";
  // Without a form there is nothing to cancel: the menu does not offer /cancel.
  info.commands = {{"cancel", "Cancel the form in progress",
                    [](const Content* content) { return content && forms::has_forms(*content); }}};
  info.callback_prefix = std::string(forms::kCallbackPrefix);
  info.update_kinds = {"message"};
  info.sees_all_commands = true;  // /start and the like end a form in progress
  info.page_buttons = true;
  info.sheets = {forms::forms_sheet()};
  info.content_check = forms::check_forms;
  info.text_keys = forms::text_keys;
  info.exports = {{"leads", "Leads"}};  // the admin panel's Exports
  return info;
}

void FormsModule::start(ModuleServices& services) { admin_ = &services.admin(); }

Handled FormsModule::on_update(Context& ctx) { return forms::converse(ctx, admin_); }

}  // namespace corebot::modules
