// Telegram's flood limits as the sandbox applies them: a global budget of sends per second, about
// one message per second per private chat and 20 messages per minute per group (negative chat
// ids). Pure logic: time comes from the injected Clock, so tests drive it with ManualClock.
//
// Which calls count is the caller's decision (see docs/sandbox.md); the limiter only sees
// "one send to chat X now". A refused send is not recorded: it was not delivered.
//
// Not thread-safe; the sandbox uses it on its event loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "core/clock.hpp"

namespace corebot::sandbox {

struct LimitSettings {
  bool enabled = true;
  int global_per_second = 30;
  int private_per_second = 1;
  int group_per_minute = 20;
};

struct LimitDecision {
  bool allowed = true;
  int retry_after_s = 0;  // > 0 when refused: whole seconds until a retry can succeed
};

class RateLimiter {
 public:
  RateLimiter(const core::Clock& clock, LimitSettings settings = {});

  // Checks one send to chat_id (negative: a group) against every limit. When all pass, the send
  // is recorded and {true, 0} returned; otherwise nothing is recorded and the answer carries the
  // longest wait among the limits that refused.
  [[nodiscard]] LimitDecision acquire(std::int64_t chat_id);

  // New settings apply to later calls; the history is kept.
  void set_settings(LimitSettings settings) { settings_ = settings; }
  [[nodiscard]] const LimitSettings& settings() const { return settings_; }
  // Forgets every recorded send.
  void reset();

 private:
  using Window = std::deque<core::TimePoint>;
  // Drops entries older than `span`; returns the wait (0 when a slot is free) for `limit`.
  static core::Duration wait_for(Window& window, core::TimePoint now, core::Duration span,
                                 int limit);
  void prune(core::TimePoint now);

  const core::Clock& clock_;
  LimitSettings settings_;
  Window global_;
  std::map<std::int64_t, Window> chats_;
  std::uint64_t calls_since_prune_ = 0;
};

}  // namespace corebot::sandbox
