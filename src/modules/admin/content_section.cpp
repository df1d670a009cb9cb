// The Content section: what the live spreadsheet holds, Reload with the validation report (errors
// keep the old content) and what changed in the pages.
#include <boost/json.hpp>

#include "modules/admin/admin_module.hpp"
#include "modules/admin/panel.hpp"
#include "modules/admin/texts.hpp"

namespace corebot::modules {
namespace json = boost::json;
using admin::say;

namespace {

bool same_page(const Page& a, const Page& b) {
  if (a.text != b.text || a.media != b.media || a.media_kind != b.media_kind ||
      a.new_message != b.new_message || a.keyboard.size() != b.keyboard.size()) {
    return false;
  }
  for (std::size_t r = 0; r < a.keyboard.size(); ++r) {
    if (a.keyboard[r].size() != b.keyboard[r].size()) return false;
    for (std::size_t i = 0; i < a.keyboard[r].size(); ++i) {
      const Button& x = a.keyboard[r][i];
      const Button& y = b.keyboard[r][i];
      if (x.text != y.text || x.kind != y.kind || x.target != y.target) return false;
    }
  }
  return true;
}

struct PageChanges {
  std::vector<std::string> added, removed, edited;
};

PageChanges compare(const Content* before, const Content* after) {
  PageChanges c;
  if (after == nullptr) return c;
  for (const Page& p : after->pages()) {
    const Page* old = before ? before->page(p.id) : nullptr;
    if (old == nullptr) {
      c.added.push_back(p.id);
    } else if (!same_page(*old, p)) {
      c.edited.push_back(p.id);
    }
  }
  if (before) {
    for (const Page& p : before->pages()) {
      if (after->page(p.id) == nullptr) c.removed.push_back(p.id);
    }
  }
  return c;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 20; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > 20) out += ", …";
  return out;
}

json::array ids_json(const std::vector<std::string>& ids) {
  json::array out;
  for (const auto& id : ids) out.emplace_back(id);
  return out;
}

}  // namespace

void AdminModule::show_content(Context& ctx) {
  json::array keyboard;
  const auto content = services_ ? services_->content() : nullptr;
  if (!content) {
    keyboard.push_back(admin::back_row(ctx));
    admin::show(ctx, say(ctx, "admin_content_none"), std::move(keyboard));
    return;
  }
  keyboard.push_back(admin::button_row(say(ctx, "admin_reload_button"), kReloadData));
  keyboard.push_back(admin::back_row(ctx));
  admin::show(ctx,
              admin::format(say(ctx, "admin_content"),
                            {std::to_string(content->pages().size()),
                             std::to_string(std::max<std::size_t>(content->languages().size(), 1)),
                             std::to_string(content->admins().size())}),
              std::move(keyboard));
}

void AdminModule::reload(Context& ctx) {
  ctx.reply(say(ctx, "admin_reloading"));
  if (!services_) return;  // not started: nothing to reload with
  auto before = services_->content();
  // The report is the answer to this update: the admin's next message waits for it.
  services_->reload_content([this, hold = ctx.hold(), before](const ReloadReport& report) {
    std::string text = report.message;
    json::object after_json{{"ok", report.ok}};
    if (report.ok && services_) {
      const auto after = services_->content();
      const PageChanges c = compare(before.get(), after.get());
      if (c.added.empty() && c.removed.empty() && c.edited.empty()) {
        text += "\n\n" + say(*hold, "admin_changes_none");
      } else {
        text +=
            "\n\n" + admin::format(say(*hold, "admin_changes"), {std::to_string(c.added.size()),
                                                                 std::to_string(c.removed.size()),
                                                                 std::to_string(c.edited.size())});
        if (!c.added.empty())
          text += "\n" + admin::format(say(*hold, "admin_changes_added"), {joined(c.added)});
        if (!c.removed.empty())
          text += "\n" + admin::format(say(*hold, "admin_changes_removed"), {joined(c.removed)});
        if (!c.edited.empty())
          text += "\n" + admin::format(say(*hold, "admin_changes_edited"), {joined(c.edited)});
      }
      after_json["added"] = ids_json(c.added);
      after_json["removed"] = ids_json(c.removed);
      after_json["edited"] = ids_json(c.edited);
    }
    audit(*hold, "reload", "content", nullptr, std::move(after_json));
    if (text.size() > 4000) text = text.substr(0, 4000) + "…";
    hold->reply(std::move(text));
  });
}

}  // namespace corebot::modules
