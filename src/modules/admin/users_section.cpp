// The Users section: find a user, their card, ban/unban, tags. Operators find and look; changes
// need the admin role (checked by the router, again here where a typed answer leads).
#include <boost/json.hpp>

#include "modules/admin/admin_module.hpp"
#include "modules/admin/panel.hpp"
#include "modules/admin/texts.hpp"

namespace corebot::modules {
namespace json = boost::json;
using admin::button_row;
using admin::say;

namespace {

constexpr std::size_t kMaxFound = 10;
constexpr std::size_t kMaxTag = 32;

std::string display_name(const UserRecord& u) {
  std::string name = u.first_name;
  if (!u.last_name.empty()) name += (name.empty() ? "" : " ") + u.last_name;
  if (name.empty()) name = u.username.empty() ? std::to_string(u.id) : "@" + u.username;
  return name;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTag) return false;
  for (unsigned char c : tag) {
    // ASCII letters, digits, '_' and '-'; any non-ASCII letter (UTF-8 bytes) too.
    if (!(std::isalnum(c) || c == '_' || c == '-' || c >= 0x80)) return false;
  }
  return true;
}

json::object user_json(const UserRecord& u) {
  json::array tags;
  for (const auto& t : u.tags) tags.emplace_back(t);
  return {{"banned", u.banned}, {"tags", std::move(tags)}};
}

}  // namespace

void AdminModule::prompt_search(Context& ctx) {
  ctx.session()["admin"] = json::object{{"await", "search"}};
  json::array keyboard;
  keyboard.push_back(admin::back_row(ctx));
  admin::show(ctx, say(ctx, "admin_users_prompt"), std::move(keyboard));
}

void AdminModule::search(Context& ctx, std::string query) {
  if (!services_) return;
  services_->users().search(
      query, kMaxFound,
      [this, hold = ctx.hold(), query](std::vector<UserRecord> found, const std::string& error) {
        if (!error.empty()) {
          hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
          return;
        }
        if (found.empty()) {
          hold->session()["admin"] = json::object{{"await", "search"}};  // try again
          json::array keyboard;
          keyboard.push_back(admin::back_row(*hold));
          admin::show(*hold, admin::format(say(*hold, "admin_users_none"), {query}),
                      std::move(keyboard));
          return;
        }
        if (found.size() == 1) return show_user(*hold, found.front().id);
        json::array keyboard;
        for (const UserRecord& u : found) {
          std::string label = display_name(u);
          if (!u.username.empty()) label += " @" + u.username;
          keyboard.push_back(button_row(label + " · " + std::to_string(u.id),
                                        "admin:user:" + std::to_string(u.id)));
        }
        keyboard.push_back(admin::back_row(*hold));
        admin::show(*hold,
                    admin::format(say(*hold, "admin_users_found"), {std::to_string(found.size())}),
                    std::move(keyboard));
      });
}

