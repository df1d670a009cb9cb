// The `mailing` module: persistent mailings (docs/mailings.md).
//  - /mailing from an admin (or the admin panel's "Mailings" entry, ModuleInfo::admin_menu) opens
//    the composer (composer.hpp); from anyone else it is not handled, so nothing reveals it.
//  - "mailing:..." callbacks re-check ctx.is_admin(): callback data can be forged.
//  - The admin HTTP API's /admin/broadcast routes (http_api.hpp), used by `corebot broadcast`.
//  - Mailings are jobs in the store that survive restarts (mailings.hpp, mailing_run.hpp).
// Settings ([modules.mailing]): window (recipients in flight, default 256), progress_every_s
// (seconds between progress edits, default 3).
#pragma once

#include <memory>

#include "corebot/module.hpp"
#include "corebot/module_factory.hpp"
#include "modules/mailing/composer.hpp"
#include "modules/mailing/mailings.hpp"

namespace corebot::modules {

class MailingModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override;
  void start(ModuleServices& services) override;
  void stop() override;
  Handled on_update(Context& ctx) override;

  // For tests.
  [[nodiscard]] mailing::Mailings* mailings() { return mailings_.get(); }

 private:
  std::unique_ptr<mailing::Mailings> mailings_;
  std::unique_ptr<mailing::Composer> composer_;
};

// Always on; order 50 so the composer sees the admin's message before pages and forms do.
ModuleFactory mailing_factory();

}  // namespace corebot::modules
