// The sandbox: a local Telegram Bot API emulator with a control API and a web chat page, served by
// one HTTP server on the given EventLoop. See docs/sandbox.md for what it emulates.
//
//   /bot<token>/<method>        the Bot API (BotApi)
//   /file/bot<token>/<path>     downloads of uploaded files (getFile's file_path)
//   /control/...                the control API (ControlApi)
//   /                           the web chat page
//
// Threading: construct, start() and stop() either before the loop runs / after it stopped, or on
// the loop thread. Everything else runs on the loop thread. port() is safe after start().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "net/event_loop.hpp"
#include "sandbox/bot_api.hpp"
#include "sandbox/limiter.hpp"
#include "sandbox/webhook_delivery.hpp"

namespace corebot::net {
class HttpClient;
class HttpServer;
}  // namespace corebot::net

namespace corebot::sandbox {

class ControlApi;

struct SandboxOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;           // 0 picks a free port
  std::vector<std::string> tokens;  // bots registered at start; must be valid tokens
  LimitSettings limits;
  // Limits and timestamps follow a ManualClock moved by POST /control/clock/advance. Long-poll
  // timeouts, injected latency and webhook retries still use real time.
  bool manual_clock = false;
  BotApiOptions bot_api;
  WebhookOptions webhook;
};

class Sandbox {
 public:
  // Throws std::invalid_argument when a token in options is malformed.
  Sandbox(net::EventLoop& loop, SandboxOptions options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Binds and starts serving. Throws std::runtime_error when the address cannot be bound.
  void start();
  // Answers waiting long polls, stops webhook pushes and closes the server. Idempotent.
  void stop();
  // The bound port (after start()).
  [[nodiscard]] std::uint16_t port() const;
  // "http://<host>:<port>" (after start()).
  [[nodiscard]] std::string base_url() const;

  // The model, for embedding code (e.g. the demo command registering bots); loop thread only.
  [[nodiscard]] SandboxState& state() { return *state_; }
  [[nodiscard]] const core::Clock& clock() const { return *clock_; }

 private:
  void route(const net::HttpRequest& request, net::Respond respond);
  void serve_file(const net::HttpRequest& request, net::Respond& respond);
  void fetch_linked(Bot& bot, const StoredFile& file, net::Respond respond);

  net::EventLoop& loop_;
  SandboxOptions options_;
  std::unique_ptr<core::ManualClock> manual_clock_;
  const core::Clock* clock_;
  std::unique_ptr<SandboxState> state_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<FaultSet> faults_;
  std::unique_ptr<Feed> calls_;
  std::unique_ptr<net::HttpClient> client_;
  std::unique_ptr<WebhookDelivery> delivery_;
  std::unique_ptr<BotApi> bot_api_;
  std::unique_ptr<ControlApi> control_api_;
  std::unique_ptr<net::HttpServer> server_;
  bool stopped_ = false;
};

// The embedded web chat page (webchat.html).
std::string_view webchat_page();

}  // namespace corebot::sandbox
