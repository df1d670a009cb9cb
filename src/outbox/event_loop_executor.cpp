#include "outbox/event_loop_executor.hpp"

#include <utility>

#include "outbox/outbox.hpp"

namespace corebot::outbox {

void EventLoopExecutor::post(std::function<void()> fn) { loop_.post(std::move(fn)); }

Executor::TimerId EventLoopExecutor::after(core::Duration delay, std::function<void()> fn) {
  return loop_.after(delay, std::move(fn));
}

void EventLoopExecutor::cancel(TimerId id) { loop_.cancel(id); }

std::unique_ptr<Executor> make_event_loop_executor(net::EventLoop& loop) {
  return std::make_unique<EventLoopExecutor>(loop);
}

}  // namespace corebot::outbox
