#include "outbox/scheduler.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <utility>

namespace corebot::outbox {
namespace {

double seconds(core::Duration d) { return std::chrono::duration<double>(d).count(); }

bool is_group(std::int64_t key) { return key < 0; }

template <typename T>
void keep_min(std::optional<T>& slot, T value) {
  if (!slot || value < *slot) slot = value;
}

}  // namespace

Scheduler::Scheduler(OutboxOptions options)
    : options_(std::move(options)),
      free_pacer_(1.0, options_.global_burst, options_.pacing_slack),
      paid_pacer_(1.0, options_.global_burst, options_.pacing_slack),
      retry_backoff_({options_.retry_base, options_.retry_max, 2}, options_.rng_seed),
      latency_s_(seconds(options_.initial_latency)) {
  apply_rate();
}

Scheduler::Route Scheduler::route_of(const Job& job) const {
  for (const auto& m : options_.uncapped_methods) {
    if (m == job.request.method) return Route::kUncapped;
  }
  if (job.kind != CallKind::kUnlimited && job.chat_id) return Route::kChat;
  return Route::kFree;
}

bool Scheduler::paid_applies(const Job& job) const {
  return options_.paid_broadcast_rate > 0 && job.priority == Priority::kBulk &&
         accepts_paid_broadcast(job.request.method);
}
bool Scheduler::needs_free(const Job& job) const {
  return job.kind != CallKind::kUnlimited && !paid_applies(job);
}
bool Scheduler::needs_paid(const Job& job) const {
  return job.kind != CallKind::kUnlimited && options_.paid_broadcast_rate > 0;
}

JobId Scheduler::enqueue(Job job) {
  job.id = next_id_++;
  job.kind = classify_method(job.request.method);
  if (!job.chat_id) job.chat_id = chat_key_of(job.request.params);
  job.attempts = 0;
  job.rate_limited = 0;
  job.in_flight = false;
  const JobId id = job.id;
  const std::size_t cls = index_of(job.priority);
  dirty_ = true;
  if (job.deadline) deadlines_.emplace(*job.deadline, id);
  const Route route = route_of(job);
  const std::optional<std::int64_t> chat = job.chat_id;
  jobs_.emplace(id, std::move(job));
  ++queued_[cls];
  switch (route) {
    case Route::kUncapped:
      uncapped_.push_back(id);
      break;
    case Route::kFree:
      free_[cls].push_back(id);
      break;
    case Route::kChat: {
      auto& c = chats_.try_emplace(*chat, options_).first->second;
      c.lanes[cls].ids.push_back(id);
      ++c.queued;
      if (c.lanes[cls].state == LaneState::kIdle) make_ready(*chat, c, cls);
      break;
    }
  }
  return id;
}

std::size_t Scheduler::queued_total() const {
  std::size_t total = 0;
  for (std::size_t n : queued_) total += n;
  return total;
}

std::size_t Scheduler::queued_for_chat(std::int64_t key) const {
  const auto it = chats_.find(key);
  return it == chats_.end() ? 0 : it->second.queued;
}

void Scheduler::make_ready(std::int64_t key, Chat& chat, std::size_t cls) {
  chat.lanes[cls].state = LaneState::kReady;
  ring_[cls].push_back(key);
}

core::TimePoint Scheduler::chat_ready_at(Chat& chat, std::int64_t key, const Job& job,
                                         core::TimePoint now) const {
  core::TimePoint t = std::max(chat.blocked_until, job.not_before);
  if (is_group(key)) {
    if (job.kind == CallKind::kSend || options_.count_group_edits) {
      t = std::max(t, chat.window.ready_at(now));
    }
  } else if (job.kind == CallKind::kSend) {
    t = std::max(t, chat.bucket.ready_at());
  }
  return t;
}

std::size_t Scheduler::bulk_reserve(const SlidingWindow& window) const {
  const auto reserve = static_cast<std::size_t>(std::max(options_.bulk_reserve, 0));
  return std::min(reserve, window.limit() - 1);
}

bool Scheduler::budget_ok(const Job& job, core::TimePoint now, Budget& reserved) {
  if (job.kind == CallKind::kUnlimited) return true;
  const bool nf = needs_free(job);
  const bool np = needs_paid(job);
  const bool bulk = job.priority == Priority::kBulk;
  core::TimePoint ready = bulk ? bulk_paused_until_ : now;
  if (nf) {
    const std::size_t below = free_window_.limit() - (bulk ? bulk_reserve(free_window_) : 0);
    ready = std::max(ready, free_window_.ready_at(now, below));
    if (bulk && !paid_applies(job)) ready = std::max(ready, free_pacer_.ready_at());
  }
  if (np) {
    const std::size_t below = paid_window_.limit() - (bulk ? bulk_reserve(paid_window_) : 0);
    ready = std::max(ready, paid_window_.ready_at(now, below));
    if (bulk && paid_applies(job)) ready = std::max(ready, paid_pacer_.ready_at());
  }
  bool ok = ready <= now;
  if (!ok) keep_min(budget_wake_, ready);
  if ((nf && reserved.free) || (np && reserved.paid)) ok = false;
  if (!ok) {
    // Strict priority: a lower class may not spend what this call is waiting for.
    reserved.free = reserved.free || nf;
    reserved.paid = reserved.paid || np;
  }
  return ok;
}

void Scheduler::take_budget(const Job& job, core::TimePoint now) {
  const bool bulk = job.priority == Priority::kBulk;
  if (needs_free(job)) {
    free_window_.take(now);
    if (bulk && !paid_applies(job)) free_pacer_.take(now);
  }
  if (needs_paid(job)) {
    paid_window_.take(now);
    if (bulk && paid_applies(job)) paid_pacer_.take(now);
  }
}

const Job* Scheduler::start(Job& job, core::TimePoint now) {
  job.in_flight = true;
  ++job.attempts;
  job.started_at = now;
  --queued_[index_of(job.priority)];
  ++in_flight_total_;
  if (route_of(job) != Route::kUncapped) ++in_flight_capped_;
  // paid_applies() depends on the job and the options only, so the flag, once set, stays right.
  if (paid_applies(job)) job.request.params["allow_paid_broadcast"] = true;
  return &job;
}

const Job* Scheduler::next_free(std::deque<JobId>& queue, core::TimePoint now, Budget& reserved,
                                bool budgets) {
  while (!queue.empty()) {
    auto it = jobs_.find(queue.front());
    if (it == jobs_.end()) {
      queue.pop_front();
      continue;
    }
    if (budgets && !budget_ok(it->second, now, reserved)) return nullptr;
    if (budgets) take_budget(it->second, now);
    queue.pop_front();
    dirty_ = true;
    return start(it->second, now);
  }
  return nullptr;
}

const Job* Scheduler::start_next(core::TimePoint now) {
  advance(now);
  budget_wake_.reset();
  dirty_ = false;
  Budget reserved;
  if (auto job = next_free(uncapped_, now, reserved, false)) return job;
  // Bulk fills the cap; the other classes may go `bulk_reserve` beyond it, so a reply does not
  // wait for a mailing's request to come back.
  const std::size_t cap = in_flight_limit();
  const auto extra = static_cast<std::size_t>(std::max(options_.bulk_reserve, 0));
  if (in_flight_capped_ >= cap + extra) return nullptr;

  for (std::size_t cls = 0; cls < kPriorityCount; ++cls) {
    if (paused_[cls]) continue;
    if (cls == index_of(Priority::kBulk) && in_flight_capped_ >= cap) continue;
    if (auto job = next_free(free_[cls], now, reserved, true)) return job;
    auto& ring = ring_[cls];
    // One pass over the chats ready in this class; each either starts, parks until its chat's
    // call in flight is done, or sleeps until its limits allow: amortised O(1) per call.
    for (std::size_t n = ring.size(); n > 0 && !ring.empty(); --n) {
      const std::int64_t key = ring.front();
      ring.pop_front();
      auto cit = chats_.find(key);
      if (cit == chats_.end()) continue;
      Chat& chat = cit->second;
      Lane& lane = chat.lanes[cls];
      while (!lane.ids.empty() && !jobs_.contains(lane.ids.front())) lane.ids.pop_front();
      if (lane.ids.empty()) {
        lane.state = LaneState::kIdle;
        continue;
      }
      if (chat.busy) {
        lane.state = LaneState::kParked;
        continue;
      }
      Job& job = jobs_.at(lane.ids.front());
      const core::TimePoint ready = chat_ready_at(chat, key, job, now);
      if (ready > now) {
        lane.state = LaneState::kTimed;
        wakes_.push(Wake{ready, key, cls, 0});
        continue;
      }
      if (!budget_ok(job, now, reserved)) {
        ring.push_front(key);  // keeps its turn
        break;
      }
      take_budget(job, now);
      if (is_group(key)) {
        if (job.kind == CallKind::kSend || options_.count_group_edits) chat.window.take(now);
      } else if (job.kind == CallKind::kSend) {
        chat.bucket.take(now);
      }
      lane.ids.pop_front();
      --chat.queued;
      chat.busy = true;
      lane.state = lane.ids.empty() ? LaneState::kIdle : LaneState::kParked;
      dirty_ = true;
      return start(job, now);
    }
  }
  return nullptr;
}

std::optional<core::TimePoint> Scheduler::next_wake(core::TimePoint now) const {
  if (dirty_) return now;
  std::optional<core::TimePoint> t = budget_wake_;
  if (!wakes_.empty()) keep_min(t, wakes_.top().at);
  if (!deadlines_.empty()) keep_min(t, deadlines_.top().first);
  return t;
}

void Scheduler::advance(core::TimePoint now) {
  bool changed = false;
  const double growth = options_.flood_recovery_growth > 1.0 ? options_.flood_recovery_growth : 2.0;
  auto recover = [&](double& factor, core::TimePoint& since) {
    while (factor < 1.0 && now - since >= options_.flood_recovery_interval) {
      factor = std::min(1.0, factor * growth);
      since += options_.flood_recovery_interval;
      changed = true;
    }
  };
  recover(bulk_factor_, bulk_changed_at_);
  recover(rate_factor_, factor_changed_at_);
  if (changed) apply_rate();

  while (!wakes_.empty() && wakes_.top().at <= now) {
    const Wake w = wakes_.top();
    wakes_.pop();
    if (w.job != 0) {
      auto it = jobs_.find(w.job);
      if (it == jobs_.end()) continue;
      if (route_of(it->second) == Route::kUncapped) {
        uncapped_.push_front(w.job);
      } else {
        free_[w.cls].push_front(w.job);
      }
      continue;
    }
    auto cit = chats_.find(w.chat);
    if (cit == chats_.end()) continue;
    if (cit->second.lanes[w.cls].state == LaneState::kTimed) make_ready(w.chat, cit->second, w.cls);
  }

  if (now - last_gc_ >= options_.chat_gc_interval) {
    last_gc_ = now;
    gc_due_.reset();
    for (auto it = chats_.begin(); it != chats_.end();) {
      Chat& c = it->second;
      const bool settled = !c.busy && c.queued == 0;
      bool idle = settled && c.blocked_until <= now && c.bucket.idle(now) && c.window.idle(now);
      for (const auto& lane : c.lanes) idle = idle && lane.state == LaneState::kIdle;
      if (settled && !idle) gc_due_ = now + options_.chat_gc_interval;  // idle soon: look again
      it = idle ? chats_.erase(it) : std::next(it);
    }
  }
}

void Scheduler::note_settled() {
  if (!gc_due_) gc_due_ = last_gc_ + options_.chat_gc_interval;
}

void Scheduler::apply_rate() {
  // Bulk is paced at its share of the window, so a window it has to itself fills evenly; a cut
  // after a 429 flood slows only that pacer, so replies keep the whole window.
  auto set = [this](SlidingWindow& window, TokenBucket& pacer, double rate) {
    const WindowShape shape = window_for(rate, options_.global_window_guard);
    window.set(shape.limit, shape.window);
    pacer.set_rate(bulk_factor_ * static_cast<double>(window.limit() - bulk_reserve(window)) /
                   seconds(shape.window));
  };
  set(free_window_, free_pacer_, options_.global_rate * rate_factor_);
  if (options_.paid_broadcast_rate > 0) {
    set(paid_window_, paid_pacer_, options_.paid_broadcast_rate * rate_factor_);
  }
}

void Scheduler::note_rate_limited(std::int64_t key, core::Duration retry_after,
                                  core::TimePoint now) {
  ++rate_limited_;
  recent_429_.push_back(RateLimitedHit{now, key, retry_after});
  while (!recent_429_.empty() && recent_429_.front().at + options_.flood_window < now) {
    recent_429_.pop_front();
  }
  std::vector<std::int64_t> distinct;
  core::Duration longest{};
  for (const auto& hit : recent_429_) {
    if (std::find(distinct.begin(), distinct.end(), hit.chat) == distinct.end()) {
      distinct.push_back(hit.chat);
    }
    longest = std::max(longest, hit.retry_after);
  }
  if (static_cast<int>(distinct.size()) < options_.flood_chats) return;
  // 429s in several chats: mailings are the load we can shed without anyone waiting for an
  // answer, so bulk stops for as long as Telegram asked and comes back slower. Replies to chats
  // that got no 429 go on at full rate (note_answer decides whether they must slow down too).
  if (bulk_factor_ >= 1.0) bulk_cut_since_ = now;
  bulk_factor_ = std::max(options_.flood_min_factor, bulk_factor_ * options_.flood_backoff);
  bulk_changed_at_ = now;
  bulk_paused_until_ = std::max(bulk_paused_until_, now + longest);
  apply_rate();
  ++global_backoffs_;
  recent_429_.clear();
}

void Scheduler::note_answer(const Job& job, bool rate_limited, core::TimePoint now) {
  if (bulk_factor_ >= 1.0) {
    recent_answers_.clear();
    return;
  }
  // Only calls that started after bulk was cut (their 429s are not the mailing's doing) and
  // after the last throttle cut (that cut had its chance).
  if (job.started_at <= bulk_cut_since_ || job.started_at <= throttle_cut_at_) return;
  recent_answers_.push_back(Answer{now, job.chat_id.value_or(0), rate_limited});
  while (recent_answers_.front().at + options_.flood_window < now) recent_answers_.pop_front();
  // By chats, not calls: a chat that keeps getting 429s (its retries) counts once.
  std::vector<std::int64_t> answered;
  std::vector<std::int64_t> limited;
  auto add = [](std::vector<std::int64_t>& set, std::int64_t chat) {
    if (std::find(set.begin(), set.end(), chat) == set.end()) set.push_back(chat);
  };
  for (const auto& a : recent_answers_) {
    add(answered, a.chat);
    if (a.rate_limited) add(limited, a.chat);
  }
  if (static_cast<int>(limited.size()) < options_.flood_chats ||
      static_cast<double>(limited.size()) <
          options_.throttle_share * static_cast<double>(answered.size())) {
    return;
  }
  // Most chats' replies get 429s although bulk is cut: Telegram throttles the bot as a whole. Slow
  // every class, never below the floor that keeps replies within seconds. No pause: each chat
  // that got a 429 already waits its retry_after, and the others may still be answered.
  rate_factor_ = std::max(options_.throttle_min_factor, rate_factor_ * options_.flood_backoff);
  factor_changed_at_ = now;
  throttle_cut_at_ = now;
  apply_rate();
  ++throttle_backoffs_;
  recent_answers_.clear();
}

void Scheduler::requeue(Job& job) {
  const std::size_t cls = index_of(job.priority);
  ++queued_[cls];
  ++retries_[cls];
  if (job.deadline) deadlines_.emplace(*job.deadline, job.id);
  if (route_of(job) != Route::kChat) {
    wakes_.push(Wake{job.not_before, 0, cls, job.id});
    return;
  }
  Chat& chat = chats_.at(*job.chat_id);
  Lane& lane = chat.lanes[cls];
  lane.ids.push_front(job.id);  // ahead of later calls of this chat: order survives the retry
  ++chat.queued;
  if (lane.state == LaneState::kIdle) make_ready(*job.chat_id, chat, cls);
}

std::optional<Finished> Scheduler::on_done(JobId id, telegram::ApiResult result,
                                           core::TimePoint now) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !it->second.in_flight) return std::nullopt;
  Job& job = it->second;
  job.in_flight = false;
  dirty_ = true;
  --in_flight_total_;
  const Route route = route_of(job);
  if (route != Route::kUncapped) --in_flight_capped_;
  if (route == Route::kChat) {
    auto cit = chats_.find(*job.chat_id);
    assert(cit != chats_.end());
    Chat& chat = cit->second;
    chat.busy = false;
    if (chat.queued == 0) note_settled();
    for (std::size_t cls = 0; cls < kPriorityCount; ++cls) {
      if (chat.lanes[cls].state == LaneState::kParked) make_ready(*job.chat_id, chat, cls);
    }
  }
  if (job.kind != CallKind::kUnlimited && route != Route::kUncapped) {
    const double sample = seconds(now - job.started_at);
    latency_s_ += options_.latency_smoothing * (sample - latency_s_);
    if (job.priority != Priority::kBulk && (result.ok || result.error.error_code == 429)) {
      note_answer(job, !result.ok, now);
    }
  }

  auto finish = [&](telegram::ApiResult r) {
    Finished f{std::move(job), std::move(r), false};
    f.blocked = !f.result.ok && is_blocked_by_user(f.result.error);
    jobs_.erase(it);
    return f;
  };
  if (result.ok) return finish(std::move(result));

  const telegram::ApiError& error = result.error;
  if (error.error_code == 429) {
    const core::Duration wait =
        error.retry_after ? core::Duration{std::chrono::seconds(std::max(*error.retry_after, 0))}
                          : options_.default_retry_after;
    note_rate_limited(job.chat_id.value_or(0), wait, now);
    if (route == Route::kChat) {
      Chat& chat = chats_.at(*job.chat_id);
      chat.blocked_until = std::max(chat.blocked_until, now + wait);
    }
    job.not_before = now + wait;
    if (++job.rate_limited > options_.max_rate_limited_retries) return finish(std::move(result));
  } else if (error.error_code == 0 || error.error_code >= 500) {
    if (job.attempts >= options_.max_attempts) return finish(std::move(result));
    // A mailing promises each recipient at most one copy; a reply would rather arrive twice than
    // not at all, so only bulk sends are given up when Telegram may have carried them out.
    if (error.maybe_delivered && job.kind == CallKind::kSend && job.priority == Priority::kBulk) {
      std::string why = std::string(kMaybeDelivered) + " (" + error.description + ")";
      result.error.description = std::move(why);
      return finish(std::move(result));
    }
    job.not_before = now + retry_backoff_.delay(job.attempts);
  } else {
    return finish(std::move(result));  // 400, 403, ...: retrying would get the same answer
  }
  if (job.deadline && job.not_before >= *job.deadline) {
    return finish(outbox_error(kDeadlineExceeded));
  }
  requeue(job);
  return std::nullopt;
}

