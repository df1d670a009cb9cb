// One bot, wired: Bot API client -> outbox -> dispatcher -> modules, fed by long polling or a
// webhook. Owns the lifecycle: start (token check, commands, receiving) and a graceful stop that
// lets in-flight updates finish and the outbox drain before the process exits.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "corebot/registry.hpp"
#include "net/event_loop.hpp"

namespace corebot {
class Content;
}

namespace corebot::dispatch {
class Dispatcher;
}

namespace corebot::app {

class Engine {
 public:
  // `registry` must outlive the engine. Nothing happens before start().
  Engine(EngineConfig config, net::EventLoop& loop, const ModuleRegistry& registry);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Checks the token (getMe), publishes the modules' commands, then receives updates. A rejected
  // token or a webhook that cannot listen makes the engine stop with exit_code() 2.
  // `stopped` runs on the loop thread once the engine has stopped, for whatever reason.
  // Loop thread.
  void start(std::function<void()> stopped);
  // Stops receiving, waits (up to shutdown_grace) for in-flight updates and queued replies, then
  // calls `done` on the loop thread. Safe to call more than once; later calls only add `done`.
  void stop(std::function<void()> done);

  // 0 after a normal stop, 2 after a fatal error.
  [[nodiscard]] int exit_code() const;
  // The bot's @username once getMe answered.
  [[nodiscard]] std::string username() const;
  // Prometheus text: dispatcher and outbox counters.
  [[nodiscard]] std::string metrics_text() const;
  [[nodiscard]] Sender& sender();
  // The live spreadsheet (nullptr without one); `corebot demo` reads its admins.
  [[nodiscard]] std::shared_ptr<const Content> content() const;
  // Called on the loop thread after a reload made new content live (not while stopping).
  void on_content_swapped(std::function<void()> listener);
  [[nodiscard]] const dispatch::Dispatcher& dispatcher() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace corebot::app
