#include "outbox/outbox.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "core/log.hpp"

namespace corebot::outbox {

std::string describe_calls(const std::vector<OutboxCall>& calls) {
  struct Kind {
    std::size_t count = 0;
    std::vector<std::int64_t> chats;
  };
  constexpr std::size_t kChatsShown = 5;
  std::map<std::pair<std::string, std::string>, Kind> kinds;  // (method, class)
  for (const OutboxCall& call : calls) {
    Kind& kind = kinds[{call.request.method, std::string(to_string(call.priority))}];
    ++kind.count;
    const auto chat = call.chat_id ? call.chat_id : chat_key_of(call.request.params);
    if (chat && kind.chats.size() < kChatsShown) kind.chats.push_back(*chat);
  }
  std::string out;
  for (const auto& [key, kind] : kinds) {
    if (!out.empty()) out += "; ";
    out += std::to_string(kind.count) + " " + key.first + " (" + key.second + ")";
    for (std::size_t i = 0; i < kind.chats.size(); ++i) {
      out += (i == 0 ? " to chats " : ", ") + std::to_string(kind.chats[i]);
    }
    if (kind.count > kind.chats.size() && !kind.chats.empty()) out += ", ...";
  }
  return out;
}

Outbox::Outbox(Executor& executor, const core::Clock& clock, Transport transport,
               OutboxOptions options)
    : executor_(executor),
      clock_(clock),
      transport_(std::move(transport)),
      scheduler_(std::move(options)) {}

Outbox::Outbox(std::unique_ptr<Executor> executor, const core::Clock& clock, Transport transport,
               OutboxOptions options)
    : owned_executor_(std::move(executor)),
      executor_(*owned_executor_),
      clock_(clock),
      transport_(std::move(transport)),
      scheduler_(std::move(options)) {}

Outbox::~Outbox() {
  if (timer_) executor_.cancel(*timer_);
}

void Outbox::post(std::function<void()> fn) {
  executor_.post([token = std::weak_ptr<char>(alive_), fn = std::move(fn)] {
    if (!token.expired()) fn();
  });
}

void Outbox::call(ApiCall api_call, Priority priority, CallDone done) {
  OutboxCall call;
  call.request.method = std::move(api_call.method);
  call.request.params = std::move(api_call.params);
  for (auto& f : api_call.files) {
    call.request.files.push_back(
        {std::move(f.field), std::move(f.filename), std::move(f.content_type), std::move(f.data)});
  }
  call.request.wants_result = api_call.wants_result && done;
  call.priority = priority;
  if (done) {
    call.done = [done = std::move(done)](telegram::ApiResult r) {
      CallResult result;
      result.ok = r.ok;
      result.result = std::move(r.result);
      result.error_code = r.error.error_code;
      result.description = r.error.description;
      result.blocked_by_user = is_blocked_by_user(r.error);
      result.migrate_to_chat_id = r.error.migrate_to_chat_id;
      done(result);
    };
  }
  submit(std::move(call));
}

std::optional<std::string_view> Outbox::overflow(const OutboxCall& call) const {
  const OutboxOptions& o = scheduler_.options();
  const std::size_t limit = call.priority == Priority::kBulk ? o.max_queued / 2 : o.max_queued;
  if (scheduler_.queued_total() >= limit) return kOutboxFull;
  const auto chat = call.chat_id ? call.chat_id : chat_key_of(call.request.params);
  if (chat && scheduler_.queued_for_chat(*chat) >= o.max_queued_per_chat) return kChatQueueFull;
  return std::nullopt;
}

void Outbox::refuse(OutboxCall& call, CallOutcome outcome, std::string_view why) {
  metrics_.record(call.priority, outcome, {});
  if (outcome == CallOutcome::kOverflow && failure_log_.allow(clock_.now())) {
    COREBOT_LOG_WARN("outbox: refused {}: {}", describe_calls({call}), why);
  }
  if (call.done) {
    post([done = std::move(call.done), why] { done(outbox_error(why)); });
  }
}

void Outbox::submit(OutboxCall call) {
  if (closed_ || (draining_ && call.priority == Priority::kBulk)) {
    return refuse(call, CallOutcome::kRejected, closed_ ? kOutboxClosed : kOutboxDraining);
  }
  if (const auto full = overflow(call)) return refuse(call, CallOutcome::kOverflow, *full);
  Job job;
  job.priority = call.priority;
  job.chat_id = call.chat_id;
  job.deadline = call.deadline;
  const core::Duration default_deadline = scheduler_.options().interactive_deadline;
  if (!job.deadline && call.priority == Priority::kInteractive &&
      default_deadline > core::Duration::zero()) {
    job.deadline = clock_.now() + default_deadline;
  }
  job.request = std::move(call.request);
  const JobId id = scheduler_.enqueue(std::move(job));
  pending_.emplace(id, Pending{std::move(call.done), clock_.now()});
  pump();
}

void Outbox::set_blocked_handler(std::function<void(std::int64_t)> handler) {
  on_blocked_ = std::move(handler);
}

void Outbox::pump() {
  // Transports and `done` callbacks may re-enter (answer synchronously, submit more): loop
  // instead of recursing.
  if (pumping_) {
    repump_ = true;
    return;
  }
  pumping_ = true;
  core::TimePoint now;
  do {
    repump_ = false;
    now = clock_.now();
    for (Job& job : scheduler_.take_expired(now)) {
      report(job, outbox_error(kDeadlineExceeded), CallOutcome::kDeadline);
    }
    while (const Job* job = scheduler_.start_next(now)) start(*job);
    check_drain(now);
  } while (repump_);
  pumping_ = false;
  arm_timer(now);
}

void Outbox::start(const Job& job) {
  const JobId id = job.id;
  // The request is lent to the transport: the scheduler keeps it for a retry.
  transport_(job.request,
             [this, id, token = std::weak_ptr<char>(alive_)](telegram::ApiResult result) {
               if (!token.expired()) on_result(id, std::move(result));
             });
}

void Outbox::on_result(JobId id, telegram::ApiResult result) {
  if (auto finished = scheduler_.on_done(id, std::move(result), clock_.now())) {
    CallOutcome outcome = CallOutcome::kSent;
    if (finished->blocked) {
      outcome = CallOutcome::kBlocked;
    } else if (!finished->result.ok) {
      outcome = finished->result.error.error_code == kOutboxErrorCode &&
                        finished->result.error.description == kDeadlineExceeded
                    ? CallOutcome::kDeadline
                    : CallOutcome::kFailed;
    }
    report(finished->job, std::move(finished->result), outcome);
    if (finished->blocked && on_blocked_ && finished->job.chat_id) {
      on_blocked_(*finished->job.chat_id);
    }
  }
  pump();
}

void Outbox::report(const Job& job, telegram::ApiResult result, CallOutcome outcome) {
  auto it = pending_.find(job.id);
  if (it == pending_.end()) return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  metrics_.record(job.priority, outcome, clock_.now() - pending.submitted);
  if (pending.done) return pending.done(std::move(result));
  // Nobody waits for this call (most replies): the log is the only place its failure shows.
  // A user who blocked the bot is not a fault.
  if (outcome == CallOutcome::kSent || outcome == CallOutcome::kBlocked) return;
  if (!failure_log_.allow(clock_.now())) return;
  const std::uint64_t left_out = failure_log_.take_suppressed();
  const auto chat = chat_key_of(job.request.params);
  COREBOT_LOG_WARN("outbox: {} to chat {} failed: {} {}{}", job.request.method,
                   chat ? std::to_string(*chat) : std::string("-"), result.error.error_code,
                   result.error.description,
                   left_out ? " (" + std::to_string(left_out) + " more failed sends not logged)"
                            : std::string());
}

void Outbox::drain(core::Duration limit, std::function<void(std::vector<OutboxCall>)> done) {
  if (draining_ || closed_) return;
  draining_ = true;
  drain_deadline_ = clock_.now() + limit;
  drain_done_ = std::move(done);
  scheduler_.pause(Priority::kBulk, true);
  post([this] { pump(); });
}

void Outbox::check_drain(core::TimePoint now) {
  if (closed_) {
    // Retries that came back after closing have nowhere to go.
    for (Job& job : scheduler_.take_queued()) {
      report(job, outbox_error(kOutboxClosed), CallOutcome::kFailed);
    }
    return;
  }
  if (!draining_) return;
  const bool busy =
      scheduler_.queued(Priority::kInteractive) > 0 || scheduler_.queued(Priority::kAdmin) > 0 ||
      scheduler_.queued(Priority::kNotification) > 0 || scheduler_.in_flight_capped() > 0;
  if (busy && now < drain_deadline_) return;
  closed_ = true;
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    scheduler_.pause(static_cast<Priority>(p), true);
  }
  std::vector<OutboxCall> left;
  for (Job& job : scheduler_.take_queued()) {
    OutboxCall call;
    call.request = std::move(job.request);
    call.priority = job.priority;
    call.chat_id = job.chat_id;
    call.deadline = job.deadline;
    if (auto it = pending_.find(job.id); it != pending_.end()) {
      call.done = std::move(it->second.done);
      pending_.erase(it);
    }
    metrics_.record(job.priority, CallOutcome::kRejected, {});
    left.push_back(std::move(call));
  }
  auto done = std::move(drain_done_);
  drain_done_ = nullptr;
  if (done) {
    post([done = std::move(done), left = std::move(left)]() mutable { done(std::move(left)); });
  }
}

void Outbox::arm_timer(core::TimePoint now) {
  std::optional<core::TimePoint> wake = scheduler_.next_wake(now);
  if (auto due = scheduler_.cleanup_due(); due && (!wake || *due < *wake)) wake = due;
  if (draining_ && !closed_ && (!wake || drain_deadline_ < *wake)) wake = drain_deadline_;
  if (timer_ && wake && *wake == timer_at_) return;
  if (timer_) {
    executor_.cancel(*timer_);
    timer_.reset();
  }
  if (!wake) return;
  timer_at_ = *wake;
  timer_ = executor_.after(std::max(*wake - now, core::Duration::zero()),
                           [this, token = std::weak_ptr<char>(alive_)] {
                             if (token.expired()) return;
                             timer_.reset();
                             pump();
                           });
}

std::string Outbox::metrics_text() const { return metrics_.render(scheduler_.stats()); }

}  // namespace corebot::outbox
