// An append-only, sequence-numbered list of JSON entries with long-poll waiters: the call log and
// the chat-event stream of the control API. Pure; timers for wait limits live with the caller.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

namespace corebot::sandbox {

class Feed {
 public:
  // Keeps at most `capacity` entries; older ones are forgotten.
  explicit Feed(std::size_t capacity = 20000) : capacity_(capacity) {}

  // Appends `entry` under `key` (e.g. a bot token) and returns its seq (from 1), which since()
  // gives as entry["seq"]. Waiters for that key are woken (called once and removed).
  std::int64_t add(const std::string& key, boost::json::object entry);
  // Entries of `key` with seq > since, oldest first, that pass `filter` (when given; it sees the
  // entry without "seq"), each with its "seq".
  [[nodiscard]] boost::json::array since(
      const std::string& key, std::int64_t since,
      const std::function<bool(const boost::json::object&)>& filter = {}) const;
  [[nodiscard]] std::int64_t last_seq() const { return next_seq_ - 1; }

  using WaiterId = std::uint64_t;
  // Calls `wake` once when the next entry under `key` is added. Returns an id for cancel().
  WaiterId wait(const std::string& key, std::function<void()> wake);
  // Removes a waiter that has not been woken; a no-op otherwise.
  void cancel(WaiterId id);
  // Wakes every waiter (for shutdown).
  void wake_all();

 private:
  struct Entry {
    std::string key;
    boost::json::object body;
  };
  struct Waiter {
    std::string key;
    std::function<void()> wake;
  };
  std::size_t capacity_;
  std::deque<Entry> entries_;  // entries_[i] has seq first_seq_ + i
  std::int64_t first_seq_ = 1;
  std::int64_t next_seq_ = 1;
  std::map<WaiterId, Waiter> waiters_;
  WaiterId next_waiter_ = 1;
};

}  // namespace corebot::sandbox
