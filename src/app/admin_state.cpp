#include "app/admin_state.hpp"

#include <boost/json.hpp>

#include "app/ownership.hpp"
#include "core/log.hpp"
#include "core/secrets.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

std::string lowercase(std::string_view s) {
  if (!s.empty() && s[0] == '@') s.remove_prefix(1);
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Loaded {
  std::vector<AdminBinding> bindings;
  std::optional<std::int64_t> owner;
  bool maintenance = false;
  std::string code;  // made when nobody owns the bot
};

}  // namespace

AdminState::AdminState(AsyncStore& store, const core::Clock& clock,
                       std::vector<std::int64_t> owners)
    : store_(store), clock_(clock), owners_(owners.begin(), owners.end()) {}

AdminState::~AdminState() = default;

void AdminState::load() {
  const bool configured_owner = !owners_.empty();
  const std::int64_t now = core::wall_millis(clock_);
  std::weak_ptr<char> alive = alive_;
  store_.run(
      [configured_owner, now](DocumentStore& store) {
        Loaded out;
        for (const json::object& doc : store.collection(kBindings).find({})) {
          AdminBinding b;
          if (const auto* id = doc.if_contains("_id"); id && id->is_string())
            b.username = std::string(id->get_string());
          if (const auto* u = doc.if_contains("user_id"); u && u->is_int64())
            b.user_id = u->get_int64();
          if (const auto* t = doc.if_contains("bound_at"); t && t->is_int64())
            b.bound_at_ms = t->get_int64();
          if (!b.username.empty() && b.user_id != 0) out.bindings.push_back(std::move(b));
        }
        out.owner = stored_owner(store);
        if (auto m = store.collection(kAdminCollection).find_one({{"_id", "maintenance"}})) {
          if (const auto* on = m->if_contains("on"); on && on->is_bool())
            out.maintenance = on->get_bool();
        }
        if (!configured_owner && !out.owner) out.code = ensure_owner_code(store, now);
        return out;
      },
      [this, alive](StoreResult<Loaded> result) {
        if (!alive.lock()) return;
        if (!result) {
          COREBOT_LOG_ERROR("admin: cannot load the admin state (bindings, owner, maintenance): {}",
                            result.error().what());
          return finish_load();
        }
        Loaded& loaded = result.value();
        for (AdminBinding& b : loaded.bindings) bindings_[b.username] = std::move(b);
        owner_ = loaded.owner;
        maintenance_ = loaded.maintenance;
        code_ = loaded.code;
        if (!loaded.code.empty()) {
          COREBOT_LOG_WARN(
              "admin: this bot has no owner yet. Send \"/start {}\" to the bot from your Telegram "
              "account to become its owner (the code works once; `corebot owner-code --config "
              "FILE` prints it again), or list your id in [admin] owners in the config",
              loaded.code);
        }
        if (maintenance_) COREBOT_LOG_INFO("admin: maintenance mode is on");
        finish_load();
      });
}

void AdminState::finish_load() {
  loaded_ = true;
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& fn : waiting) fn();
}

void AdminState::when_loaded(std::function<void()> fn) {
  if (loaded_) return fn();
  waiting_.push_back(std::move(fn));
}

Role AdminState::resolve(const Content* content, std::int64_t user_id, std::string_view username) {
  if (owners_.count(user_id) > 0 || (owner_ && *owner_ == user_id)) return Role::kOwner;
  if (content == nullptr) return Role::kNone;
  const std::string name = lowercase(username);
  Role best = Role::kNone;
  for (const Admin& a : content->admins()) {
    if (a.role <= best) continue;
    if (a.user_id != 0) {
      if (a.user_id == user_id) best = a.role;
      continue;
    }
    if (a.username.empty()) continue;
    if (auto it = bindings_.find(a.username); it != bindings_.end()) {
      // Bound: only that account, whoever holds the username now.
      if (it->second.user_id == user_id) best = a.role;
      continue;
    }
    if (!name.empty() && name == a.username) {
      bind(a.username, user_id);
      best = a.role;
    }
  }
  return best;
}

void AdminState::bind(const std::string& username, std::int64_t user_id) {
  AdminBinding binding{username, user_id, core::wall_millis(clock_)};
  bindings_[username] = binding;
  COREBOT_LOG_INFO("admin: @{} is bound to user {} from now on", username, user_id);
  store_.run(
      [binding](DocumentStore& store) {
        try {
          store.collection(kBindings).insert_one(json::object{{"_id", binding.username},
                                                              {"user_id", binding.user_id},
                                                              {"bound_at", binding.bound_at_ms}});
        } catch (const StoreError& e) {
          if (e.kind() != StoreErrorKind::kDuplicateKey) throw;
        }
      },
      [username](StoreResult<std::monostate> result) {
        if (!result) {
          COREBOT_LOG_ERROR("admin: cannot store the binding of @{}: {}", username,
                            result.error().what());
        }
      });
}

std::vector<AdminBinding> AdminState::bindings() const {
  std::vector<AdminBinding> out;
  for (const auto& [name, binding] : bindings_) out.push_back(binding);
  return out;
}

bool AdminState::is_owner_code(std::string_view code) const {
  return !has_owner() && !code_.empty() && core::same_secret(code, code_);
}

void AdminState::claim_ownership(std::int64_t user_id, std::string_view code,
                                 std::function<void(bool, const std::string&)> done) {
  if (has_owner()) return done(false, "");
  const std::int64_t now = core::wall_millis(clock_);
  std::weak_ptr<char> alive = alive_;
  store_.run([user_id, code = std::string(code),
              now](DocumentStore& store) { return claim_owner(store, user_id, code, now); },
             [this, alive, user_id, done = std::move(done)](StoreResult<bool> result) {
               if (!alive.lock()) return;
               if (!result) return done(false, result.error().what());
               if (result.value()) {
                 owner_ = user_id;
                 code_.clear();
                 COREBOT_LOG_INFO("admin: user {} claimed the bot and is its owner", user_id);
               }
               done(result.value(), "");
             });
}

void AdminState::set_maintenance(bool on, AdminDone done) {
  const bool before = maintenance_;
  maintenance_ = on;  // at once: the next update already sees it
  const std::int64_t now = core::wall_millis(clock_);
  std::weak_ptr<char> alive = alive_;
  store_.run(
      [on, now](DocumentStore& store) {
        store.collection(kAdminCollection)
            .update_one({{"_id", "maintenance"}}, {{"$set", {{"on", on}, {"changed_at", now}}}},
                        UpdateOptions{.upsert = true});
      },
      [this, alive, before, done = std::move(done)](StoreResult<std::monostate> result) {
        if (!alive.lock()) return;
        if (!result) {
          maintenance_ = before;  // not stored: it would not survive a restart, so undo
          if (done) done(result.error().what());
          return;
        }
        if (done) done("");
      });
}

void AdminState::read_collection(std::string_view module, std::string_view collection,
                                 DocumentsRead done) {
  if (exportable.count({std::string(module), std::string(collection)}) == 0) {
    return done({}, "module '" + std::string(module) + "' declares no exportable collection '" +
                        std::string(collection) + "'");
  }
  const std::string name = std::string(module) + "." + std::string(collection);
  store_.run(
      [name](DocumentStore& store) {
        return store.collection(name).find({}, FindOptions{.sort = {{"_id", 1}}});
      },
      [done = std::move(done)](StoreResult<std::vector<json::object>> result) {
        if (!result) return done({}, result.error().what());
        done(std::move(result.value()), "");
      });
}

}  // namespace corebot::app
