// A module's Timers (corebot/timers.hpp) on the engine's executor. Every timer is the module's:
// cancel_all() at the module's stop ends them, and an exception from one is reported as the
// module's error instead of reaching the event loop.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/executor.hpp"
#include "corebot/timers.hpp"

namespace corebot::app {

class ModuleTimers final : public Timers {
 public:
  using ErrorSink = std::function<void(const std::string& message)>;
  ModuleTimers(core::Executor& executor, ErrorSink on_error);
  ~ModuleTimers() override;

  Id after(Duration delay, std::function<void()> fn) override;
  Id every(Duration interval, std::function<void()> fn) override;
  void cancel(Id id) override;
  void cancel_all();
  [[nodiscard]] std::size_t active() const { return timers_.size(); }

 private:
  void arm(Id id, Duration delay);
  void fire(Id id);

  struct Timer {
    std::function<void()> fn;
    Duration interval{};  // zero: once
    core::Executor::TimerId executor_id = 0;
  };
  core::Executor& executor_;
  ErrorSink on_error_;
  std::map<Id, Timer> timers_;
  Id next_id_ = 1;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::app
