// Pushes queued updates to a bot's webhook, as Telegram does: one update per POST with the
// update's JSON as the body and the X-Telegram-Bot-Api-Secret-Token header when a secret is set.
// A 2xx answer removes the update; anything else (or no answer) records last_error_date and
// last_error_message on the webhook and retries the same update after an exponential backoff.
// Updates go out one at a time per bot, so their order is kept.
//
// Used on the event loop thread only.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "core/clock.hpp"
#include "net/event_loop.hpp"
#include "net/http_client.hpp"
#include "sandbox/state.hpp"

namespace corebot::sandbox {

struct WebhookOptions {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds request_timeout{10000};
};

class WebhookDelivery {
 public:
  WebhookDelivery(net::EventLoop& loop, net::HttpClient& client, const core::Clock& clock,
                  WebhookOptions options = {});
  ~WebhookDelivery();
  WebhookDelivery(const WebhookDelivery&) = delete;
  WebhookDelivery& operator=(const WebhookDelivery&) = delete;

  // Starts pushing `bot`'s oldest update when its webhook is set, updates are waiting and no
  // push or retry is pending. Call after an update was queued or the webhook changed.
  void kick(Bot& bot);
  // Cancels retries; answers arriving later are ignored.
  void stop();

 private:
  struct Delivery {
    bool in_flight = false;
    std::optional<net::EventLoop::TimerId> retry;
    std::chrono::milliseconds backoff{0};
    std::uint64_t generation = 0;
  };
  void finished(Bot& bot, std::uint64_t generation, std::int64_t update_id,
                const net::HttpClientResponse& response);

  net::EventLoop& loop_;
  net::HttpClient& client_;
  const core::Clock& clock_;
  WebhookOptions options_;
  std::map<Bot*, Delivery> deliveries_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::sandbox
