// Runs the Outbox on the engine's net::EventLoop. In its own target (corebot_outbox_loop) so the
// outbox library and its tests do not link the network stack.
#pragma once

#include "core/executor.hpp"
#include "net/event_loop.hpp"

namespace corebot::outbox {

using core::Executor;

// Borrows the loop; the loop must outlive this adapter and everything that uses it.
class EventLoopExecutor final : public Executor {
 public:
  explicit EventLoopExecutor(net::EventLoop& loop) : loop_(loop) {}
  void post(std::function<void()> fn) override;
  TimerId after(core::Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;

 private:
  net::EventLoop& loop_;
};

}  // namespace corebot::outbox
