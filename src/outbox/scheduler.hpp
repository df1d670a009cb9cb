// The outbox's decision logic: which queued call may start now, and when to look again. Pure: no
// I/O, no threads, no clock of its own (every call takes `now`), so it is tested step by step.
//
// Rules (docs/outbox.md has the long form):
// - Strict priority: at each start the highest class with an eligible call wins; lower classes
//   get only slots the higher ones cannot use (work-conserving).
// - Within a class, chats take turns (round-robin), each chat's calls in FIFO order.
// - A chat has at most one rate-limited call in flight; a retried call keeps its place at the
//   head of its chat's queue, so order survives retries.
// - Rate-limited calls need the global budget (and the paid one when enabled) plus their chat's
//   budget (private: token bucket; group: sliding window). Other calls need neither. A budget is
//   a sliding window of call starts (at most N in any 1 s + guard); bulk calls leave the last
//   `bulk_reserve` calls of each window to the other classes and are paced evenly.
// - 429: the chat waits retry_after. 429s across several chats (a flood) pause and cut the bulk
//   class only; replies to other chats keep their rate. Only when most replies started after
//   that cut still get 429s (Telegram throttles the bot as a whole) is every class slowed, not
//   below a floor. Cuts are undone multiplicatively once the floods stop. 5xx/transport:
//   jittered exponential backoff (core::Backoff, by the call's attempts).
//
// Threading: not thread-safe; the Outbox uses it from the loop thread only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "outbox/job.hpp"
#include "outbox/options.hpp"
#include "outbox/rate_limit.hpp"
#include "telegram/api_call.hpp"

namespace corebot::outbox {

// A call that will not be tried again, with the result to report to its caller.
struct Finished {
  Job job;
  telegram::ApiResult result;
  bool blocked = false;  // 403 "bot was blocked by the user"
};

struct SchedulerStats {
  std::array<std::size_t, kPriorityCount> queued{};  // waiting, not in flight
  std::size_t in_flight = 0;                         // all calls started and not done
  std::size_t in_flight_limit = 0;                   // current adaptive cap
  double rate = 0;                                   // effective global calls/s now
  double rate_factor = 1;          // < 1 while Telegram throttles the bot as a whole (every class)
  double bulk_factor = 1;          // < 1 while bulk is cut after a 429 flood (of `rate`)
  core::Duration latency{};        // smoothed request latency
  std::uint64_t rate_limited = 0;  // 429 answers
  std::uint64_t global_backoffs = 0;    // 429 floods (each cuts bulk)
  std::uint64_t throttle_backoffs = 0;  // times every class was slowed
  std::array<std::uint64_t, kPriorityCount> retries{};
  std::size_t chats = 0;  // chats with limiter state
};

class Scheduler {
 public:
  explicit Scheduler(OutboxOptions options);

  // Queues a call and returns its id (job.id is overwritten). job.kind and, when absent,
  // job.chat_id are derived from the request.
  JobId enqueue(Job job);

  // Marks the call to start now as started and returns it, or null when nothing may start before
  // next_wake(). Its request carries `allow_paid_broadcast` when it applies. The job is the
  // scheduler's: the pointer is valid until on_done() for it (which may erase it), and the
  // request is not copied for the transport (a reply's keyboard is most of a call). Call
  // take_expired(now) first, so no expired call is started.
  [[nodiscard]] const Job* start_next(core::TimePoint now);
  // start_next() as a copy, for callers that keep the job past on_done() (tests).
  [[nodiscard]] std::optional<Job> next(core::TimePoint now) {
    if (const Job* job = start_next(now)) return *job;
    return std::nullopt;
  }

  // When a waiting call may become startable (a chat or retry delay ends, the global budget
  // refills, a deadline passes). nullopt: only on_done() or enqueue() can change anything.
  // Returns `now` until next() has returned nullopt since the last change (enqueue, on_done, a
  // start), so callers cannot sleep through work that is ready.
  [[nodiscard]] std::optional<core::TimePoint> next_wake(core::TimePoint now) const;

  // When next() should run again to forget the state of chats that went idle (private chats are
  // idle a second after their last message), even if no call is waiting: nullopt when no chat is
  // about to go idle. Separate from next_wake(), which only says when a call may start.
  [[nodiscard]] std::optional<core::TimePoint> cleanup_due() const { return gc_due_; }

  // Feeds back the answer for a started call. Returns the final outcome, or nullopt when the
  // call was queued again for a retry (or the id is unknown).
  [[nodiscard]] std::optional<Finished> on_done(JobId id, telegram::ApiResult result,
                                                core::TimePoint now);

  // Removes and returns queued calls whose deadline has passed (not calls in flight: when such
  // a call fails retryably after its deadline, on_done reports "deadline exceeded").
  [[nodiscard]] std::vector<Job> take_expired(core::TimePoint now);

  // A paused class keeps its queue but starts nothing (drain pauses kBulk).
  void pause(Priority priority, bool paused);
  // Removes and returns every queued call (of one class, or all), in submission order.
  [[nodiscard]] std::vector<Job> take_queued(std::optional<Priority> only = std::nullopt);

  [[nodiscard]] const OutboxOptions& options() const { return options_; }
  [[nodiscard]] std::size_t queued(Priority p) const { return queued_[index_of(p)]; }
  // Calls waiting (not in flight) in every class.
  [[nodiscard]] std::size_t queued_total() const;
  // Calls waiting (not in flight) for the chat with this key (chat_key_of); 0 when none.
  [[nodiscard]] std::size_t queued_for_chat(std::int64_t key) const;
  // Calls in flight that count toward the cap (long polls excluded).
  [[nodiscard]] std::size_t in_flight_capped() const { return in_flight_capped_; }
  [[nodiscard]] std::size_t in_flight_limit() const;
  [[nodiscard]] SchedulerStats stats() const;

