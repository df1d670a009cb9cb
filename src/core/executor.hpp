// What timed logic (the outbox, the user tracker) needs from an event loop: run a function soon, or
// after a delay. An interface so the Outbox is tested against a manual executor driven by a
// ManualClock (manual_executor.hpp) and runs on net::EventLoop in production
// (event_loop_executor.hpp).
#pragma once

#include <cstdint>
#include <functional>

#include "core/clock.hpp"

namespace corebot::core {

class Executor {
 public:
  using TimerId = std::uint64_t;
  virtual ~Executor() = default;
  // Queues fn to run on the executor's thread, after the caller returns.
  virtual void post(std::function<void()> fn) = 0;
  // Runs fn once after `delay` on the executor's thread, unless cancelled first.
  virtual TimerId after(core::Duration delay, std::function<void()> fn) = 0;
  // Cancels a pending timer; a no-op when it already ran or was cancelled.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace corebot::core
