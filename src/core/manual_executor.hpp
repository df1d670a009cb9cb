// An Executor for tests: nothing runs until the test says so, and timers follow a ManualClock.
// Header-only so test binaries of other parts can use it too.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <utility>

#include "core/clock.hpp"
#include "core/executor.hpp"

namespace corebot::core {

class ManualExecutor final : public Executor {
 public:
  explicit ManualExecutor(core::ManualClock& clock) : clock_(clock) {}

  void post(std::function<void()> fn) override { posted_.push_back(std::move(fn)); }
  TimerId after(core::Duration delay, std::function<void()> fn) override {
    const TimerId id = next_id_++;
    timers_.emplace(std::pair{clock_.now() + delay, id}, std::move(fn));
    return id;
  }
  void cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  // Runs posted functions and due timers until none is left. Returns how many ran.
  std::size_t run_ready() {
    std::size_t ran = 0;
    for (;;) {
      if (!posted_.empty()) {
        auto fn = std::move(posted_.front());
        posted_.pop_front();
        fn();
        ++ran;
        continue;
      }
      if (!timers_.empty() && timers_.begin()->first.first <= clock_.now()) {
        auto fn = std::move(timers_.begin()->second);
        timers_.erase(timers_.begin());
        fn();
        ++ran;
        continue;
      }
      return ran;
    }
  }

  // Moves the clock forward by `d`, stopping at each timer on the way to run it at its time.
  void advance(core::Duration d) {
    const core::TimePoint target = clock_.now() + d;
    run_ready();
    while (!timers_.empty() && timers_.begin()->first.first <= target) {
      const core::TimePoint at = timers_.begin()->first.first;
      if (at > clock_.now()) clock_.advance(at - clock_.now());
      run_ready();
    }
    if (target > clock_.now()) clock_.advance(target - clock_.now());
    run_ready();
  }

  [[nodiscard]] std::size_t pending_timers() const { return timers_.size(); }
  [[nodiscard]] core::TimePoint now() const { return clock_.now(); }

 private:
  core::ManualClock& clock_;
  std::deque<std::function<void()>> posted_;
  std::map<std::pair<core::TimePoint, TimerId>, std::function<void()>> timers_;
  TimerId next_id_ = 1;
};

}  // namespace corebot::core
