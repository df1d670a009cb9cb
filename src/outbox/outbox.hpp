// The Outbox: every Bot API call of the engine goes through it. It decides when each call may
// leave (priority classes, Telegram's rate limits, 429 handling, retries; see scheduler.hpp and
// docs/outbox.md), sends it through the transport and reports the final result once.
//
// Threading: everything (constructor, submit, drain, destructor) runs on the executor's thread
// (the loop thread), and so do all callbacks. A call's `done` may run inside submit() of another
// call when the transport answers synchronously (fakes do); refusals and drain()'s callback are
// always posted. From another thread, post to the loop first. Not reentrant-destructible: do not
// destroy the Outbox from one of its callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/log_throttle.hpp"
#include "outbox/job.hpp"
#include "outbox/metrics.hpp"
#include "outbox/options.hpp"
#include "outbox/scheduler.hpp"
#include "telegram/api_call.hpp"

namespace corebot::net {
class EventLoop;
}

namespace corebot::outbox {

using core::Executor;

// An Executor on the engine's event loop (borrowed: the loop must outlive it). Defined in the
// corebot_outbox_loop target, which links the network stack; see event_loop_executor.hpp.
[[nodiscard]] std::unique_ptr<Executor> make_event_loop_executor(net::EventLoop& loop);

struct OutboxCall {
  telegram::ApiRequest request;
  Priority priority = Priority::kInteractive;
  // The chat whose limits and order apply; derived from request.params["chat_id"] when absent.
  std::optional<std::int64_t> chat_id;
  // Not started after this time: reported with error_code kOutboxErrorCode, "deadline exceeded".
  std::optional<core::TimePoint> deadline;
  // Runs once with the final result: Telegram's answer (after retries), or an outbox error
  // (error_code kOutboxErrorCode: deadline exceeded, draining, closed). May be empty.
  std::function<void(telegram::ApiResult)> done;
};

// Sends one request (contract in telegram/api_call.hpp). Production: wraps
// telegram::BotApiClient::call.
using Transport = telegram::ApiTransport;

// Implements corebot::Sender: modules' calls enter here (as the public CallResult).
// "2 sendMessage (interactive) to chats 5, 7; 1 copyMessage (bulk)": what a list of calls is, for
// the log line of calls dropped at shutdown (the first few chat ids of each kind).
[[nodiscard]] std::string describe_calls(const std::vector<OutboxCall>& calls);

class Outbox final : public corebot::Sender {
 public:
  // Borrows executor and clock (they must outlive the Outbox).
  Outbox(Executor& executor, const core::Clock& clock, Transport transport,
         OutboxOptions options = {});
  // Same, owning the executor (e.g. make_event_loop_executor(loop)).
  Outbox(std::unique_ptr<Executor> executor, const core::Clock& clock, Transport transport,
         OutboxOptions options = {});
  // Calls still queued are dropped without their `done` running (use drain() to keep them);
  // answers of requests in flight are ignored.
  ~Outbox() override;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Queues a call. Never blocks and never fails directly: refusals (bulk while draining,
  // anything after drain finished) are reported through `done`, posted to the executor.
  void submit(OutboxCall call);

  // corebot::Sender: submit() with the public call and result types.
  using Sender::call;
  void call(ApiCall api_call, Priority priority, CallDone done) override;

  // Graceful shutdown: refuses new bulk calls, stops starting queued bulk calls, and lets the
  // other classes' queued calls and all requests in flight finish, for at most `limit`. Then
  // `done` gets every call still queued (their own `done` not called: the caller owns them now,
  // e.g. to persist a mailing), and the outbox is closed: later submits are refused. A retry that
  // comes back after closing is reported failed with "outbox closed". `done` always runs from
  // the executor, never inside drain(). Calling drain() twice replaces nothing: the second call
  // is ignored.
  void drain(core::Duration limit, std::function<void(std::vector<OutboxCall>)> done);

  // Called with the chat id when a call fails with 403 "bot was blocked by the user" (after that
  // call's own `done`), so a module can mark the user inactive.
  void set_blocked_handler(std::function<void(std::int64_t chat_id)> handler);

  // Prometheus text format (docs/outbox.md lists the series).
  [[nodiscard]] std::string metrics_text() const;
  [[nodiscard]] SchedulerStats stats() const { return scheduler_.stats(); }
  [[nodiscard]] const OutboxMetrics& metrics() const { return metrics_; }
  // Calls accepted and not yet reported: queued plus in flight (long polls included).
  [[nodiscard]] std::size_t size() const { return pending_.size(); }
  [[nodiscard]] bool draining() const { return draining_; }
  [[nodiscard]] bool closed() const { return closed_; }

 private:
  struct Pending {
    std::function<void(telegram::ApiResult)> done;
    core::TimePoint submitted;
  };

  // Why `call` may not be queued now (a bound of OutboxOptions is reached), or nullopt.
  [[nodiscard]] std::optional<std::string_view> overflow(const OutboxCall& call) const;
  void refuse(OutboxCall& call, CallOutcome outcome, std::string_view why);
  void pump();
  void start(const Job& job);
  void on_result(JobId id, telegram::ApiResult result);
  // Moves `result` into the caller's `done` (a sendMessage answer is a whole Message).
  void report(const Job& job, telegram::ApiResult result, CallOutcome outcome);
  void check_drain(core::TimePoint now);
  void arm_timer(core::TimePoint now);
  void post(std::function<void()> fn);

  std::unique_ptr<Executor> owned_executor_;
  Executor& executor_;
  const core::Clock& clock_;
  Transport transport_;
  Scheduler scheduler_;
  OutboxMetrics metrics_;
  std::unordered_map<JobId, Pending> pending_;
  std::function<void(std::int64_t)> on_blocked_;
  // Failed calls without a `done` are logged, at most 10 lines a minute.
  core::LogThrottle failure_log_{10, std::chrono::minutes(1)};

  bool pumping_ = false;
  bool repump_ = false;
  std::optional<Executor::TimerId> timer_;
  core::TimePoint timer_at_{};

  bool draining_ = false;
  bool closed_ = false;
  core::TimePoint drain_deadline_{};
  std::function<void(std::vector<OutboxCall>)> drain_done_;

  // Callbacks given away hold a weak reference: after destruction they do nothing.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::outbox