Job Scheduler::remove_queued(std::unordered_map<JobId, Job>::iterator it) {
  Job job = std::move(it->second);
  jobs_.erase(it);
  --queued_[index_of(job.priority)];
  if (route_of(job) == Route::kChat) {
    if (auto cit = chats_.find(*job.chat_id); cit != chats_.end()) {
      if (--cit->second.queued == 0 && !cit->second.busy) note_settled();
    }
  }
  return job;
}

std::vector<Job> Scheduler::take_expired(core::TimePoint now) {
  std::vector<Job> out;
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    const JobId id = deadlines_.top().second;
    deadlines_.pop();
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.in_flight) continue;
    out.push_back(remove_queued(it));
  }
  return out;
}

void Scheduler::pause(Priority priority, bool paused) { paused_[index_of(priority)] = paused; }

std::vector<Job> Scheduler::take_queued(std::optional<Priority> only) {
  std::vector<JobId> ids;
  for (const auto& [id, job] : jobs_) {
    if (!job.in_flight && (!only || job.priority == *only)) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<Job> out;
  out.reserve(ids.size());
  for (JobId id : ids) out.push_back(remove_queued(jobs_.find(id)));
  return out;
}

std::size_t Scheduler::in_flight_limit() const {
  const double rate =
      (options_.paid_broadcast_rate > 0 ? options_.paid_broadcast_rate : options_.global_rate) *
      rate_factor_;
  const double target = std::ceil(rate * latency_s_ * options_.concurrency_headroom);
  const auto lo = std::max<std::size_t>(options_.min_in_flight, 1);
  const auto hi = std::max(options_.max_in_flight, lo);
  if (!(target > static_cast<double>(lo))) return lo;
  if (target >= static_cast<double>(hi)) return hi;
  return static_cast<std::size_t>(target);
}

SchedulerStats Scheduler::stats() const {
  SchedulerStats s;
  s.queued = queued_;
  s.in_flight = in_flight_total_;
  s.in_flight_limit = in_flight_limit();
  s.rate_factor = rate_factor_;
  s.bulk_factor = bulk_factor_;
  s.rate =
      (options_.paid_broadcast_rate > 0 ? options_.paid_broadcast_rate : options_.global_rate) *
      rate_factor_;
  s.latency = std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(latency_s_));
  s.rate_limited = rate_limited_;
  s.global_backoffs = global_backoffs_;
  s.throttle_backoffs = throttle_backoffs_;
  s.retries = retries_;
  s.chats = chats_.size();
  return s;
}

}  // namespace corebot::outbox
