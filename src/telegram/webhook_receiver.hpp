// Receives updates by webhook: our HTTP server takes Telegram's POSTs on `path` (another path:
// 404; another method: 405), checks the secret token header with a constant-time compare (wrong
// or missing: 401, nothing delivered) as soon as the headers arrived, before a byte of the body
// is read (check_head, the server's HeaderCheck), and answers 200 only after the update was
// handled, so
// Telegram re-sends what a crash interrupted. A body that is not JSON is dropped with 200: Telegram
// would re-send the same broken body forever. On start it calls setWebhook with the public URL,
// secret and allowed_updates; transport errors, 429 and 5xx are retried after core::Backoff's
// delay, 401/404 (the token was rejected) and other errors are fatal.
//
// Threading: everything runs on the executor's thread (the loop's), and the transport must answer
// there; a request's `respond` may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.hpp"
#include "core/executor.hpp"
#include "core/log_throttle.hpp"
#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "telegram/api_call.hpp"
#include "telegram/update_source.hpp"

namespace corebot::telegram {

struct WebhookOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;  // 0: any free port (tests)
  std::string path = "/telegram";
  std::string public_url;  // what Telegram posts to; the listen port is appended when it ends ':'
  std::string secret;      // X-Telegram-Bot-Api-Secret-Token; 1-256 of A-Z a-z 0-9 _ -
  std::vector<std::string> allowed_updates;
  std::size_t max_body_bytes = 1 << 20;
  core::BackoffOptions backoff;               // delays between failed setWebhook calls
  std::optional<std::uint64_t> backoff_seed;  // jitter; unset: random (tests fix it)
};

class WebhookReceiver {
 public:
  // Borrows the executor (it must outlive the receiver). Production: transport wraps
  // BotApiClient::call and the executor runs on the engine's event loop. An empty secret is
  // replaced by random_secret().
  WebhookReceiver(core::Executor& executor, ApiTransport transport, WebhookOptions options,
                  DeliverUpdate deliver, FatalError fatal);
  // Stops the server; answers and `handled` callbacks arriving afterwards are ignored.
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  // Starts the HTTP server on `loop` (throws std::runtime_error when it cannot listen; the loop
  // must outlive the receiver), then register_webhook().
  void start(net::EventLoop& loop);
  // Calls setWebhook, and again after each retryable failure until it succeeds or stop().
  void register_webhook();
  // Stops taking updates (Telegram keeps them and retries later) and registering the webhook.
  void stop();

  // Decides on a request's headers alone: 404, 405 or 401 at once, else the body limit
  // (max_body_bytes). The server calls it before reading the body; tests too.
  [[nodiscard]] net::HeadDecision check_head(const net::HttpRequest& head);
  // Answers one request to the server, as described above (check_head included); the server
  // calls it, tests too.
  void handle(net::HttpRequest request, net::Respond respond);

  [[nodiscard]] std::uint16_t port() const;
  // The HTTP server's counters (connections, pauses at the cap, refusals); zero before start().
  [[nodiscard]] net::HttpServerStats server_stats() const;
  // Requests refused for their secret, and bodies dropped for not being JSON.
  [[nodiscard]] std::uint64_t rejected() const { return rejected_; }

  // A random secret suitable for the secret token header.
  static std::string random_secret();

 private:
  std::string webhook_url() const;
  // The answer to a request refused on its headers, counted and logged; nullopt: accepted.
  std::optional<net::HttpResponse> refusal(const net::HttpRequest& head);

  core::Executor& executor_;
  ApiTransport transport_;
  WebhookOptions options_;
  DeliverUpdate deliver_;
  FatalError fatal_;
  core::Backoff backoff_;
  std::unique_ptr<net::HttpServer> server_;
  std::uint64_t rejected_ = 0;
  // Refusals are logged at most 10 times a minute: a flood of them must not flood the log.
  core::LogThrottle log_throttle_{10, std::chrono::minutes(1)};
  bool stopped_ = false;
  std::optional<core::Executor::TimerId> retry_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::telegram
