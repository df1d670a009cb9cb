// Time as the engine sees it. Everything that waits, limits or times out takes a Clock&, so tests
// drive time with ManualClock and never sleep.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "corebot/clock.hpp"

namespace corebot::core {

// The interface is public (modules get a Clock); the engine names it core::Clock.
using corebot::Clock;
using corebot::Duration;
using corebot::TimePoint;

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] std::chrono::system_clock::time_point wall() const override {
    return std::chrono::system_clock::now();
  }
  // The process-wide instance; stateless, so sharing it is safe.
  static SystemClock& instance();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(1))
      : now_(start.time_since_epoch().count()) {}
  [[nodiscard]] TimePoint now() const override { return TimePoint{Duration{now_.load()}}; }
  [[nodiscard]] std::chrono::system_clock::time_point wall() const override {
    return std::chrono::system_clock::time_point{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(Duration{now_.load()})};
  }
  void advance(Duration d) { now_ += d.count(); }

 private:
  std::atomic<Duration::rep> now_;
};

// Milliseconds since an arbitrary epoch; handy for logs and JSON.
inline long long to_millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The clock's wall time in Unix milliseconds, the form timestamps take in documents and JSON.
inline std::int64_t wall_millis(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall().time_since_epoch())
      .count();
}

}  // namespace corebot::core
