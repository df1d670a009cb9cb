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

LongPoller::LongPoller(core::Executor& executor, ApiTransport transport, LongPollerOptions options,
                       DeliverUpdate deliver, FatalError fatal, UpdateInbox* inbox)
    : executor_(executor),
      transport_(std::move(transport)),
      options_(std::move(options)),
      deliver_(std::move(deliver)),
      fatal_(std::move(fatal)),
      inbox_(inbox),
      backoff_(options_.backoff, options_.backoff_seed.value_or(core::Backoff::random_seed())) {
  for (const auto& kind : options_.allowed_updates) allowed_updates_.emplace_back(kind);
}

LongPoller::~LongPoller() {
  *alive_ = false;
  if (retry_timer_) executor_.cancel(*retry_timer_);
  for (auto& [n, group] : groups_) {
    if (group.timer) executor_.cancel(*group.timer);
  }
}

void LongPoller::start() {
  stopping_ = false;
  if (inbox_ == nullptr) return maybe_poll();
  std::weak_ptr<bool> alive = alive_;
  inbox_->load([this, alive](std::vector<json::value> parked) {
    if (!alive.lock()) return;
    deliver_parked(std::move(parked));
    maybe_poll();
  });
}

void LongPoller::deliver_parked(std::vector<json::value> updates) {
  // Below the offset Telegram has: handed over before the first poll, so each chat's parked
  // updates come before its new ones.
  std::weak_ptr<bool> alive = alive_;
  for (json::value& update : updates) {
    ++parked_;
    const auto id = id_of(update);
    if (id) handed_over_.insert(*id);
    deliver_(std::make_shared<const json::value>(std::move(update)), [this, alive, id] {
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
  finish_stop();
}

// The one place that decides whether a getUpdates goes out, and which (see the header).
void LongPoller::maybe_poll() {
  if (stopping_ || polling_offset_ || retry_timer_ || confirming_ || delivering_) return;
  if (in_hand_ == 0) return poll(options_.timeout_s);
  const int at_most = options_.pipeline_when_known_at_most.value_or(options_.limit / 4);
  const std::size_t ahead = known_.size() - below_offset_;
  if (at_most > 0 && offset_ > acked_offset_ && ahead <= static_cast<std::size_t>(at_most)) {
    poll(0);
  }
}

void LongPoller::poll(int timeout_s) {
  // Telegram drops every update below the offset when this call arrives and never returns it
  // again, nor does any later call (each carries at least this offset): forget them. If the call
  // fails, the next one confirms them.
  known_.erase_front(known_.lower_bound(offset_));
  below_offset_ = 0;
  handed_over_.erase(handed_over_.begin(), handed_over_.lower_bound(offset_));
  json::object params{{"offset", offset_},
                      {"timeout", timeout_s},
                      {"limit", options_.limit},
                      {"allowed_updates", allowed_updates_}};
  std::weak_ptr<bool> alive = alive_;
  const std::int64_t sent = offset_;
  polling_offset_ = sent;
  transport_({"getUpdates", std::move(params), {}}, [this, alive, sent](ApiResult result) {
    if (!alive.lock()) return;
    polling_offset_.reset();
    on_result(sent, std::move(result));
  });
}

void LongPoller::on_result(std::int64_t sent_offset, ApiResult result) {
  if (stopping_) {
    // Not delivered, so not confirmed: re-delivered at the next run.
    if (result.ok) acked_offset_ = std::max(acked_offset_, sent_offset);
    return finish_stop();
  }
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
  acked_offset_ = std::max(acked_offset_, sent_offset);
  receive(std::move(*updates), sent_offset);
  changed();
}

void LongPoller::receive(json::array updates, std::int64_t sent_offset) {
  if (updates.empty()) return;
  // Everything is recorded before the first update is delivered: a handler may finish inside
  // deliver_, and the offset must not pass an update recorded later.
  struct Fresh {
    SharedUpdate update;  // shared with the parking record (with an inbox), never copied
    std::optional<std::int64_t> id;
    std::uint64_t seq = 0;  // for one without an id
  };
  std::vector<Fresh> fresh;
  fresh.reserve(updates.size());
  std::optional<std::int64_t> top;  // the highest new id: what an update without an id holds
  const std::uint64_t group = inbox_ != nullptr ? next_group_++ : 0;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const auto id = id_of(updates[i]);
    if (!id) {
      fresh.push_back({std::make_shared<const json::value>(std::move(updates[i])), std::nullopt,
                       next_anonymous_++});
      continue;
    }
    if (*id < sent_offset || known_.contains(*id)) {
      ++redelivered_skipped_;  // still unconfirmed from an earlier answer, and in hand or done
      continue;
    }
    high_ = std::max(high_.value_or(*id), *id);
    top = std::max(top.value_or(*id), *id);
    Received r;
    if (handed_over_.contains(*id)) {
      // Parked by the last run, which crashed before confirming it: its stored copy is being
      // handled, so this one is confirmed without delivering it twice.
      ++redelivered_skipped_;
      r.parked = true;
      known_.emplace(*id, std::move(r));
      continue;
    }
    r.group = group;
    auto update = std::make_shared<const json::value>(std::move(updates[i]));
    if (inbox_ != nullptr) r.update = update;
    known_.emplace(*id, std::move(r));
    fresh.push_back({std::move(update), id});
  }
  if (fresh.empty()) return;
  for (const Fresh& f : fresh) {
    if (f.id) continue;
    Anonymous a;
    a.anchor = top;
    a.group = group;
    if (inbox_ != nullptr) a.update = f.update;
    if (top) ++known_.find(*top)->second.waiting_anonymous;
    anonymous_.emplace(f.seq, std::move(a));
  }
  in_hand_ += fresh.size();
  if (group != 0) {
    Group& g = groups_[group];
    g.open = fresh.size();
    for (const Fresh& f : fresh) {
      if (f.id) {
        g.ids.push_back(*f.id);
      } else {
        g.anonymous.push_back(f.seq);
      }
    }
    arm_park(group);
  }
  delivering_ = true;
  std::weak_ptr<bool> alive = alive_;
  for (Fresh& f : fresh) {
    if (f.id) {
      deliver_(std::move(f.update), [this, alive, id = *f.id] {
        if (alive.lock()) handled(id);
      });
    } else {
      deliver_(std::move(f.update), [this, alive, seq = f.seq] {
        if (alive.lock()) handled_anonymous(seq);
      });
    }
    if (!alive.lock()) return;  // a handler destroyed the poller
  }
  delivering_ = false;
}

void LongPoller::handled(std::int64_t id) {
  auto it = known_.find(id);
  if (it == known_.end()) {
    // Only a parked update can be confirmed before it was handled.
    if (inbox_ != nullptr) inbox_->unpark(id);
    return;
  }
  Received& r = it->second;
  if (r.handled) return;
  r.handled = true;
  if (r.parked) {
    inbox_->unpark(id);
    return;
  }
  r.update = nullptr;  // a park() in flight has its own copy, and unparks it when it is stored
  --in_hand_;
  close_in_group(r.group);
  changed();
}

void LongPoller::handled_anonymous(std::uint64_t seq) {
  auto it = anonymous_.find(seq);
  if (it == anonymous_.end()) return;  // parked: the inbox did not keep it (no id to keep it by)
  Anonymous& a = it->second;
  if (a.handled) return;
  a.handled = true;
  --in_hand_;
  close_in_group(a.group);
  release_anchor(a.anchor);
  if (!a.parking) anonymous_.erase(it);
  changed();
}

void LongPoller::release_anchor(const std::optional<std::int64_t>& anchor) {
  if (!anchor) return;
  // An id with a waiting update without an id cannot have been confirmed, so it is still known.
  if (auto it = known_.find(*anchor); it != known_.end()) --it->second.waiting_anonymous;
}

// Something was handled, parked or received: the prefix may have advanced.
void LongPoller::changed() {
  if (delivering_) return;
  advance();
  if (stopping_) return finish_stop();
  maybe_poll();
}

void LongPoller::advance() {
  auto it = known_.lower_bound(offset_);
  for (; it != known_.end(); ++it) {
    const Received& r = it->second;
    if (!(r.handled || r.parked) || r.waiting_anonymous > 0) break;
    offset_ = it->first + 1;
    ++below_offset_;
  }
  if (it == known_.end() && high_) offset_ = std::max(offset_, *high_ + 1);
}

void LongPoller::close_in_group(std::uint64_t group) {
  auto it = groups_.find(group);
  if (it == groups_.end() || --it->second.open > 0) return;
  if (it->second.timer) executor_.cancel(*it->second.timer);
  groups_.erase(it);
}

void LongPoller::arm_park(std::uint64_t group) {
  std::weak_ptr<bool> alive = alive_;
  groups_.at(group).timer = executor_.after(options_.park_after, [this, alive, group] {
    if (!alive.lock()) return;
    park(group);
  });
}

void LongPoller::park(std::uint64_t group) {
  auto git = groups_.find(group);
  if (git == groups_.end()) return;
  Group& g = git->second;
  g.timer.reset();
  std::vector<json::value> unhandled;
  std::vector<std::int64_t> ids;
  std::vector<std::uint64_t> anonymous;
  for (std::int64_t id : g.ids) {
    auto it = known_.find(id);
    if (it == known_.end()) continue;
    Received& r = it->second;
    if (r.handled || r.parked || r.parking) continue;
    r.parking = true;
    unhandled.push_back(*r.update);  // parking is rare: the copy is taken only now
    ids.push_back(id);
  }
  for (std::uint64_t seq : g.anonymous) {
    auto it = anonymous_.find(seq);
    if (it == anonymous_.end() || it->second.handled || it->second.parking) continue;
    it->second.parking = true;
    unhandled.push_back(*it->second.update);
    anonymous.push_back(seq);
  }
  if (unhandled.empty()) return;
  COREBOT_LOG_INFO("polling: {} update(s) still being handled after {} ms: parked, polling goes on",
                   unhandled.size(), core::to_millis(options_.park_after));
  std::weak_ptr<bool> alive = alive_;
  inbox_->park(std::move(unhandled), [this, alive, group, ids = std::move(ids),
                                      anonymous = std::move(anonymous)](bool ok) {
    if (alive.lock()) on_parked(group, ids, anonymous, ok);
  });
}

void LongPoller::on_parked(std::uint64_t group, const std::vector<std::int64_t>& ids,
                           const std::vector<std::uint64_t>& anonymous, bool ok) {
  for (std::int64_t id : ids) {
    auto it = known_.find(id);
    // Gone from known_: it was handled meanwhile (nothing else confirms an unparked update).
    if (it == known_.end() || it->second.handled) {
      // Handled while being parked: the inbox must not hand it over again.
      if (ok) inbox_->unpark(id);
      continue;
    }
    Received& r = it->second;
    r.parking = false;
    if (!ok) continue;
    r.parked = true;
    r.update = nullptr;
    ++parked_;
    --in_hand_;
    close_in_group(r.group);
  }
  for (std::uint64_t seq : anonymous) {
    auto it = anonymous_.find(seq);
    if (it == anonymous_.end()) continue;
    Anonymous& a = it->second;
    a.parking = false;
    if (a.handled) {
      anonymous_.erase(it);
      continue;
    }
    if (!ok) continue;
    // The inbox keeps no update without an id: it is handled only if it finishes.
    ++parked_;
    --in_hand_;
    const auto anchor = a.anchor;
    const auto its_group = a.group;
    anonymous_.erase(it);
    close_in_group(its_group);
    release_anchor(anchor);
  }
  if (!ok && groups_.contains(group)) {
    COREBOT_LOG_WARN("polling: cannot park slow updates (the store failed); waiting for them");
    arm_park(group);
  }
  changed();
}

void LongPoller::retry_later(const std::string& why) {
  const core::Duration delay = backoff_.next();
  COREBOT_LOG_WARN("{}; retrying in {} ms", why, core::to_millis(delay));
  std::weak_ptr<bool> alive = alive_;
  retry_timer_ = executor_.after(delay, [this, alive] {
    if (!alive.lock()) return;
    retry_timer_.reset();
    maybe_poll();
  });
}

void LongPoller::finish_stop() {
  if (!stopped_ || confirming_ || delivering_ || in_hand_ > 0) return;
  const bool confirmed = polling_offset_ ? *polling_offset_ >= offset_ : acked_offset_ >= offset_;
  // A getUpdates(timeout 0) in flight carrying an older offset is answered at once: wait for it
  // rather than end it with 409. (A long poll in flight always carries the whole prefix: it goes
  // out only with nothing in hand, and then nothing can advance the offset.)
  if (polling_offset_ && !confirmed) return;
  if (confirmed) {
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
               auto done = std::move(stopped_);
               stopped_ = nullptr;
               if (done) done();
             });
}

}  // namespace corebot::telegram
