// What the engine offers the admin panel (and any module with admin features) beyond the Users
// directory: who is bound to which @username, the bot's ownership, maintenance mode, the engine's
// live figures, reading the collections modules declared exportable, and backups of the store.
// Thread: the loop thread for every call and every callback.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace corebot {

// An admin listed by @username in the Admins sheet is bound to the numeric id of the first
// account that wrote to the bot with that username while it was listed; from then on only that
// id has the role, even when the username moves to another account.
struct AdminBinding {
  std::string username;  // lowercase, without '@'
  std::int64_t user_id = 0;
  std::int64_t bound_at_ms = 0;  // Unix milliseconds
};

// The engine now (not stored: from the running process).
struct EngineFigures {
  std::size_t queue_depth = 0;  // calls waiting in the outbox (all priorities), in flight included
  double send_rate = 0;         // Bot API calls completed per second, over the last 10 s
  std::int64_t uptime_s = 0;
  std::string version;  // "0.1.0"
};

// A backup of the whole store for the owner to keep: one SQLite file, the format `corebot
// restore` takes and `corebot run` opens (docs/install.md, "Backups"), whatever the backend.
struct StoreBackup {
  std::string file;  // its bytes
  std::size_t collections = 0;
};

// Empty on success, else what failed.
using AdminDone = std::function<void(const std::string& error)>;
using BackupTaken = std::function<void(StoreBackup backup, const std::string& error)>;
using DocumentsRead =
    std::function<void(std::vector<boost::json::object> documents, const std::string& error)>;

class AdminControl {
 public:
  virtual ~AdminControl() = default;

  // The @username bindings, by username.
  [[nodiscard]] virtual std::vector<AdminBinding> bindings() const = 0;
  // Whether the bot has an owner: `[admin] owners` in the config, or one who claimed it.
  [[nodiscard]] virtual bool has_owner() const = 0;
  // Whether `code` is the first-run code while the bot has no owner (no store access: a module
  // decides at once whether "/start <code>" is a claim or an ordinary /start).
  [[nodiscard]] virtual bool is_owner_code(std::string_view code) const = 0;
  // The first-run claim: with no owner, `code` equal to the engine's one-time code makes
  // `user_id` the owner (stored) and voids the code. `done(true)` when it did; false for a wrong
  // code or when the bot already has an owner (error empty), or with the store's error.
  virtual void claim_ownership(
      std::int64_t user_id, std::string_view code,
      std::function<void(bool claimed, const std::string& error)> done) = 0;

  // Maintenance mode: the engine answers everyone below the operator role with the Texts entry
  // `admin_maintenance_text` (or its built-in English/Russian) and no module sees their updates.
  // Stored, so it survives a restart.
  [[nodiscard]] virtual bool maintenance() const = 0;
  virtual void set_maintenance(bool on, AdminDone done) = 0;

  [[nodiscard]] virtual EngineFigures figures() const = 0;

  // Every document of a collection a running module declared in ModuleInfo::exports
  // (`module`.`collection`), in _id order; an error for one it did not declare.
  virtual void read_collection(std::string_view module, std::string_view collection,
                               DocumentsRead done) = 0;

  // Takes a backup of the store off the loop, while the bot keeps running; one at a time. A
  // backup over `max_bytes` (Telegram takes files up to 50 MB from a bot) is not returned: the
  // error says how to take it on the server. Not virtual-pure, so that implementations written
  // before it still build; this default says the engine offers none.
  virtual void take_backup(std::size_t max_bytes, BackupTaken done) {
    (void)max_bytes;
    done({},
         "this engine takes no backups from the panel: run `corebot backup FILE` on the server");
  }
};

}  // namespace corebot
