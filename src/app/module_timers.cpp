#include "app/module_timers.hpp"

#include <stdexcept>

namespace corebot::app {

ModuleTimers::ModuleTimers(core::Executor& executor, ErrorSink on_error)
    : executor_(executor), on_error_(std::move(on_error)) {}

ModuleTimers::~ModuleTimers() { cancel_all(); }

Timers::Id ModuleTimers::after(Duration delay, std::function<void()> fn) {
  const Id id = next_id_++;
  timers_[id] = Timer{std::move(fn), Duration::zero(), 0};
  arm(id, delay);
  return id;
}

Timers::Id ModuleTimers::every(Duration interval, std::function<void()> fn) {
  if (interval <= Duration::zero()) throw std::invalid_argument("Timers::every: interval <= 0");
  const Id id = next_id_++;
  timers_[id] = Timer{std::move(fn), interval, 0};
  arm(id, interval);
  return id;
}

void ModuleTimers::cancel(Id id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  executor_.cancel(it->second.executor_id);
  timers_.erase(it);
}

void ModuleTimers::cancel_all() {
  for (const auto& [id, timer] : timers_) executor_.cancel(timer.executor_id);
  timers_.clear();
}

void ModuleTimers::arm(Id id, Duration delay) {
  std::weak_ptr<char> alive = alive_;
  timers_.at(id).executor_id = executor_.after(delay, [this, alive, id] {
    if (alive.lock()) fire(id);
  });
}

void ModuleTimers::fire(Id id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  // Re-armed before the run, one interval after it starts: a slow run delays nothing else, and
  // the function may cancel its own timer.
  auto fn = it->second.fn;
  if (it->second.interval > Duration::zero()) {
    arm(id, it->second.interval);
  } else {
    timers_.erase(it);
  }
  try {
    fn();
  } catch (const std::exception& e) {
    if (on_error_) on_error_(std::string("timer failed: ") + e.what());
  }
}

}  // namespace corebot::app