 private:
  enum class Route { kUncapped, kFree, kChat };
  enum class LaneState { kIdle, kReady, kParked, kTimed };
  struct Lane {
    SmallFifo<JobId> ids;  // may hold ids of jobs that expired; skipped at the head
    LaneState state = LaneState::kIdle;
  };
  struct Chat {
    explicit Chat(const OutboxOptions& o)
        : bucket(1.0 / (1.0 / o.private_chat_rate +
                        std::chrono::duration<double>(o.chat_window_guard).count()),
                 o.private_chat_burst),
          window(o.group_limit, o.group_window + o.chat_window_guard) {}
    std::array<Lane, kPriorityCount> lanes;
    std::size_t queued = 0;
    bool busy = false;  // a rate-limited call of this chat is in flight
    core::TimePoint blocked_until{};
    TokenBucket bucket;    // private chats
    SlidingWindow window;  // groups
  };
  struct Wake {
    core::TimePoint at;
    std::int64_t chat = 0;
    std::size_t cls = 0;
    JobId job = 0;  // non-zero: a delayed retry of a call outside chat lanes
    bool operator>(const Wake& o) const { return at > o.at; }
  };
  struct Budget {  // buckets a higher class is waiting for in this next() pass
    bool free = false;
    bool paid = false;
  };

  Route route_of(const Job& job) const;
  bool paid_applies(const Job& job) const;
  bool needs_free(const Job& job) const;
  bool needs_paid(const Job& job) const;
  bool budget_ok(const Job& job, core::TimePoint now, Budget& reserved);
  void take_budget(const Job& job, core::TimePoint now);
  core::TimePoint chat_ready_at(Chat& chat, std::int64_t key, const Job& job,
                                core::TimePoint now) const;
  void advance(core::TimePoint now);
  void note_rate_limited(std::int64_t key, core::Duration retry_after, core::TimePoint now);
  void note_answer(const Job& job, bool rate_limited, core::TimePoint now);
  void apply_rate();
  void note_settled();  // a chat has nothing queued or in flight: its state may go soon
  std::size_t bulk_reserve(const SlidingWindow& window) const;
  const Job* start(Job& job, core::TimePoint now);
  void make_ready(std::int64_t key, Chat& chat, std::size_t cls);
  void requeue(Job& job);
  Job remove_queued(std::unordered_map<JobId, Job>::iterator it);
  const Job* next_free(std::deque<JobId>& queue, core::TimePoint now, Budget& reserved,
                       bool budgets);

  OutboxOptions options_;
  std::unordered_map<JobId, Job> jobs_;
  std::unordered_map<std::int64_t, Chat> chats_;
  std::array<std::deque<std::int64_t>, kPriorityCount> ring_;  // chats with a ready lane
  std::array<std::deque<JobId>, kPriorityCount> free_;         // calls outside chat lanes
  std::deque<JobId> uncapped_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> wakes_;
  using Deadline = std::pair<core::TimePoint, JobId>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::array<bool, kPriorityCount> paused_{};
  std::array<std::size_t, kPriorityCount> queued_{};

  // The global budgets (all limited calls; without paid broadcasts only `free_`), and the pacers
  // of bulk calls drawing from each.
  SlidingWindow free_window_;
  SlidingWindow paid_window_;
  TokenBucket free_pacer_;
  TokenBucket paid_pacer_;
  // 429 policy (options.hpp, "429"): bulk pays first, every class only when the bot as a whole
  // is throttled. Each factor recovers on its own from its last cut.
  core::TimePoint bulk_paused_until_{};  // bulk pause after a 429 flood
  double bulk_factor_ = 1.0;
  core::TimePoint bulk_changed_at_{};
  core::TimePoint bulk_cut_since_{};  // the first cut of the current episode (bulk_factor_ < 1)
  double rate_factor_ = 1.0;
  core::TimePoint factor_changed_at_{};
  core::TimePoint throttle_cut_at_{};  // the last cut of every class
  struct RateLimitedHit {
    core::TimePoint at;
    std::int64_t chat;
    core::Duration retry_after;
  };
  std::deque<RateLimitedHit> recent_429_;
  struct Answer {  // a non-bulk limited call answered while bulk is cut (throttle detection)
    core::TimePoint at;
    std::int64_t chat;
    bool rate_limited;
  };
  std::deque<Answer> recent_answers_;
  std::optional<core::TimePoint> budget_wake_;
  bool dirty_ = false;  // changed since next() last returned nullopt
  core::TimePoint last_gc_{};
  // When to look for idle chats again; set while some chat has nothing queued or in flight.
  std::optional<core::TimePoint> gc_due_;

  core::Backoff retry_backoff_;  // 5xx/transport: by the failed call's attempts
  double latency_s_;
  std::size_t in_flight_capped_ = 0;
  std::size_t in_flight_total_ = 0;
  JobId next_id_ = 1;
  std::uint64_t rate_limited_ = 0;
  std::uint64_t global_backoffs_ = 0;
  std::uint64_t throttle_backoffs_ = 0;
  std::array<std::uint64_t, kPriorityCount> retries_{};
};

}  // namespace corebot::outbox
