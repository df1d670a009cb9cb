// The engine's single event loop. Wraps Boost.Asio's io_context without exposing it, so files
// outside net/ never include Asio (Asio/Beast translation units are slow to compile).
//
// Threading: run() is called on one thread (the loop thread). post() and stop() may be called from
// any thread. Timers and callbacks always run on the loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace corebot::net {

class EventLoop {
 public:
  using TimerId = std::uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs handlers until stop() is called (the loop does not return when it runs out of work).
  void run();
  // Runs ready handlers for at most `limit`, then returns; for tests.
  void run_for(std::chrono::milliseconds limit);
  // Makes run() return as soon as possible. Thread-safe. Final: afterwards run() and run_for()
  // return at once, so a stop() that races ahead of run() on another thread is not lost.
  void stop();
  [[nodiscard]] bool stopped() const;

  // Queues fn to run on the loop thread. Thread-safe.
  void post(std::function<void()> fn);

  // Runs fn once after `delay` (real time) on the loop thread, unless cancelled first.
  // Thread-safe, as is cancel(). An exception escaping fn (or a posted fn) is logged and dropped.
  TimerId after(std::chrono::steady_clock::duration delay, std::function<void()> fn);
  // Cancels a pending timer; a no-op when it already ran or was cancelled.
  void cancel(TimerId id);

  // The underlying boost::asio::io_context, for code inside net/ only.
  [[nodiscard]] void* native_handle();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Calls `on_signal(signo)` on the loop thread when SIGINT or SIGTERM arrives. Keep the returned
// object alive for as long as signals should be watched; create and destroy it on the loop thread
// (or while the loop is not running).
class SignalWatch {
 public:
  SignalWatch(EventLoop& loop, std::function<void(int)> on_signal);
  ~SignalWatch();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace corebot::net
