// The two limiter shapes the outbox needs, on integer clock ticks so results are exact and
// reproducible under a ManualClock.
#pragma once

#include <cstddef>
#include <deque>

#include "core/clock.hpp"

namespace corebot::outbox {

// A token bucket in GCRA form (a "theoretical arrival time" instead of a token count): `rate`
// calls per second on average, up to `burst` back to back after an idle period.
class TokenBucket {
 public:
  TokenBucket() : TokenBucket(1.0, 1.0) {}
  TokenBucket(double rate, double burst);

  // Changes the rate, keeping what was already spent (the next take uses the new spacing).
  void set_rate(double rate);
  [[nodiscard]] bool ready(core::TimePoint now) const { return now >= ready_at(); }
  // The earliest time take() conforms.
  [[nodiscard]] core::TimePoint ready_at() const { return tat_ - tolerance_; }
  // Spends one call; the caller checked ready().
  void take(core::TimePoint now);
  // True when the bucket is full again (its state may be forgotten).
  [[nodiscard]] bool idle(core::TimePoint now) const { return tat_ <= now; }
  [[nodiscard]] core::Duration interval() const { return interval_; }

 private:
  double burst_;
  core::Duration interval_{};
  core::Duration tolerance_{};
  core::TimePoint tat_{};
};

// At most `limit` calls in any `window` (a sliding log, exact; limits here are small).
class SlidingWindow {
 public:
  SlidingWindow() : SlidingWindow(20, std::chrono::minutes(1)) {}
  SlidingWindow(int limit, core::Duration window);

  [[nodiscard]] core::TimePoint ready_at(core::TimePoint now);
  void take(core::TimePoint now);
  [[nodiscard]] bool idle(core::TimePoint now);

 private:
  void prune(core::TimePoint now);
  std::size_t limit_;
  core::Duration window_;
  std::deque<core::TimePoint> hits_;
};

}  // namespace corebot::outbox
