// Keeps the `users` collection current from the updates the bot sees, without a store write per
// update: changes are coalesced in memory per user and written in one batch (update_each) every
// flush interval or when the batch is full. A batch whose users write failed stays pending and is
// retried, so no change is lost while the store is briefly unavailable. The statistics' series
// (below) are written after the users, and what of them a failure left unwritten is written with
// the next batch: activity documents again as they were (a day's active users are a union, so a
// document written twice counts nobody twice), the day's update count once (a write that failed
// did not count). The users' own write is not repeated once it committed: that would count their
// updates twice.
//
// A user document: {_id: <telegram id>, first_name, last_name, username, username_lc (lower case,
//                   for matching @usernames), language_code,
//                   first_seen: <ms>, last_seen: <ms>, updates: <count>, blocked: bool}
// With each batch it also writes the statistics' series (users_statistics.hpp): the batch's users
// whose first update of the UTC day this is go into one `user_activity` document (or a few, for a
// big batch), and `daily_updates` counts the updates.
// Modules may add fields of their own; the tracker only $sets the fields above.
//
// Thread: the loop thread (the executor's). Store work runs on the AsyncStore's workers.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "core/executor.hpp"
#include "corebot/context.hpp"
#include "corebot/store.hpp"

namespace corebot::app {

struct UserTrackerOptions {
  core::Duration flush_interval = std::chrono::milliseconds(500);
  // A batch this size is written at once. Each batch is a transaction (SQLite: a WAL commit and
  // an fsync): 2000 rather than 500 took ~1 us off each new user's reply under load
  // (docs/benchmarks.md), for ~1.5 MB of pending changes (736 B a user).
  std::size_t max_batch = 2000;
};

struct UserTrackerStats {
  std::uint64_t observed = 0;    // updates with a user seen
  std::uint64_t batches = 0;     // batches written
  std::uint64_t written = 0;     // user documents written
  std::uint64_t failures = 0;    // batches that failed (and were kept for retry)
  std::size_t active_today = 0;  // users remembered as counted active today (the only ones kept)
};

class UserTracker {
 public:
  static constexpr std::string_view kCollection = "users";

  UserTracker(AsyncStore& store, core::Executor& executor, const core::Clock& clock,
              UserTrackerOptions options = {});
  ~UserTracker();

  // Records the update's sender (middleware). Cheap: no I/O.
  void observe(const Context& ctx);
  // Marks a user as having blocked (true) or unblocked (false) the bot.
  void set_blocked(std::int64_t user_id, bool blocked);
  // Writes everything pending now; `done` runs when the store answered (or at once when there is
  // nothing to write).
  void flush(std::function<void()> done = {});

  [[nodiscard]] std::size_t pending() const { return pending_.size(); }
  [[nodiscard]] const UserTrackerStats& stats() const { return stats_; }

 private:
  struct Change {
    boost::json::object set;  // fields to $set
    std::int64_t first_seen_ms = 0;
    std::uint64_t updates = 0;
  };
  Change& change_for(std::int64_t user_id);
  void schedule();
  // Puts a failed batch's changes back into pending_ (for the retry).
  void restore(std::vector<UpdateSpec>& failed);
  [[nodiscard]] bool series_unwritten() const {
    return !unwritten_activity_.empty() || !unwritten_updates_.empty();
  }

  AsyncStore& store_;
  core::Executor& executor_;
  const core::Clock& clock_;
  UserTrackerOptions options_;
  std::map<std::int64_t, Change> pending_;
  // The users written into an activity document for `active_day_`. Only today's: a new day
  // starts it afresh, so it holds the day's active users, not everyone who ever wrote.
  std::unordered_set<std::int64_t> active_today_;
  std::int64_t active_day_ = -1;
  // What a failed batch left of the statistics' series, for the next batch: activity documents,
  // and update counts by day.
  std::vector<boost::json::object> unwritten_activity_;
  std::map<std::int64_t, std::uint64_t> unwritten_updates_;
  bool writing_ = false;
  std::optional<core::Executor::TimerId> timer_;
  std::vector<std::function<void()>> waiting_;
  UserTrackerStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::app
