#include "modules/admin/admin_module.hpp"

#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "modules/admin/panel.hpp"
#include "modules/admin/texts.hpp"

namespace corebot::modules {
namespace json = boost::json;
using admin::back_row;
using admin::button_row;
using admin::say;

namespace {

// The lowest role each section (the word after "admin:") needs. Unknown sections: owner.
Role needed(std::string_view section) {
  if (section == "menu" || section == "stats" || section == "chart" || section == "users" ||
      section == "user") {
    return Role::kOperator;
  }
  if (section == "admins" || section == "backup") return Role::kOwner;
  return Role::kAdmin;
}

std::string_view section_of(std::string_view data) {
  data.remove_prefix(std::min(data.size(), std::string_view("admin:").size()));
  return data.substr(0, data.find(':'));
}

std::int64_t to_id(std::string_view text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return 0;
  }
  return std::stoll(std::string(text));
}

AdminMenuEntry entry(const char* title, const char* ru, const char* data, Role role) {
  AdminMenuEntry e{title, data, role, {}};
  e.titles["ru"] = ru;
  return e;
}

}  // namespace

ModuleInfo AdminModule::info() const {
  ModuleInfo info;
  info.name = "admin";
  info.version = "2.0";
  // No descriptions: the panel is not advertised in Telegram's command menu.
  info.commands = {{"admin", ""}, {"reload", ""}};
  info.callback_prefix = kPrefix;
  // Typed answers (a search, a tag) and "/start <code>" for the first-run claim.
  info.update_kinds = {"message"};
  info.sees_all_commands = true;
  // The panel's own sections, listed like any module's entries (Texts keys admin_button_*).
  info.admin_menu = {
      entry("📊 Statistics", "📊 Статистика", "admin:stats", Role::kOperator),
      entry("👥 Users", "👥 Пользователи", "admin:users", Role::kOperator),
      entry("📄 Content", "📄 Контент", "admin:content", Role::kAdmin),
      entry("🛠 Maintenance mode", "🛠 Техническое обслуживание",
            "admin:maint", Role::kAdmin),
      entry("📤 Exports", "📤 Выгрузки", "admin:exports", Role::kAdmin),
      entry("🔑 Admins", "🔑 Администраторы", "admin:admins", Role::kOwner),
      entry("💾 Backup", "💾 Резервная копия", "admin:backup", Role::kOwner),
  };
  info.exports = {{"audit", "Audit log"}};
  return info;
}

Handled AdminModule::on_update(Context& ctx) {
  const std::string_view command = ctx.command();
  if (command == "admin" || command == "reload") {
    // No role: not ours, so the user gets the ordinary answer to an unknown command.
    if (ctx.role() == Role::kNone) return Handled::kContinue;
    ctx.session().erase("admin");  // a search or tag prompt in progress ends
    if (command == "reload") {
      if (ctx.role() < Role::kAdmin) return Handled::kContinue;
      reload(ctx);
    } else {
      show_menu(ctx);
    }
    return Handled::kStop;
  }
  if (!command.empty()) {
    // Another module's command (sees_all_commands): a claim, or a prompt that ends.
    if (command == "start" && claim(ctx)) return Handled::kStop;
    if (ctx.role() != Role::kNone) ctx.session().erase("admin");
    return Handled::kContinue;
  }
  if (ctx.kind() == "callback_query") return on_callback(ctx);
  if (ctx.kind() == "message") return on_text(ctx);
  return Handled::kContinue;
}

bool AdminModule::claim(Context& ctx) {
  if (!services_ || !ctx.user_id()) return false;
  const std::string code(ctx.command_args());
  if (code.empty() || !services_->admin().is_owner_code(code)) return false;
  services_->admin().claim_ownership(
      *ctx.user_id(), code, [this, hold = ctx.hold()](bool claimed, const std::string& error) {
        if (!claimed) {
          hold->reply(admin::format(say(*hold, "admin_failed"),
                                    {error.empty() ? "the code is void" : error}));
          return;
        }
        hold->set_role(Role::kOwner);
        audit(*hold, "claim_ownership", std::to_string(*hold->user_id()), nullptr, "owner");
        hold->reply(say(*hold, "admin_claimed"));
      });
  return true;
}

