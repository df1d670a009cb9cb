#include "telegram/webhook_receiver.hpp"

#include <boost/json.hpp>

#include <random>

#include "core/log.hpp"
#include "core/secrets.hpp"

namespace corebot::telegram {
namespace json = boost::json;

namespace {

net::HttpResponse status(int code, std::string text) {
  net::HttpResponse r;
  r.status = code;
  r.content_type = "text/plain";
  r.body = std::move(text);
  return r;
}

}  // namespace

WebhookReceiver::WebhookReceiver(core::Executor& executor, ApiTransport transport,
                                 WebhookOptions options, DeliverUpdate deliver, FatalError fatal)
    : executor_(executor),
      transport_(std::move(transport)),
      options_(std::move(options)),
      deliver_(std::move(deliver)),
      fatal_(std::move(fatal)),
      backoff_(options_.backoff, options_.backoff_seed.value_or(core::Backoff::random_seed())) {
  if (options_.secret.empty()) options_.secret = random_secret();
}

WebhookReceiver::~WebhookReceiver() {
  *alive_ = false;
  stop();
}

std::string WebhookReceiver::random_secret() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::random_device device;
  std::string secret(48, ' ');
  for (char& c : secret) c = kAlphabet[device() % kAlphabet.size()];
  return secret;
}

void WebhookReceiver::start(net::EventLoop& loop) {
  stopped_ = false;
  net::HttpServerOptions server_options;
  server_options.host = options_.listen_host;
  server_options.port = options_.listen_port;
  server_options.max_body_bytes = options_.max_body_bytes;
  server_options.check = [this](const net::HttpRequest& head) { return check_head(head); };
  server_ = std::make_unique<net::HttpServer>(
      loop, server_options, [this](net::HttpRequest request, net::Respond respond) {
        handle(std::move(request), std::move(respond));
      });
  server_->start();
  COREBOT_LOG_INFO("webhook: listening on {}:{}{}", options_.listen_host, server_->port(),
                   options_.path);
  register_webhook();
}

void WebhookReceiver::stop() {
  stopped_ = true;
  if (retry_timer_) {
    executor_.cancel(*retry_timer_);
    retry_timer_.reset();
  }
  if (server_) server_->stop();
}

std::uint16_t WebhookReceiver::port() const { return server_ ? server_->port() : 0; }

net::HttpServerStats WebhookReceiver::server_stats() const {
  return server_ ? server_->stats() : net::HttpServerStats{};
}

std::optional<net::HttpResponse> WebhookReceiver::refusal(const net::HttpRequest& head) {
  if (head.path != options_.path) return status(404, "not found");
  if (head.method != "POST") return status(405, "POST only");
  auto secret = head.header("x-telegram-bot-api-secret-token");
  if (!secret || !core::same_secret(*secret, options_.secret)) {
    ++rejected_;
    if (log_throttle_.allow(std::chrono::steady_clock::now())) {
      const auto left_out = log_throttle_.take_suppressed();
      COREBOT_LOG_WARN("webhook: rejected a request from {} without the right secret token{}",
                       core::loggable(head.remote_address),
                       left_out ? " (" + std::to_string(left_out) + " more refusals not logged)"
                                : std::string());
    }
    return status(401, "wrong secret token");
  }
  return std::nullopt;
}

net::HeadDecision WebhookReceiver::check_head(const net::HttpRequest& head) {
  net::HeadDecision decision;
  decision.refuse = refusal(head);
  decision.max_body_bytes = options_.max_body_bytes;
  return decision;
}

void WebhookReceiver::handle(net::HttpRequest request, net::Respond respond) {
  if (auto refused = refusal(request)) return respond(std::move(*refused));
  boost::system::error_code ec;
  json::value update = json::parse(request.body, ec);
  if (ec) {
    ++rejected_;
    if (log_throttle_.allow(std::chrono::steady_clock::now())) {
      log_throttle_.take_suppressed();
      COREBOT_LOG_WARN("webhook: dropped a body that is not JSON ({}): {}", ec.message(),
                       core::loggable(request.body));
    }
    return respond(status(200, ""));
  }
  deliver_(std::make_shared<const json::value>(std::move(update)),
           [respond = std::move(respond)] { respond(status(200, "")); });
}

std::string WebhookReceiver::webhook_url() const {
  std::string url = options_.public_url;
  if (!url.empty() && url.back() == ':') url += std::to_string(port()) + options_.path;
  return url;
}

void WebhookReceiver::register_webhook() {
  const std::string url = webhook_url();
  json::array allowed;
  for (const auto& kind : options_.allowed_updates) allowed.emplace_back(kind);
  json::object params{
      {"url", url}, {"secret_token", options_.secret}, {"allowed_updates", std::move(allowed)}};
  std::weak_ptr<bool> alive = alive_;
  transport_({"setWebhook", std::move(params), {}}, [this, alive, url](ApiResult r) {
    if (!alive.lock() || stopped_) return;
    if (r.ok) {
      backoff_.reset();
      return COREBOT_LOG_INFO("webhook: registered {}", url);
    }
    if (auto message = rejected_token(r.error)) return fatal_(*message);
    if (!r.error.retryable()) {
      return fatal_("setWebhook failed for " + url + ": " + std::to_string(r.error.error_code) +
                    " " + r.error.description);
    }
    const core::Duration delay = backoff_.next();
    COREBOT_LOG_WARN("webhook: setWebhook failed ({}), retrying in {} ms", r.error.description,
                     core::to_millis(delay));
    retry_timer_ = executor_.after(delay, [this, alive] {
      if (!alive.lock()) return;
      retry_timer_.reset();
      register_webhook();
    });
  });
}

}  // namespace corebot::telegram
