// The public Users interface (corebot/users.hpp) on the engine's `users` collection, which the
// UserTracker keeps current from every update. Also the gate for banned users: their ids are kept
// in memory (loaded at start, changed by set_banned) so the dispatcher's check costs no store
// read per update.
//
// Thread: the loop thread for every call and callback; store work runs on the AsyncStore's
// workers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "core/clock.hpp"
#include "corebot/store.hpp"
#include "corebot/users.hpp"

namespace corebot::app {

class HeldMessages;

class UsersDirectory final : public Users {
 public:
  // `clock`: "now" for statistics (the wall time).
  explicit UsersDirectory(AsyncStore& store,
                          const core::Clock& clock = core::SystemClock::instance());
  ~UsersDirectory() override;

  // Loads the banned users' ids; `done` runs when they are in memory (or the load failed, with
  // the error; then nobody is treated as banned until a later set_banned).
  void load(std::function<void(const std::string& error)> done);
  // Whether an admin banned this user (memory only; cheap).
  [[nodiscard]] bool banned(std::int64_t user_id) const { return banned_.count(user_id) > 0; }

  void find(std::int64_t id, UserFound done) override;
  void find_by_username(std::string_view username, UserFound done) override;
  void add_tag(std::int64_t id, std::string tag, UsersDone done) override;
  void remove_tag(std::int64_t id, std::string tag, UsersDone done) override;
  void set_banned(std::int64_t id, bool banned, UsersDone done) override;
  void statistics(StatisticsDone done) override;
  void search(std::string query, std::size_t limit, UsersFound done) override;
  void all(UsersFound done) override;
  // Kept by `held` (set_held_messages); refused without one.
  void hold_message(HeldMessage message, UsersDone done) override;
  void set_held_messages(HeldMessages* held) { held_ = held; }
  void select_ids(boost::json::object filter, UserIdsFound done) override;
  void mark_unreachable(std::int64_t id, std::string reason, UsersDone done) override;

  // The record a user document reads as (exposed for tests).
  static UserRecord to_record(const boost::json::object& doc);

 private:
  void update(std::int64_t id, boost::json::object update, UsersDone done);
  void find_one(boost::json::object filter, boost::json::object sort, UserFound done);

  AsyncStore& store_;
  const core::Clock& clock_;
  std::set<std::int64_t> banned_;
  HeldMessages* held_ = nullptr;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::app
