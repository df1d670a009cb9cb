// Sessions: one JSON object per (chat, user), kept in the store collection "sessions" so a
// conversation in progress (a form half filled in) survives a restart.
//
// Loading and saving go through AsyncStore, off the event loop. Saved sessions stay in memory
// until their write is done, so the chat's next update reads what the previous one wrote even
// while the write is still queued (the dispatcher runs one update per chat at a time).
//
// Once prime() has listed the keys in the store, a key the SessionKeyFilter has never seen is
// answered {} at once, without a store read. That relies on this class being the only writer of
// the collection, which holds: nothing else in the engine touches it, and `corebot restore` is
// run with the bot stopped (docs/install.md, "Restore").
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "app/session_key_filter.hpp"
#include "corebot/store.hpp"

namespace corebot::app {

class Sessions {
 public:
  static constexpr const char* kCollection = "sessions";

  explicit Sessions(AsyncStore& store) : store_(store) {}

  // Calls `done` with the session of (chat, user): {} when there is none, nullopt when the store
  // failed on every one of kLoadAttempts reads. A caller that gets nullopt must not save()
  // what the update does with a stand-in session: that would overwrite the user's real progress
  // with it. Loop thread.
  static constexpr int kLoadAttempts = 3;
  void load(std::int64_t chat_id, std::int64_t user_id,
            std::function<void(std::optional<boost::json::object>)> done);
  // Stores the session (an empty one deletes the document). Loop thread.
  void save(std::int64_t chat_id, std::int64_t user_id, boost::json::object session);
  // Lists the keys in the store, `page` at a time, into the filter; until it is done (or when
  // the store fails, which is logged) every load reads the store as before. Loop thread, once.
  void prime(std::int64_t page = 10'000);
  [[nodiscard]] bool primed() const { return primed_; }

  struct Stats {
    std::uint64_t loads = 0;
    std::uint64_t saves = 0;
    std::uint64_t failures = 0;
    std::uint64_t reads_skipped = 0;  // loads answered {} by the filter, without a store read
  };
  [[nodiscard]] const Stats& stats() const { return stats_; }
  // Saves still being written.
  [[nodiscard]] std::size_t pending() const { return cache_.size(); }

 private:
  // One write per key in flight: two store workers could otherwise finish an older write last.
  struct Cached {
    boost::json::object session;
    std::int64_t chat_id = 0;
    std::int64_t user_id = 0;
    bool dirty = false;  // changed again while its write was in flight
  };
  static std::string key(std::int64_t chat_id, std::int64_t user_id);
  void write(const std::string& id);
  void read(std::string id, int attempts_left,
            std::function<void(std::optional<boost::json::object>)> done);
  void prime_after(std::string last_id, std::int64_t page);

  AsyncStore& store_;
  SessionKeyFilter known_;
  bool primed_ = false;
  std::map<std::string, Cached> cache_;
  Stats stats_;
};

}  // namespace corebot::app
