#include "modules/admin/admin_module.hpp"

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace corebot::modules {
namespace json = boost::json;

namespace {

// A text in the user's language: the Texts sheet's entry for `key` when the owner wrote one,
// else the built-in English or Russian.
std::string say(const Context& ctx, std::string_view key, std::string_view en,
                std::string_view ru) {
  const bool russian = ctx.language().rfind("ru", 0) == 0;
  return ctx.text(key, russian ? ru : en);
}

json::array button_row(std::string text, std::string_view callback_data) {
  return json::array{json::object{{"text", std::move(text)}, {"callback_data", callback_data}}};
}

}  // namespace

ModuleInfo AdminModule::info() const {
  ModuleInfo info;
  info.name = "admin";
  info.version = "1.0";
  // No descriptions: the panel is not advertised in Telegram's command menu.
  info.commands = {{"admin", ""}, {"reload", ""}};
  info.callback_prefix = kPrefix;
  return info;
}

Handled AdminModule::on_update(Context& ctx) {
  const std::string_view command = ctx.command();
  if (command == "admin" || command == "reload") {
    // Not an admin: not ours, so the user gets the ordinary answer to an unknown command.
    if (!ctx.is_admin()) return Handled::kContinue;
    if (command == "admin") {
      show_menu(ctx);
    } else {
      reload(ctx);
    }
    return Handled::kStop;
  }
  if (ctx.callback_data().empty()) return Handled::kContinue;
  // Callback data can be forged: the button works for admins only, and says nothing to others.
  if (!ctx.is_admin()) {
    ctx.answer_callback();
    return Handled::kStop;
  }
  if (ctx.callback_data() == kReloadData) {
    ctx.answer_callback();
    reload(ctx);
    return Handled::kStop;
  }
  ctx.answer_callback(say(ctx, "admin_stale_button",
                          "This button is out of date. Send /admin for the current menu.",
                          "Эта кнопка устарела. Отправьте /admin, чтобы открыть меню заново."));
  return Handled::kStop;
}

void AdminModule::show_menu(Context& ctx) const {
  json::array keyboard;
  keyboard.push_back(button_row(
      say(ctx, "admin_reload_button", "🔄 Reload content", "🔄 Обновить контент"), kReloadData));
  if (services_) {
    for (const ModuleInfo& module : services_->modules()) {
      if (module.name == "admin") continue;
      for (const AdminMenuEntry& entry : module.admin_menu) {
        keyboard.push_back(button_row(entry.title, entry.callback_data));
      }
    }
  }
  ctx.reply(say(ctx, "admin_menu", "Admin panel. What would you like to do?",
                "Панель администратора. Что сделать?"),
            {{"reply_markup", {{"inline_keyboard", std::move(keyboard)}}}});
}

void AdminModule::reload(Context& ctx) {
  ctx.reply(say(ctx, "admin_reloading", "Reloading the content…", "Обновляю контент…"));
  if (!services_) return;  // not started: nothing to reload with
  // The report is the answer to this update: the admin's next message waits for it, as it did
  // when the engine answered /reload itself.
  services_->reload_content(
      [hold = ctx.hold()](const ReloadReport& report) { hold->reply(report.message); });
}

ModuleFactory admin_factory() {
  return ModuleFactory{"admin", [] { return std::make_unique<AdminModule>(); }, ModuleDefault::kOn,
                       500};
}

}  // namespace corebot::modules
