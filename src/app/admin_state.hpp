// The engine's side of the admin panel (corebot/admin.hpp): resolves each sender's role, keeps the
// @username bindings, the owner and the first-run code, maintenance mode, and reads the
// collections modules declared exportable.
//
// Roles, highest wins: an id in `[admin] owners` or the owner who claimed the bot is kOwner;
// otherwise the Admins sheet's row for the id, or for an @username *bound to this id*. A listed
// @username with no binding yet is bound to the first account that writes with it (memory at
// once, then the store, collection `engine.admin_bindings` {_id: username, user_id, bound_at});
// from then on the username grants nothing to any other account, whoever holds it.
//
// State is loaded from the store before the first update is prepared (when_loaded); the first-run
// code is made then when the bot has no owner, and logged.
//
// Thread: the loop thread for every call and callback; store work on the AsyncStore's workers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "corebot/admin.hpp"
#include "corebot/content.hpp"
#include "corebot/role.hpp"
#include "corebot/store.hpp"

namespace corebot::app {

class AdminState final : public AdminControl {
 public:
  static constexpr std::string_view kBindings = "engine.admin_bindings";

  AdminState(AsyncStore& store, const core::Clock& clock, std::vector<std::int64_t> owners);
  ~AdminState() override;

  // Reads bindings, owner and maintenance; makes the first-run code when nobody owns the bot.
  // Functions given to when_loaded run after (also after a failed load, which is logged).
  void load();
  void when_loaded(std::function<void()> fn);
  [[nodiscard]] bool loaded() const { return loaded_; }

  // The sender's role under `content` (nullptr: no spreadsheet); may bind a listed @username.
  Role resolve(const Content* content, std::int64_t user_id, std::string_view username);

  // What figures() reports; the engine sets it.
  std::function<EngineFigures()> figures_source;
  // What take_backup() runs (app/panel_backup.hpp); the engine sets it. Unset: the default's
  // "no backups here".
  std::function<void(std::size_t max_bytes, BackupTaken done)> backup_source;
  // Which (module, collection) pairs are exportable; the engine sets it from the modules' infos.
  std::set<std::pair<std::string, std::string>> exportable;

  [[nodiscard]] std::vector<AdminBinding> bindings() const override;
  [[nodiscard]] bool has_owner() const override { return !owners_.empty() || owner_.has_value(); }
  [[nodiscard]] bool is_owner_code(std::string_view code) const override;
  void claim_ownership(std::int64_t user_id, std::string_view code,
                       std::function<void(bool, const std::string&)> done) override;
  [[nodiscard]] bool maintenance() const override { return maintenance_; }
  void set_maintenance(bool on, AdminDone done) override;
  [[nodiscard]] EngineFigures figures() const override {
    return figures_source ? figures_source() : EngineFigures{};
  }
  void read_collection(std::string_view module, std::string_view collection,
                       DocumentsRead done) override;
  void take_backup(std::size_t max_bytes, BackupTaken done) override {
    if (!backup_source) return AdminControl::take_backup(max_bytes, std::move(done));
    backup_source(max_bytes, std::move(done));
  }

 private:
  void bind(const std::string& username, std::int64_t user_id);
  void finish_load();

  AsyncStore& store_;
  const core::Clock& clock_;
  std::set<std::int64_t> owners_;      // from the config
  std::optional<std::int64_t> owner_;  // who claimed the bot
  std::map<std::string, AdminBinding, std::less<>> bindings_;
  std::string code_;  // the first-run code while nobody owns the bot
  bool maintenance_ = false;
  bool loaded_ = false;
  std::vector<std::function<void()>> waiting_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::app
