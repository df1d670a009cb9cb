// The `admin` module: the seed of the admin panel inside Telegram.
//  - /admin from an admin of the bot (ctx.is_admin(): the Admins sheet) opens an inline menu: the
//    module's own "Reload content" entry, then every running module's ModuleInfo::admin_menu
//    entries, one button per row. From anyone else it is not handled (kContinue), so the bot
//    answers as for any unknown command and nothing reveals the panel.
//  - /reload from an admin, and the "Reload content" button: "Reloading…" at once, then the
//    report of ModuleServices::reload_content when it comes.
//  - Every "admin:..." callback checks ctx.is_admin() again: callback data can be forged.
// Its commands have no description, so they are not published with setMyCommands. Texts are in
// English and Russian (by ctx.language()); an owner overrides each through the Texts sheet (keys
// in docs/spreadsheet-format.md).
#pragma once

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
  void show_menu(Context& ctx) const;
  void reload(Context& ctx);

  ModuleServices* services_ = nullptr;
};

// The built-in table's entry (cmake: corebot_module(admin ... FACTORY ...)). Always on; its order
// only matters for update kinds, and it declares none.
ModuleFactory admin_factory();

}  // namespace corebot::modules
