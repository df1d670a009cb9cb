// The audit log (admin.audit), the Exports section (XLSX through corebot/exports.hpp) and the
// owner's Admins section (roles and @username bindings).
#include <boost/json.hpp>

#include "corebot/exports.hpp"
#include "modules/admin/admin_module.hpp"
#include "modules/admin/panel.hpp"
#include "modules/admin/texts.hpp"

namespace corebot::modules {
namespace json = boost::json;
using admin::button_row;
using admin::say;

namespace {

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

ExportSheet users_sheet(const std::vector<UserRecord>& users, std::string name) {
  ExportSheet sheet{std::move(name),
                    {"id", "first_name", "last_name", "username", "language", "first_seen",
                     "last_seen", "blocked", "banned", "tags"},
                    {}};
  for (const UserRecord& u : users) {
    std::string tags;
    for (const auto& t : u.tags) tags += (tags.empty() ? "" : ", ") + t;
    sheet.rows.push_back({static_cast<double>(u.id), u.first_name, u.last_name, u.username,
                          u.language_code, admin::format_time(u.first_seen_ms),
                          admin::format_time(u.last_seen_ms), u.blocked, u.banned, tags});
  }
  return sheet;
}

}  // namespace

void AdminModule::audit(const Context& ctx, std::string action, std::string target,
                        json::value before, json::value after) {
  if (!services_) return;
  const std::int64_t at = std::chrono::duration_cast<std::chrono::milliseconds>(
                              services_->clock().wall().time_since_epoch())
                              .count();
  json::object entry{{"at", at},
                     {"by", ctx.user_id().value_or(0)},
                     {"by_name", std::string(ctx.username())},
                     {"role", std::string(role_name(ctx.role()))},
                     {"action", std::move(action)},
                     {"target", std::move(target)},
                     {"before", std::move(before)},
                     {"after", std::move(after)}};
  services_->store().run(
      [entry = std::move(entry)](ModuleCollections& c) { c.collection("audit").insert_one(entry); },
      [this](StoreResult<std::monostate> r) {
        if (!r && services_) {
          services_->log(LogLevel::kError,
                         std::string("cannot write the audit log: ") + r.error().what());
        }
      });
}

void AdminModule::send_document(Context& ctx, std::string filename, std::string caption,
                                std::string bytes, std::string mime_type) {
  if (!services_ || !ctx.chat_id()) return;
  ApiCall call{"sendDocument",
               {{"chat_id", *ctx.chat_id()}, {"caption", std::move(caption)}},
               {Upload{"document", std::move(filename), std::move(mime_type), std::move(bytes)}}};
  services_->sender().call(std::move(call), Priority::kAdmin);
}

void AdminModule::show_exports(Context& ctx) {
  json::array keyboard;
  keyboard.push_back(button_row(say(ctx, "admin_export_users"), "admin:export:users"));
  keyboard.push_back(button_row(say(ctx, "admin_export_audit"), "admin:export:audit"));
  if (services_) {
    for (const ModuleInfo& module : services_->modules()) {
      if (module.name == "admin") continue;
      for (const ExportableCollection& e : module.exports) {
        const std::string data = "admin:export:m:" + module.name + ":" + e.collection;
        if (data.size() <= 64) keyboard.push_back(button_row(ctx.localize(e.title), data));
      }
    }
  }
  keyboard.push_back(admin::back_row(ctx));
  admin::show(ctx, say(ctx, "admin_exports"), std::move(keyboard));
}

void AdminModule::run_export(Context& ctx, std::string_view what) {
  if (!services_) return;
  const std::string date = admin::utc_now(services_->clock(), "%Y-%m-%d");
  auto fail = [this](const std::shared_ptr<Context>& hold, const std::string& error) {
    services_->log(LogLevel::kError, "export failed: " + error);
    hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
  };
  // Writes the workbook off the loop, then sends it and records the export.
  auto finish = [this, fail, date](std::shared_ptr<Context> hold, std::string name,
                                   ExportSheet sheet) {
    const std::size_t rows = sheet.rows.size();
    services_->store().run(
        [sheet = std::move(sheet)](ModuleCollections&) { return write_xlsx({sheet}); },
        [this, hold, name, rows, fail, date](StoreResult<std::string> bytes) {
          if (!bytes) return fail(hold, bytes.error().what());
          audit(*hold, "export", name, nullptr, static_cast<std::int64_t>(rows));
          send_document(
              *hold, name + "-" + date + ".xlsx",
              admin::format(say(*hold, "admin_export_caption"), {name, std::to_string(rows)}),
              std::move(bytes.value()), kXlsxType);
        });
  };
  auto hold = ctx.hold();
  if (what == "users") {
    services_->users().all(
        [hold, fail, finish](std::vector<UserRecord> users, const std::string& error) {
          if (!error.empty()) return fail(hold, error);
          finish(hold, "users", users_sheet(users, "Users"));
        });
    return;
  }
  if (what == "audit") {
    services_->store().run(
        [](ModuleCollections& c) {
          return c.collection("audit").find({}, FindOptions{.sort = {{"at", 1}}});
        },
        [hold, fail, finish](StoreResult<std::vector<json::object>> docs) {
          if (!docs) return fail(hold, docs.error().what());
          finish(hold, "audit", documents_sheet("Audit", docs.value()));
        });
    return;
  }
  if (what.rfind("m:", 0) == 0) {
    const std::string rest(what.substr(2));
    const std::size_t colon = rest.find(':');
    if (colon == std::string::npos) return ctx.reply(say(ctx, "admin_stale_button"));
    const std::string module = rest.substr(0, colon), collection = rest.substr(colon + 1);
    services_->admin().read_collection(
        module, collection,
        [hold, fail, finish, module, collection](std::vector<json::object> docs,
                                                 const std::string& error) {
          if (!error.empty()) return fail(hold, error);
          finish(hold, module + "-" + collection, documents_sheet(collection, docs));
        });
    return;
  }
  ctx.reply(say(ctx, "admin_stale_button"));
}

void AdminModule::show_admins(Context& ctx) {
  std::string rows;
  const auto content = services_ ? services_->content() : nullptr;
  std::vector<AdminBinding> bindings =
      services_ ? services_->admin().bindings() : std::vector<AdminBinding>{};
  if (content) {
    for (const Admin& a : content->admins()) {
      const std::string role(role_name(a.role));
      if (a.user_id != 0) {
        rows += admin::format(say(ctx, "admin_admins_row_id"),
                              {std::to_string(a.user_id), role, a.name.empty() ? "—" : a.name}) +
                "\n";
        continue;
      }
      const AdminBinding* bound = nullptr;
      for (const auto& b : bindings) {
        if (b.username == a.username) bound = &b;
      }
      rows += (bound ? admin::format(say(ctx, "admin_admins_row_bound"),
                                     {a.username, role, std::to_string(bound->user_id),
                                      admin::format_time(bound->bound_at_ms)})
                     : admin::format(say(ctx, "admin_admins_row_unbound"), {a.username, role})) +
              "\n";
    }
  }
  if (rows.empty()) rows = say(ctx, "admin_admins_none");
  json::array keyboard;
  keyboard.push_back(admin::back_row(ctx));
  admin::show(ctx, admin::format(say(ctx, "admin_admins"), {rows}), std::move(keyboard));
}

}  // namespace corebot::modules
