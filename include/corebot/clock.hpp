// Time as the engine and its modules see it. Everything that waits, limits or times out takes a
// Clock, so tests drive time by hand and never sleep.
#pragma once

#include <chrono>

namespace corebot {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for scheduling and limits.
  [[nodiscard]] virtual TimePoint now() const = 0;
  // Wall-clock time, for timestamps shown to people, stored in documents, and for jobs due at a
  // date.
  [[nodiscard]] virtual WallTime wall() const = 0;
};

}  // namespace corebot