void AdminModule::show_user(Context& ctx, std::int64_t id, std::string note) {
  if (!services_) return;
  services_->users().find(id, [this, hold = ctx.hold(), id, note](std::optional<UserRecord> user,
                                                                  const std::string& error) {
    if (!error.empty()) {
      hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
      return;
    }
    json::array keyboard;
    if (!user) {
      keyboard.push_back(admin::back_row(*hold));
      admin::show(*hold, admin::format(say(*hold, "admin_user_unknown"), {std::to_string(id)}),
                  std::move(keyboard));
      return;
    }
    const UserRecord& u = *user;
    std::string tags;
    for (const auto& t : u.tags) tags += (tags.empty() ? "" : ", ") + t;
    const std::string yes = say(*hold, "admin_yes"), no = say(*hold, "admin_no");
    std::string text = admin::format(
        say(*hold, "admin_user_card"),
        {display_name(u), std::to_string(u.id), u.username.empty() ? "—" : "@" + u.username,
         admin::format_time(u.first_seen_ms), admin::format_time(u.last_seen_ms),
         u.language_code.empty() ? "—" : u.language_code,
         tags.empty() ? say(*hold, "admin_none") : tags, u.blocked ? yes : no,
         u.banned ? yes : no});
    if (!note.empty()) text = note + "\n\n" + text;
    const std::string sid = std::to_string(u.id);
    if (hold->role() >= Role::kAdmin) {
      keyboard.push_back(u.banned
                             ? button_row(say(*hold, "admin_unban_button"), "admin:unban:" + sid)
                             : button_row(say(*hold, "admin_ban_button"), "admin:ban:" + sid));
      keyboard.push_back(button_row(say(*hold, "admin_tag_add_button"), "admin:tag:" + sid));
      for (const auto& t : u.tags) {
        const std::string data = "admin:untag:" + sid + ":" + t;
        if (data.size() > 64) continue;  // Telegram's limit on callback data
        keyboard.push_back(
            button_row(admin::format(say(*hold, "admin_tag_remove_button"), {t}), data));
      }
    }
    keyboard.push_back(admin::back_row(*hold));
    admin::show(*hold, std::move(text), std::move(keyboard));
  });
}

void AdminModule::set_banned(Context& ctx, std::int64_t id, bool banned) {
  if (!services_) return;
  services_->users().find(id, [this, hold = ctx.hold(), id, banned](std::optional<UserRecord> user,
                                                                    const std::string&) {
    const json::value before = user ? json::value(user->banned) : json::value(nullptr);
    services_->users().set_banned(
        id, banned, [this, hold, id, banned, before](const std::string& error) {
          if (!error.empty()) {
            hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
            return;
          }
          audit(*hold, banned ? "ban" : "unban", std::to_string(id), before, banned);
          show_user(*hold, id,
                    admin::format(say(*hold, banned ? "admin_banned" : "admin_unbanned"),
                                  {std::to_string(id)}));
        });
  });
}

void AdminModule::prompt_tag(Context& ctx, std::int64_t id) {
  ctx.session()["admin"] = json::object{{"await", "tag"}, {"user", id}};
  json::array keyboard;
  keyboard.push_back(button_row(say(ctx, "admin_back"), "admin:user:" + std::to_string(id)));
  admin::show(ctx, admin::format(say(ctx, "admin_tag_prompt"), {std::to_string(id)}),
              std::move(keyboard));
}

void AdminModule::add_tag(Context& ctx, std::int64_t id, std::string tag) {
  if (!services_) return;
  if (!valid_tag(tag)) {
    ctx.session()["admin"] = json::object{{"await", "tag"}, {"user", id}};
    ctx.reply(admin::format(say(ctx, "admin_tag_bad"), {tag}));
    return;
  }
  services_->users().find(id, [this, hold = ctx.hold(), id, tag](std::optional<UserRecord> user,
                                                                 const std::string&) {
    const json::value before =
        user ? json::value(user_json(*user).at("tags")) : json::value(nullptr);
    services_->users().add_tag(id, tag, [this, hold, id, tag, before](const std::string& error) {
      if (!error.empty()) {
        hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
        return;
      }
      audit(*hold, "add_tag", std::to_string(id), before, json::value(tag));
      show_user(*hold, id, admin::format(say(*hold, "admin_tag_added"), {tag, std::to_string(id)}));
    });
  });
}

void AdminModule::remove_tag(Context& ctx, std::int64_t id, std::string tag) {
  if (!services_ || tag.empty()) return;
  services_->users().remove_tag(
      id, tag, [this, hold = ctx.hold(), id, tag](const std::string& error) {
        if (!error.empty()) {
          hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
          return;
        }
        audit(*hold, "remove_tag", std::to_string(id), json::value(tag), nullptr);
        show_user(*hold, id,
                  admin::format(say(*hold, "admin_tag_removed"), {tag, std::to_string(id)}));
      });
}

}  // namespace corebot::modules
