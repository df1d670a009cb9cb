// The limiter shapes the outbox needs, on integer clock ticks so results are exact and
// reproducible under a ManualClock.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace corebot::outbox {

// A FIFO on one vector: no allocation while empty (a std::deque allocates ~600 bytes as soon as it
// exists, which per chat was most of the outbox's memory), amortised O(1) at both ends.
template <typename T>
class SmallFifo {
 public:
  [[nodiscard]] bool empty() const { return head_ == items_.size(); }
  [[nodiscard]] std::size_t size() const { return items_.size() - head_; }
  [[nodiscard]] const T& front() const { return items_[head_]; }
  [[nodiscard]] const T& operator[](std::size_t i) const { return items_[head_ + i]; }
  void push_back(T value) { items_.push_back(std::move(value)); }
  void push_front(T value) {
    if (head_ == 0) {
      // Re-lay the items with as much free room in front as there are items, so a run of
      // push_front stays amortised O(1) (retries push to the front of their chat's lane).
      const std::size_t room = std::max<std::size_t>(items_.size(), 1);
      std::vector<T> grown(room);
      grown.reserve(room + items_.size());
      for (auto& item : items_) grown.push_back(std::move(item));
      items_.swap(grown);
      head_ = room;
    }
    items_[--head_] = std::move(value);
  }
  void pop_front() {
    if (++head_ == items_.size()) {
      clear();
    } else if (head_ >= 32 && head_ * 2 >= items_.size()) {
      // Compact once the dead prefix is at least half: each element moves O(1) times.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  // Empties the queue and gives its memory back.
  void clear() {
    std::vector<T>().swap(items_);
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

// A token bucket in GCRA form (a "theoretical arrival time" instead of a token count): `rate`
// calls per second on average, up to `burst` back to back after an idle period. A caller that
// takes at most `slack` after its slot keeps the schedule: the next slot is one interval after the
// missed one, not after `now` (with burst 1 and no slack, timer lateness is lost for good: at
// 1000/s, 0.2 ms late per call costs 20% of the rate). Never earlier than the ideal schedule.
class TokenBucket {
 public:
  TokenBucket() : TokenBucket(1.0, 1.0) {}
  TokenBucket(double rate, double burst, core::Duration slack = core::Duration::zero());

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
  core::Duration slack_{};
  core::Duration interval_{};
  core::Duration tolerance_{};
  core::TimePoint tat_{};
};

// At most `limit` calls started in any `window` (a sliding log of start times, exact). Holds at
// most `limit` entries; the global budget uses it with limit = calls per second.
class SlidingWindow {
 public:
  SlidingWindow() : SlidingWindow(20, std::chrono::minutes(1)) {}
  SlidingWindow(int limit, core::Duration window);

  // Changes limit and window; calls already logged keep counting.
  void set(int limit, core::Duration window);
  // The earliest time a call conforms. With `below` (at most the limit), the time the window
  // holds fewer than `below` calls: how a class leaves part of the window to others.
  [[nodiscard]] core::TimePoint ready_at(core::TimePoint now);
  [[nodiscard]] core::TimePoint ready_at(core::TimePoint now, std::size_t below);
  void take(core::TimePoint now);
  [[nodiscard]] bool idle(core::TimePoint now);
  // Calls in the window ending at `now`.
  [[nodiscard]] std::size_t count(core::TimePoint now);
  [[nodiscard]] std::size_t limit() const { return limit_; }
  [[nodiscard]] core::Duration window() const { return window_; }

 private:
  void prune(core::TimePoint now);
  std::size_t limit_;
  core::Duration window_;
  SmallFifo<core::TimePoint> hits_;
};

// The window holding `rate` calls per second: `limit` = the whole calls in one second (at least
// 1), over `limit / rate` seconds (1 s for whole rates), plus `guard` so that jitter between our
// start and Telegram's arrival cannot put one call too many in a second as Telegram counts it.
struct WindowShape {
  int limit;
  core::Duration window;
};
[[nodiscard]] WindowShape window_for(double rate, core::Duration guard);

}  // namespace corebot::outbox
