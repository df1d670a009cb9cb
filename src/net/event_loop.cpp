#include "net/event_loop.hpp"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <unordered_map>
#include <utility>

#include "core/log.hpp"

namespace corebot::net {

namespace asio = boost::asio;

struct EventLoop::State {
  // Declared first so it is destroyed last: timers and the guard refer to it.
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  // Only touched on the loop thread (after() and cancel() hop there), so no lock is needed.
  std::unordered_map<TimerId, std::unique_ptr<asio::steady_timer>> timers;
  std::atomic<TimerId> next_timer_id{1};
};

EventLoop::EventLoop() : state_(std::make_unique<State>()) {}

EventLoop::~EventLoop() {
  // Cancel before the io_context tears down so no timer handler runs against a dead map.
  state_->timers.clear();
}

void EventLoop::run() { state_->io.run(); }

void EventLoop::run_for(std::chrono::milliseconds limit) { state_->io.run_for(limit); }

void EventLoop::stop() { state_->io.stop(); }

bool EventLoop::stopped() const { return state_->io.stopped(); }

void EventLoop::post(std::function<void()> fn) {
  asio::post(state_->io, [fn = std::move(fn)]() {
    try {
      fn();
    } catch (const std::exception& e) {
      // One faulty callback must not take the whole engine down with it.
      COREBOT_LOG_ERROR("event loop: callback threw: {}", e.what());
    }
  });
}

EventLoop::TimerId EventLoop::after(std::chrono::steady_clock::duration delay,
                                    std::function<void()> fn) {
  const TimerId id = state_->next_timer_id.fetch_add(1);
  State* state = state_.get();
  // dispatch: inline on the loop thread, queued otherwise, so the map is only touched there.
  asio::dispatch(state->io, [state, id, delay, fn = std::move(fn)]() mutable {
    auto timer = std::make_unique<asio::steady_timer>(state->io, delay);
    timer->async_wait([state, id, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled
      auto it = state->timers.find(id);
      if (it == state->timers.end()) return;
      // Erase first: fn may call after() or cancel(id) itself.
      auto keep = std::move(it->second);
      state->timers.erase(it);
      try {
        fn();
      } catch (const std::exception& e) {
        COREBOT_LOG_ERROR("event loop: timer callback threw: {}", e.what());
      }
    });
    state->timers.emplace(id, std::move(timer));
  });
  return id;
}

void EventLoop::cancel(TimerId id) {
  State* state = state_.get();
  asio::dispatch(state->io, [state, id]() {
    auto it = state->timers.find(id);
    if (it == state->timers.end()) return;
    it->second->cancel();
    state->timers.erase(it);
  });
}

void* EventLoop::native_handle() { return &state_->io; }

namespace {

// Shared with the pending async_wait, which may complete after SignalWatch is gone.
struct SignalTarget : std::enable_shared_from_this<SignalTarget> {
  SignalTarget(asio::io_context& io, std::function<void(int)> fn)
      : signals(io, SIGINT, SIGTERM), on_signal(std::move(fn)) {}

  void wait() {
    signals.async_wait([self = shared_from_this()](const boost::system::error_code& ec, int signo) {
      if (ec || self->cancelled) return;
      self->on_signal(signo);
      if (!self->cancelled) self->wait();
    });
  }

  asio::signal_set signals;
  std::function<void(int)> on_signal;
  bool cancelled = false;
};

}  // namespace

struct SignalWatch::State {
  std::shared_ptr<SignalTarget> target;
};

SignalWatch::SignalWatch(EventLoop& loop, std::function<void(int)> on_signal)
    : state_(std::make_unique<State>()) {
  auto& io = *static_cast<asio::io_context*>(loop.native_handle());
  state_->target = std::make_shared<SignalTarget>(io, std::move(on_signal));
  state_->target->wait();
}

SignalWatch::~SignalWatch() {
  state_->target->cancelled = true;
  boost::system::error_code ec;
  state_->target->signals.cancel(ec);
}

}  // namespace corebot::net
