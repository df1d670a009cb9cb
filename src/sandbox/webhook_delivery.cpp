#include "sandbox/webhook_delivery.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

#include "core/log.hpp"
#include "sandbox/faults.hpp"

namespace corebot::sandbox {

WebhookDelivery::WebhookDelivery(net::EventLoop& loop, net::HttpClient& client,
                                 const core::Clock& clock, WebhookOptions options)
    : loop_(loop), client_(client), clock_(clock), options_(options) {}

WebhookDelivery::~WebhookDelivery() { stop(); }

void WebhookDelivery::stop() {
  *alive_ = false;
  for (auto& [bot, delivery] : deliveries_) {
    if (delivery.retry) loop_.cancel(*delivery.retry);
    delivery.retry.reset();
  }
}

void WebhookDelivery::kick(Bot& bot) {
  if (!*alive_) return;
  Delivery& d = deliveries_[&bot];
  if (d.generation != bot.webhook_generation) {
    // A new (or removed) webhook starts afresh; an answer for the old one is ignored.
    if (d.retry) loop_.cancel(*d.retry);
    d = Delivery{};
    d.generation = bot.webhook_generation;
  }
  if (!bot.webhook || bot.updates().empty() || d.in_flight || d.retry) return;

  const Update& update = bot.updates().front();
  net::HttpClientRequest request;
  request.method = "POST";
  request.url = bot.webhook->url;
  request.content_type = "application/json";
  request.body = update.text();
  request.timeout = options_.request_timeout;
  if (!bot.webhook->secret_token.empty()) {
    request.headers.emplace_back("X-Telegram-Bot-Api-Secret-Token", bot.webhook->secret_token);
  }
  d.in_flight = true;
  const std::uint64_t generation = d.generation;
  const std::int64_t update_id = update.update_id;
  client_.send(std::move(request), [this, alive = alive_, &bot, generation,
                                    update_id](net::HttpClientResponse response) {
    if (*alive) finished(bot, generation, update_id, response);
  });
}

void WebhookDelivery::finished(Bot& bot, std::uint64_t generation, std::int64_t update_id,
                               const net::HttpClientResponse& response) {
  Delivery& d = deliveries_[&bot];
  if (d.generation != generation) {
    kick(bot);
    return;
  }
  d.in_flight = false;
  if (response.status >= 200 && response.status < 300) {
    auto& updates = bot.updates();
    if (!updates.empty() && updates.front().update_id == update_id) updates.pop_front();
    d.backoff = std::chrono::milliseconds(0);
    kick(bot);
    return;
  }
  if (bot.webhook) {
    bot.webhook->last_error_date =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.wall().time_since_epoch()).count();
    bot.webhook->last_error_message =
        response.status == 0
            ? (response.error.empty() ? "Connection failed" : response.error)
            : "Wrong response from the webhook: " + std::to_string(response.status) + " " +
                  std::string(status_reason(response.status));
    COREBOT_LOG_DEBUG("sandbox: webhook of bot {} failed: {}", bot.id(),
                      bot.webhook->last_error_message);
  }
  d.backoff = d.backoff.count() == 0 ? options_.initial_backoff
                                     : std::min(d.backoff * 2, options_.max_backoff);
  d.retry = loop_.after(d.backoff, [this, alive = alive_, &bot, generation] {
    if (!*alive) return;
    Delivery& again = deliveries_[&bot];
    if (again.generation == generation) again.retry.reset();
    kick(bot);
  });
}

}  // namespace corebot::sandbox
