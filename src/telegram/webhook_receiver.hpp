// Receives updates by webhook: our HTTP server takes Telegram's POSTs, checks the secret token
// header, and answers 200 only after the update was handled, so Telegram re-sends what a crash
// interrupted. On start it calls setWebhook with the public URL, secret and allowed_updates.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "telegram/bot_api_client.hpp"
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
};

class WebhookReceiver {
 public:
  WebhookReceiver(net::EventLoop& loop, BotApiClient& client, WebhookOptions options,
                  DeliverUpdate deliver, FatalError fatal);
  ~WebhookReceiver();

  // Starts the HTTP server (throws std::runtime_error when it cannot listen), then registers the
  // webhook with Telegram, retrying transport errors; a 401 is fatal.
  void start();
  // Stops taking updates (Telegram keeps them and retries later).
  void stop();
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::uint64_t rejected() const { return rejected_; }

  // A random secret suitable for the secret token header.
  static std::string random_secret();

 private:
  void on_request(net::HttpRequest request, net::Respond respond);
  void register_webhook(int attempt);

  net::EventLoop& loop_;
  BotApiClient& client_;
  WebhookOptions options_;
  DeliverUpdate deliver_;
  FatalError fatal_;
  std::unique_ptr<net::HttpServer> server_;
  std::uint64_t rejected_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::telegram
