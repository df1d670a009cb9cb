#include "telegram/long_poller.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/log.hpp"

namespace corebot::telegram {
namespace json = boost::json;

LongPoller::LongPoller(core::Executor& executor, ApiTransport transport, LongPollerOptions options,
                       DeliverUpdate deliver, FatalError fatal)
    : executor_(executor),
      transport_(std::move(transport)),
      options_(std::move(options)),
      deliver_(std::move(deliver)),
      fatal_(std::move(fatal)),
      backoff_(options_.backoff, options_.backoff_seed.value_or(core::Backoff::random_seed())) {}

LongPoller::~LongPoller() {
  *alive_ = false;
  if (retry_timer_) executor_.cancel(*retry_timer_);
}

void LongPoller::start() {
  stopping_ = false;
  poll();
}

void LongPoller::stop(std::function<void()> stopped) {
  stopping_ = true;
  stopped_ = std::move(stopped);
  if (retry_timer_) {
    executor_.cancel(*retry_timer_);
    retry_timer_.reset();
  }
  // Telegram drops every update below a getUpdates' offset when the call arrives, so a long poll
  // in flight that carries the current offset has confirmed the handled updates already. A
  // final call would only end that poll with 409 "terminated by other getUpdates request".
  if (polling_offset_ == offset_) confirmed_ = true;
  if (!batch_in_hand_) finish_stop();
}

void LongPoller::poll() {
  if (stopping_) return finish_stop();
  json::object params{
      {"offset", offset_}, {"timeout", options_.timeout_s}, {"limit", options_.limit}};
  json::array allowed;
  for (const auto& kind : options_.allowed_updates) allowed.emplace_back(kind);
  params["allowed_updates"] = std::move(allowed);
  std::weak_ptr<bool> alive = alive_;
  polling_offset_ = offset_;
  transport_({"getUpdates", std::move(params), {}}, [this, alive](ApiResult result) {
    if (!alive.lock()) return;
    polling_offset_.reset();
    on_result(result);
  });
}

void LongPoller::on_result(const ApiResult& result) {
  if (stopping_) return finish_stop();  // not handled, so not confirmed: re-delivered later
  if (!result.ok) {
    const ApiError& e = result.error;
    if (auto message = rejected_token(e)) return fatal_(*message);
    return retry_later(e.transport() ? "getUpdates: cannot reach the Bot API: " + e.description
                                     : "getUpdates failed: " + std::to_string(e.error_code) + " " +
                                           e.description);
  }
  const json::array* updates = result.result.if_array();
  if (!updates) return retry_later("getUpdates returned something other than an array");
  backoff_.reset();
  ++batches_;
  if (updates->empty()) return poll();
  on_batch(*updates);
}

void LongPoller::on_batch(const json::array& updates) {
  // Every update counts toward the offset, even one we cannot use, or it would come back forever.
  std::int64_t last = offset_ - 1;
  for (const auto& u : updates) {
    if (const auto* o = u.if_object()) {
      if (auto it = o->find("update_id"); it != o->end() && it->value().is_int64()) {
        last = std::max(last, it->value().get_int64());
      }
    }
  }
  batch_in_hand_ = true;
  auto remaining = std::make_shared<std::size_t>(updates.size());
  std::weak_ptr<bool> alive = alive_;
  for (const auto& u : updates) {
    deliver_(u, [this, alive, remaining, last] {
      if (!alive.lock() || --*remaining > 0) return;
      batch_in_hand_ = false;
      if (last >= offset_) {
        offset_ = last + 1;
        confirmed_ = false;
      }
      poll();
    });
  }
}

void LongPoller::retry_later(const std::string& why) {
  const core::Duration delay = backoff_.next();
  COREBOT_LOG_WARN("{}; retrying in {} ms", why, core::to_millis(delay));
  std::weak_ptr<bool> alive = alive_;
  retry_timer_ = executor_.after(delay, [this, alive] {
    if (!alive.lock()) return;
    retry_timer_.reset();
    poll();
  });
}

void LongPoller::finish_stop() {
  if (!stopped_ || confirming_) return;
  if (confirmed_) {
    auto done = std::move(stopped_);
    stopped_ = nullptr;
    return done();
  }
  // Handled updates are confirmed only by a getUpdates with a higher offset; send one that
  // returns at once (an update it returns stays unconfirmed). Stopping waits for its answer, so
  // the engine does not shut the HTTP client down under it. One attempt: a failure means those
  // updates come again on the next run, which is safer than delaying the stop.
  confirming_ = true;
  std::weak_ptr<bool> alive = alive_;
  transport_({"getUpdates", {{"offset", offset_}, {"timeout", 0}, {"limit", 1}}, {}},
             [this, alive](const ApiResult&) {
               if (!alive.lock()) return;
               confirming_ = false;
               confirmed_ = true;
               finish_stop();
             });
}

}  // namespace corebot::telegram
