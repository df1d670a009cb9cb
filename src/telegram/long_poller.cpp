#include "telegram/long_poller.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <random>

#include "core/log.hpp"

namespace corebot::telegram {
namespace json = boost::json;

LongPoller::LongPoller(net::EventLoop& loop, BotApiClient& client, LongPollerOptions options,
                       DeliverUpdate deliver, FatalError fatal)
    : loop_(loop),
      client_(client),
      options_(std::move(options)),
      deliver_(std::move(deliver)),
      fatal_(std::move(fatal)) {}

LongPoller::~LongPoller() {
  *alive_ = false;
  if (retry_timer_) loop_.cancel(retry_timer_);
}

void LongPoller::start() {
  stopping_ = false;
  poll();
}

void LongPoller::stop(std::function<void()> stopped) {
  stopping_ = true;
  stopped_ = std::move(stopped);
  if (retry_timer_) {
    loop_.cancel(retry_timer_);
    retry_timer_ = 0;
  }
  if (!batch_in_hand_) confirm_and_stop();
}

void LongPoller::poll() {
  if (stopping_) return confirm_and_stop();
  json::object params{
      {"offset", offset_}, {"timeout", options_.timeout_s}, {"limit", options_.limit}};
  json::array allowed;
  for (const auto& kind : options_.allowed_updates) allowed.emplace_back(kind);
  params["allowed_updates"] = std::move(allowed);
  std::weak_ptr<bool> alive = alive_;
  client_.call({"getUpdates", std::move(params), {}}, [this, alive](ApiResult result) {
    if (alive.lock()) on_result(result);
  });
}

void LongPoller::on_result(const ApiResult& result) {
  if (stopping_) return confirm_and_stop();  // not handled, so not confirmed: re-delivered later
  if (!result.ok) {
    const ApiError& e = result.error;
    if (e.error_code == 401 || e.error_code == 404) {
      return fatal_("Telegram rejected the bot token (" + std::to_string(e.error_code) + " " +
                    e.description + "): check BOT_TOKEN / telegram.token");
    }
    std::string why =
        e.transport()
            ? "cannot reach the Bot API at " + client_.options().base_url + ": " + e.description
            : "getUpdates failed: " + std::to_string(e.error_code) + " " + e.description;
    return retry_later(why);
  }
  const json::array* updates = result.result.if_array();
  if (!updates) return retry_later("getUpdates returned something other than an array");
  failures_ = 0;
  ++batches_;
  if (updates->empty()) return poll();

  // Every update counts toward the offset, even one we cannot use, or it would come back forever.
  std::int64_t last = offset_ - 1;
  for (const auto& u : *updates) {
    if (const auto* o = u.if_object()) {
      if (auto it = o->find("update_id"); it != o->end() && it->value().is_int64()) {
        last = std::max(last, it->value().get_int64());
      }
    }
  }
  batch_in_hand_ = true;
  auto remaining = std::make_shared<std::size_t>(updates->size());
  std::weak_ptr<bool> alive = alive_;
  for (const auto& u : *updates) {
    deliver_(u, [this, alive, remaining, last] {
      if (!alive.lock() || --*remaining > 0) return;
      batch_in_hand_ = false;
      offset_ = std::max(offset_, last + 1);
      confirmed_ = false;
      poll();
    });
  }
}

void LongPoller::retry_later(const std::string& why) {
  ++failures_;
  // Capped exponential backoff with jitter: 0.5 s, 1 s, 2 s, ... up to max_backoff.
  auto base = std::chrono::milliseconds(500) * (1LL << std::min(failures_ - 1, 16));
  auto capped = std::min<std::chrono::milliseconds>(base, options_.max_backoff);
  static thread_local std::minstd_rand rng{std::random_device{}()};
  auto delay = capped / 2 + std::chrono::milliseconds(rng() % (capped.count() / 2 + 1));
  COREBOT_LOG_WARN("{}; retrying in {} ms", why, delay.count());
  std::weak_ptr<bool> alive = alive_;
  retry_timer_ = loop_.after(delay, [this, alive] {
    if (!alive.lock()) return;
    retry_timer_ = 0;
    poll();
  });
}

void LongPoller::confirm_and_stop() {
  if (!stopped_) return;
  if (confirmed_) {
    auto done = std::move(stopped_);
    stopped_ = nullptr;
    return done();
  }
  // Handled updates are confirmed only by a getUpdates with a higher offset; send one that
  // returns at once (an update it returns stays unconfirmed).
  confirmed_ = true;
  std::weak_ptr<bool> alive = alive_;
  client_.call({"getUpdates", {{"offset", offset_}, {"timeout", 0}, {"limit", 1}}, {}},
               [this, alive](const ApiResult&) {
                 if (alive.lock()) confirm_and_stop();
               });
}

}  // namespace corebot::telegram
