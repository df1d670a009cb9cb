#include "telegram/long_poller.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/log.hpp"

namespace corebot::telegram {
namespace json = boost::json;

namespace {

std::optional<std::int64_t> id_of(const json::value& update) {
  if (const auto* o = update.if_object()) {
    if (auto it = o->find("update_id"); it != o->end() && it->value().is_int64()) {
      return it->value().get_int64();
    }
  }
  return std::nullopt;
}

}  // namespace

// The batch in hand. It is released (confirmed with the next getUpdates) when every update in it
// was handled, or when those still unhandled were parked.
struct LongPoller::Batch {
  json::array updates;  // kept for parking
  std::vector<bool> handled;
  std::size_t remaining = 0;
  std::int64_t last = 0;  // the highest update_id, or offset - 1
  bool released = false;
  bool parking = false;                // a park() is in flight
  bool parked = false;                 // the unhandled ones are in the inbox
  std::vector<std::size_t> to_unpark;  // parked indices (the inbox forgets them once handled)
};

LongPoller::LongPoller(core::Executor& executor, ApiTransport transport, LongPollerOptions options,
                       DeliverUpdate deliver, FatalError fatal, UpdateInbox* inbox)
    : executor_(executor),
      transport_(std::move(transport)),
      options_(std::move(options)),
      deliver_(std::move(deliver)),
      fatal_(std::move(fatal)),
      inbox_(inbox),
      backoff_(options_.backoff, options_.backoff_seed.value_or(core::Backoff::random_seed())) {}

LongPoller::~LongPoller() {
  *alive_ = false;
  if (retry_timer_) executor_.cancel(*retry_timer_);
  if (park_timer_) executor_.cancel(*park_timer_);
}

void LongPoller::start() {
  stopping_ = false;
  if (inbox_ == nullptr) return poll();
  std::weak_ptr<bool> alive = alive_;
  inbox_->load([this, alive](std::vector<json::value> parked) {
    if (!alive.lock()) return;
    deliver_parked(std::move(parked));
    poll();
  });
}

void LongPoller::deliver_parked(std::vector<json::value> updates) {
  // Below the offset Telegram has: handed over before the first poll, so each chat's parked
  // updates come before its new ones.
  std::weak_ptr<bool> alive = alive_;
  for (json::value& update : updates) {
    ++parked_;
    const auto id = id_of(update);
    deliver_(std::move(update), [this, alive, id] {
      if (alive.lock() && id) inbox_->unpark(*id);
    });
  }
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
    on_result(std::move(result));
  });
}

void LongPoller::on_result(ApiResult result) {
  if (stopping_) return finish_stop();  // not handled, so not confirmed: re-delivered later
  if (!result.ok) {
    const ApiError& e = result.error;
    if (auto message = rejected_token(e)) return fatal_(*message);
    return retry_later(e.transport() ? "getUpdates: cannot reach the Bot API: " + e.description
                                     : "getUpdates failed: " + std::to_string(e.error_code) + " " +
                                           e.description);
  }
  json::array* updates = result.result.if_array();
  if (!updates) return retry_later("getUpdates returned something other than an array");
  backoff_.reset();
  ++batches_;
  if (updates->empty()) return poll();
  on_batch(std::move(*updates));
}

void LongPoller::on_batch(json::array updates) {
  auto batch = std::make_shared<Batch>();
  // Every update counts toward the offset, even one we cannot use, or it would come back forever.
  batch->last = offset_ - 1;
  for (const auto& u : updates) {
    if (const auto id = id_of(u)) batch->last = std::max(batch->last, *id);
  }
  batch->remaining = updates.size();
  batch->handled.assign(updates.size(), false);
  batch->updates = std::move(updates);
  batch_in_hand_ = true;
  std::weak_ptr<bool> alive = alive_;
  for (std::size_t i = 0; i < batch->updates.size(); ++i) {
    deliver_(batch->updates[i], [this, alive, batch, i] {
      if (!alive.lock() || batch->handled[i]) return;
      batch->handled[i] = true;
      if (batch->parked) {
        if (const auto id = id_of(batch->updates[i])) inbox_->unpark(*id);
      } else if (--batch->remaining == 0) {
        batch_done(batch);
      }
    });
  }
  if (inbox_ != nullptr && !batch->released) {
    park_timer_ = executor_.after(options_.park_after, [this, alive, batch] {
      if (!alive.lock()) return;
      park_timer_.reset();
      park(batch);
    });
  }
}

void LongPoller::batch_done(const std::shared_ptr<Batch>& batch) {
  if (batch->released) return;
  batch->released = true;
  if (park_timer_) {
    executor_.cancel(*park_timer_);
    park_timer_.reset();
  }
  batch_in_hand_ = false;
  if (batch->last >= offset_) {
    offset_ = batch->last + 1;
    confirmed_ = false;
  }
  poll();
}

void LongPoller::park(const std::shared_ptr<Batch>& batch) {
  if (batch->released || batch->parking) return;
  std::vector<json::value> unhandled;
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < batch->updates.size(); ++i) {
    if (!batch->handled[i]) {
      unhandled.push_back(batch->updates[i]);
      indices.push_back(i);
    }
  }
  COREBOT_LOG_INFO("polling: {} update(s) still being handled after {} ms: parked, polling goes on",
                   unhandled.size(), core::to_millis(options_.park_after));
  batch->parking = true;
  std::weak_ptr<bool> alive = alive_;
  inbox_->park(std::move(unhandled), [this, alive, batch, indices](bool ok) {
    if (!alive.lock()) return;
    batch->parking = false;
    if (ok) {
      parked_ += indices.size();
      batch->parked = true;
      for (std::size_t i : indices) {
        // Handled while being parked: the inbox must not hand it over again.
        if (batch->handled[i]) {
          if (const auto id = id_of(batch->updates[i])) inbox_->unpark(*id);
        }
      }
      return batch_done(batch);
    }
    if (batch->released) return;  // every update finished meanwhile: nothing to park
    COREBOT_LOG_WARN("polling: cannot park slow updates (the store failed); waiting for them");
    park_timer_ = executor_.after(options_.park_after, [this, alive, batch] {
      if (!alive.lock()) return;
      park_timer_.reset();
      park(batch);
    });
  });
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
