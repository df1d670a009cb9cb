// The `admin` module: the admin panel inside Telegram (docs/admin.md).
//  - /admin from anyone with a role (Context::role(): owner, admin, operator) opens an inline
//    menu: every running module's ModuleInfo::admin_menu entries the role may see, the panel's
//    own sections first (they are declared the same way). From anyone else /admin and /reload
//    are not handled (kContinue): the bot answers as for any unknown command and nothing
//    reveals the panel.
//  - Sections: Statistics (+ a PNG chart), Users (find, card, ban/unban, tags), Content (reload
//    with the report and what changed), Maintenance mode, Exports (XLSX), Admins (owner: roles
//    and @username bindings), Backup (owner: the whole store as one file, sent to the owner's
//    chat). Operators see Statistics and Users (find and look) only.
//  - Every "admin:..." callback checks the role again: callback data can be forged.
//  - Every change an admin makes is written to the collection `admin.audit`
//    {at, by, by_name, role, action, target, before, after}.
//  - "/start <code>" with the first-run code while the bot has no owner makes the sender the
//    owner (AdminControl::claim_ownership); any other /start goes on to the pages.
// Texts: English and Russian by the admin's language, each overridable in the Texts sheet
// (texts.cpp, keys in docs/admin.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "corebot/module.hpp"
#include "corebot/module_factory.hpp"

namespace corebot::modules {

class AdminModule final : public Module {
 public:
  static constexpr const char* kPrefix = "admin";
  static constexpr const char* kReloadData = "admin:reload";

  [[nodiscard]] ModuleInfo info() const override;
  void start(ModuleServices& services) override { services_ = &services; }
  void stop() override { services_ = nullptr; }
  Handled on_update(Context& ctx) override;

 private:
  Handled on_callback(Context& ctx);
  Handled on_text(Context& ctx);
  bool claim(Context& ctx);

  // Sections (one file each besides this one's menu and maintenance).
  void show_menu(Context& ctx) const;
  void show_stats(Context& ctx);
  void send_chart(Context& ctx);
  void show_content(Context& ctx);
  void reload(Context& ctx);
  void prompt_search(Context& ctx);
  void search(Context& ctx, std::string query);
  void show_user(Context& ctx, std::int64_t id, std::string note = {});
  void set_banned(Context& ctx, std::int64_t id, bool banned);
  void prompt_tag(Context& ctx, std::int64_t id);
  void add_tag(Context& ctx, std::int64_t id, std::string tag);
  void remove_tag(Context& ctx, std::int64_t id, std::string tag);
  void show_maintenance(Context& ctx);
  void set_maintenance(Context& ctx, bool on);
  void show_exports(Context& ctx);
  void run_export(Context& ctx, std::string_view what);
  void show_admins(Context& ctx);
  void send_backup(Context& ctx);

  // Writes one audit entry (admin.audit); failures are logged, never shown.
  void audit(const Context& ctx, std::string action, std::string target, boost::json::value before,
             boost::json::value after);
  // Sends a file built off the loop (an XLSX, a backup) to the admin's chat.
  void send_document(Context& ctx, std::string filename, std::string caption, std::string bytes,
                     std::string mime_type);

  ModuleServices* services_ = nullptr;
};

// The built-in table's entry (cmake: corebot_module(admin ... FACTORY ...)). Always on.
ModuleFactory admin_factory();

}  // namespace corebot::modules
