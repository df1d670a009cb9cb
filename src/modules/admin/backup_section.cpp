// The owner's Backup section: the whole store as one SQLite file (AdminControl::take_backup, the
// file `corebot backup` writes), sent to the owner's chat as a document and recorded in the audit
// log. Owner only: the file holds every user's data, and it passes through Telegram like any
// message (docs/security.md).
#include <string>

#include "modules/admin/admin_module.hpp"
#include "modules/admin/panel.hpp"
#include "modules/admin/texts.hpp"

namespace corebot::modules {
using admin::say;

namespace {

// Telegram takes documents up to 50 MB from a bot (sendDocument).
constexpr std::size_t kTelegramUploadLimit = 50u << 20;
constexpr const char* kSqliteType = "application/vnd.sqlite3";

}  // namespace

void AdminModule::send_backup(Context& ctx) {
  if (!services_) return;
  ctx.reply(say(ctx, "admin_backup_started"));
  const std::string when = admin::utc_now(services_->clock(), "%Y-%m-%d-%H%M");
  services_->admin().take_backup(
      kTelegramUploadLimit,
      [this, hold = ctx.hold(), when](StoreBackup backup, const std::string& error) {
        if (!services_) return;
        if (!error.empty()) {
          services_->log(LogLevel::kError, "backup for the owner failed: " + error);
          hold->reply(admin::format(say(*hold, "admin_backup_failed"), {error}));
          return;
        }
        const std::string name = "corebot-backup-" + when + ".db";
        audit(*hold, "backup", name, nullptr, static_cast<std::int64_t>(backup.file.size()));
        send_document(*hold, name,
                      admin::format(say(*hold, "admin_backup_caption"),
                                    {when, std::to_string(backup.collections)}),
                      std::move(backup.file), kSqliteType);
      });
}

}  // namespace corebot::modules