Handled AdminModule::on_callback(Context& ctx) {
  const std::string data(ctx.callback_data());
  // Callback data can be forged: a button works for the roles that see it, and says nothing to
  // anyone without a role.
  if (ctx.role() == Role::kNone) {
    ctx.answer_callback();
    return Handled::kStop;
  }
  const std::string section(section_of(data));
  if (ctx.role() < needed(section)) {
    ctx.answer_callback(say(ctx, "admin_not_allowed"), true);
    return Handled::kStop;
  }
  ctx.answer_callback();
  const std::int64_t id = to_id(admin::argument(data, 0));
  if (section == "menu") {
    show_menu(ctx);
  } else if (section == "stats") {
    show_stats(ctx);
  } else if (section == "chart") {
    send_chart(ctx);
  } else if (section == "content") {
    show_content(ctx);
  } else if (section == "reload") {
    reload(ctx);
  } else if (section == "users") {
    prompt_search(ctx);
  } else if (section == "user" && id != 0) {
    show_user(ctx, id);
  } else if ((section == "ban" || section == "unban") && id != 0) {
    set_banned(ctx, id, section == "ban");
  } else if (section == "tag" && id != 0) {
    prompt_tag(ctx, id);
  } else if (section == "untag" && id != 0) {
    remove_tag(ctx, id, std::string(admin::argument(data, 1)));
  } else if (section == "maint") {
    const std::string_view arg = admin::argument(data, 0);
    if (arg == "on" || arg == "off") {
      set_maintenance(ctx, arg == "on");
    } else {
      show_maintenance(ctx);
    }
  } else if (section == "exports") {
    show_exports(ctx);
  } else if (section == "export") {
    run_export(ctx, data.substr(std::string_view("admin:export:").size() <= data.size()
                                    ? std::string_view("admin:export:").size()
                                    : data.size()));
  } else if (section == "admins") {
    show_admins(ctx);
  } else if (section == "backup") {
    send_backup(ctx);
  } else {
    ctx.reply(say(ctx, "admin_stale_button"));
  }
  return Handled::kStop;
}

// A typed answer to the panel's last question (a search, a tag), kept in the session.
Handled AdminModule::on_text(Context& ctx) {
  if (ctx.role() == Role::kNone) return Handled::kContinue;
  const json::value* state = ctx.session().if_contains("admin");
  if (state == nullptr || !state->is_object()) return Handled::kContinue;
  const json::object waiting = state->get_object();
  ctx.session().erase("admin");
  const json::value* what = waiting.if_contains("await");
  const std::string text(ctx.text());
  if (what && *what == "search") {
    search(ctx, text);
    return Handled::kStop;
  }
  const json::value* user = waiting.if_contains("user");
  if (what && *what == "tag" && user && user->is_int64() && ctx.role() >= Role::kAdmin) {
    add_tag(ctx, user->get_int64(), text);
    return Handled::kStop;
  }
  return Handled::kContinue;
}

void AdminModule::show_menu(Context& ctx) const {
  json::array keyboard;
  if (services_) {
    const bool ru = admin::russian(ctx);
    for (const ModuleInfo& module : services_->modules()) {
      for (const AdminMenuEntry& e : module.admin_menu) {
        if (ctx.role() < e.role) continue;
        std::string title = e.title;
        if (auto t = e.titles.find(ru ? "ru" : ctx.language()); t != e.titles.end()) {
          title = t->second;
        }
        if (module.name == "admin") {
          // The panel's own: Texts key admin_button_<section>.
          std::string key = "admin_button_" + std::string(section_of(e.callback_data));
          if (key == "admin_button_maint") key = "admin_button_maintenance";
          title = ctx.text(key, title);
        } else {
          title = ctx.localize(title);
        }
        keyboard.push_back(button_row(std::move(title), e.callback_data));
      }
    }
  }
  admin::show(ctx, say(ctx, "admin_menu"), std::move(keyboard));
}

void AdminModule::show_maintenance(Context& ctx) {
  const bool on = services_ && services_->admin().maintenance();
  json::array keyboard;
  keyboard.push_back(
      button_row(say(ctx, on ? "admin_maintenance_turn_off" : "admin_maintenance_turn_on"),
                 on ? "admin:maint:off" : "admin:maint:on"));
  keyboard.push_back(back_row(ctx));
  admin::show(ctx, say(ctx, on ? "admin_maintenance_on_state" : "admin_maintenance_off_state"),
              std::move(keyboard));
}

void AdminModule::set_maintenance(Context& ctx, bool on) {
  if (!services_) return;
  const bool before = services_->admin().maintenance();
  services_->admin().set_maintenance(
      on, [this, hold = ctx.hold(), before, on](const std::string& error) {
        if (!error.empty()) {
          hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
          return;
        }
        audit(*hold, "maintenance", "", before, on);
        show_maintenance(*hold);
      });
}

ModuleFactory admin_factory() {
  // First (50): a typed answer to the panel's question must reach it before forms and pages.
  return ModuleFactory{"admin", [] { return std::make_unique<AdminModule>(); }, ModuleDefault::kOn,
                       50};
}

}  // namespace corebot::modules
