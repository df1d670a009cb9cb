// In-memory timers for a module: run a function after a delay or every interval, on the loop
// thread. They do not survive a restart (use Jobs for that) and are all cancelled when the module
// stops.
#pragma once

#include <cstdint>
#include <functional>

#include "corebot/clock.hpp"

namespace corebot {

class Timers {
 public:
  using Id = std::uint64_t;  // never 0
  virtual ~Timers() = default;
  // Runs `fn` once after `delay`. An exception from `fn` is caught, logged with the module's name
  // and counted as a module error.
  virtual Id after(Duration delay, std::function<void()> fn) = 0;
  // Runs `fn` every `interval` (> 0), the first time one interval from now, until cancelled.
  // A run that takes long does not make runs pile up: the next is one interval after it started.
  virtual Id every(Duration interval, std::function<void()> fn) = 0;
  // Cancels a timer; a no-op for one that already ran (once) or was cancelled.
  virtual void cancel(Id id) = 0;
};

}  // namespace corebot
