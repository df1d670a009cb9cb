#include "outbox/outbox.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/manual_executor.hpp"

namespace corebot::outbox {

using core::ManualExecutor;
namespace {

using namespace std::chrono_literals;

telegram::ApiResult ok() {
  telegram::ApiResult r;
  r.ok = true;
  r.result = true;
  return r;
}

telegram::ApiResult error(int code, std::string description,
                          std::optional<int> retry_after = std::nullopt) {
  telegram::ApiResult r;
  r.error.error_code = code;
  r.error.description = std::move(description);
  r.error.retry_after = retry_after;
  return r;
}

// Records every request; answers ok at once when `auto_ok`, else waits for the test.
struct FakeTransport {
  struct Call {
    telegram::ApiRequest request;
    std::function<void(telegram::ApiResult)> reply;
    core::TimePoint at;
  };
  core::ManualClock& clock;
  bool auto_ok = false;
  std::vector<Call> calls;

  Transport fn() {
    return [this](telegram::ApiRequest request, std::function<void(telegram::ApiResult)> reply) {
      calls.push_back(Call{std::move(request), auto_ok ? nullptr : reply, clock.now()});
      if (auto_ok) reply(ok());
    };
  }
  std::int64_t chat(std::size_t i) const {
    return calls.at(i).request.params.at("chat_id").as_int64();
  }
};

struct Reports {
  std::vector<telegram::ApiResult> results;
  std::function<void(const telegram::ApiResult&)> sink() {
    return [this](const telegram::ApiResult& r) { results.push_back(r); };
  }
};

OutboxCall message(std::int64_t chat, Priority p = Priority::kInteractive,
                   std::function<void(const telegram::ApiResult&)> done = nullptr) {
  OutboxCall c;
  c.request.method = "sendMessage";
  c.request.params["chat_id"] = chat;
  c.request.params["text"] = "hello";
  c.priority = p;
  c.done = std::move(done);
  return c;
}

class OutboxTest : public ::testing::Test {
 protected:
  core::ManualClock clock_;
  ManualExecutor executor_{clock_};
  FakeTransport transport_{clock_};
  // Per-chat spacing exactly 1 s here; the guard is covered by the scheduler's tests.
  OutboxOptions options_{.chat_window_guard = core::Duration::zero()};
  std::unique_ptr<Outbox> outbox_;

  Outbox& make() {
    outbox_ = std::make_unique<Outbox>(executor_, clock_, transport_.fn(), options_);
    return *outbox_;
  }
};

TEST_F(OutboxTest, SendsAndReportsOnce) {
  auto& box = make();
  Reports reports;
  box.submit(message(1, Priority::kInteractive, reports.sink()));
  ASSERT_EQ(transport_.calls.size(), 1u);
  EXPECT_EQ(transport_.calls[0].request.method, "sendMessage");
  EXPECT_TRUE(reports.results.empty());
  transport_.calls[0].reply(ok());
  ASSERT_EQ(reports.results.size(), 1u);
  EXPECT_TRUE(reports.results[0].ok);
  executor_.advance(1min);
  EXPECT_EQ(reports.results.size(), 1u);
  EXPECT_EQ(box.metrics().count(Priority::kInteractive, CallOutcome::kSent), 1u);
}

// A caller that reads the answer gets it (moved, not copied); a call without `done`, or one whose
// caller says it will not read it, lets the transport leave it unparsed.
TEST_F(OutboxTest, OnlyACallerWhoReadsTheAnswerAsksForIt) {
  auto& box = make();
  std::vector<CallResult> results;
  auto keep = [&](const CallResult& r) { results.push_back(r); };
  box.call("sendMessage", {{"chat_id", 1}, {"text", "a"}}, Priority::kInteractive, keep);
  box.call("sendMessage", {{"chat_id", 2}, {"text", "b"}}, Priority::kInteractive);
  ApiCall unread{"sendMessage", {{"chat_id", 3}, {"text", "c"}}, {}};
  unread.wants_result = false;
  box.call(std::move(unread), Priority::kInteractive, keep);
  ASSERT_EQ(transport_.calls.size(), 3u);
  EXPECT_TRUE(transport_.calls[0].request.wants_result);
  EXPECT_FALSE(transport_.calls[1].request.wants_result);
  EXPECT_FALSE(transport_.calls[2].request.wants_result);
  telegram::ApiResult answer = ok();
  answer.result = boost::json::object{{"message_id", 9}};
  transport_.calls[0].reply(answer);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].result.at("message_id"), 9);
}

// A reply nobody waits for (no `done`) that Telegram refuses is logged with its method, chat and
// Telegram's description, at most 10 lines a minute; a blocked user is not a fault (issue 10).
TEST_F(OutboxTest, FailedSendsWithoutACallbackAreLoggedRateLimited) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  auto& box = make();
  for (int chat = 1; chat <= 13; ++chat) {
    box.submit(message(chat, Priority::kInteractive, nullptr));
    transport_.calls.back().reply(chat == 13 ? error(403, "Forbidden: bot was blocked by the user")
                                             : error(400, "Bad Request: message is too long"));
    executor_.advance(100ms);
  }
  auto lines = sink->last_formatted();
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_NE(
      lines[0].find("outbox: sendMessage to chat 1 failed: 400 Bad Request: message is too long"),
      std::string::npos)
      << lines[0];
  executor_.advance(1min);
  box.submit(message(20, Priority::kInteractive, nullptr));
  transport_.calls.back().reply(error(400, "Bad Request: chat not found"));
  lines = sink->last_formatted();
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_NE(lines.back().find("chat 20 failed: 400 Bad Request: chat not found (2 more failed "
                              "sends not logged)"),
            std::string::npos)
      << lines.back();
  spdlog::set_default_logger(previous);
}

TEST(DescribeCalls, SaysWhatWasDroppedByMethodClassAndChat) {
  std::vector<OutboxCall> calls;
  for (int chat : {5, 7}) calls.push_back(message(chat, Priority::kInteractive));
  for (int chat = 100; chat < 107; ++chat) calls.push_back(message(chat, Priority::kBulk));
  EXPECT_EQ(describe_calls(calls),
            "7 sendMessage (bulk) to chats 100, 101, 102, 103, 104, ...; "
            "2 sendMessage (interactive) to chats 5, 7");
  EXPECT_EQ(describe_calls({}), "");
}

TEST_F(OutboxTest, ReplyOvertakesARunningMailingAtOnce) {
  transport_.auto_ok = true;
  auto& box = make();
  Reports bulk;
  for (int i = 0; i < 1000; ++i) box.submit(message(1000 + i, Priority::kBulk, bulk.sink()));
  executor_.advance(3340ms);  // the mailing fills its share of the window, mid-slot
  const std::size_t sent_before = transport_.calls.size();
  const auto submitted = clock_.now();
  Reports reply;
  box.submit(message(7, Priority::kInteractive, reply.sink()));
  // Bulk left the window's last slot free: the reply leaves inside submit().
  ASSERT_EQ(transport_.calls.size(), sent_before + 1);
  EXPECT_EQ(transport_.chat(sent_before), 7);
  EXPECT_EQ(transport_.calls[sent_before].at, submitted);
  ASSERT_EQ(reply.results.size(), 1u);
}

TEST_F(OutboxTest, MailingRunsAtFullRateEndToEnd) {
  transport_.auto_ok = true;
  auto& box = make();
  Reports reports;
  const auto t0 = clock_.now();
  for (int i = 0; i < 60; ++i) box.submit(message(i + 1, Priority::kBulk, reports.sink()));
  executor_.advance(3s);
  ASSERT_EQ(reports.results.size(), 60u);
  // Bulk's share: 28 (30 - bulk_reserve) per 1.02 s, evenly paced, so the 57th waits for two
  // windows.
  EXPECT_LE(transport_.calls.back().at - t0, 60 * 1020ms / 28);
  EXPECT_GE(transport_.calls.back().at - t0, 2040ms);
  EXPECT_GT(box.stats().chats, 0u);
  // The outbox wakes once more to forget the chats (idle a second after their message); then
  // nothing is left to wake up for.
  executor_.advance(3s);
  EXPECT_EQ(box.stats().chats, 0u);
  EXPECT_EQ(executor_.pending_timers(), 0u);
}

TEST_F(OutboxTest, RetryAfterIsWaitedOutExactly) {
  auto& box = make();
  Reports reports;
  box.submit(message(1, Priority::kInteractive, reports.sink()));
  transport_.calls[0].reply(error(429, "Too Many Requests: retry after 3", 3));
  EXPECT_TRUE(reports.results.empty());
  executor_.advance(3s - 1ns);
  EXPECT_EQ(transport_.calls.size(), 1u);
  executor_.advance(1ns);
  ASSERT_EQ(transport_.calls.size(), 2u);
  transport_.calls[1].reply(ok());
  ASSERT_EQ(reports.results.size(), 1u);
  EXPECT_TRUE(reports.results[0].ok);
  EXPECT_NE(box.metrics_text().find("corebot_outbox_rate_limited_total 1"), std::string::npos);
}

TEST_F(OutboxTest, ServerErrorRetriedThenReported) {
  options_.max_attempts = 3;
  auto& box = make();
  Reports reports;
  box.submit(message(1, Priority::kInteractive, reports.sink()));
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(transport_.calls.size(), i + 1);
    transport_.calls[i].reply(error(500, "Internal Server Error"));
    executor_.advance(options_.retry_max);
  }
  EXPECT_EQ(transport_.calls.size(), 3u);
  ASSERT_EQ(reports.results.size(), 1u);
  EXPECT_EQ(reports.results[0].error.error_code, 500);
}

// A timeout after the request left may mean Telegram delivered it: a mailing message is not sent
// again (each recipient gets at most one copy), a reply is (better twice than never).
TEST_F(OutboxTest, AMailingMessageThatMayHaveArrivedIsNotRepeatedAReplyIs) {
  auto& box = make();
  Reports mailing;
  Reports reply;
  telegram::ApiResult timeout = error(0, "Operation timed out");
  timeout.error.maybe_delivered = true;
  box.submit(message(1, Priority::kBulk, mailing.sink()));
  ASSERT_EQ(transport_.calls.size(), 1u);
  transport_.calls[0].reply(timeout);
  executor_.advance(options_.retry_max);
  EXPECT_EQ(transport_.calls.size(), 1u);
  ASSERT_EQ(mailing.results.size(), 1u);
  EXPECT_EQ(mailing.results[0].error.description.rfind(kMaybeDelivered, 0), 0u);

  box.submit(message(2, Priority::kInteractive, reply.sink()));
  ASSERT_EQ(transport_.calls.size(), 2u);
  transport_.calls[1].reply(timeout);
  executor_.advance(options_.retry_max);
  ASSERT_EQ(transport_.calls.size(), 3u);  // sent again
  transport_.calls[2].reply(ok());
  ASSERT_EQ(reply.results.size(), 1u);
  EXPECT_TRUE(reply.results[0].ok);

  // A mailing message that never left (connection refused) is retried as before.
  Reports refused;
  box.submit(message(3, Priority::kBulk, refused.sink()));
  ASSERT_EQ(transport_.calls.size(), 4u);
  transport_.calls[3].reply(error(0, "Couldn't connect to server"));
  executor_.advance(options_.retry_max);
  EXPECT_EQ(transport_.calls.size(), 5u);
}

TEST_F(OutboxTest, QueuedCallDroppedAtDeadline) {
  options_.private_chat_burst = 1;
  auto& box = make();
  transport_.auto_ok = true;
  Reports first;
  Reports late;
  box.submit(message(1, Priority::kInteractive, first.sink()));
  auto call = message(1, Priority::kInteractive, late.sink());
  call.deadline = clock_.now() + 200ms;
  box.submit(std::move(call));
  executor_.advance(200ms);
  ASSERT_EQ(late.results.size(), 1u);
  EXPECT_EQ(late.results[0].error.error_code, kOutboxErrorCode);
  EXPECT_EQ(late.results[0].error.description, kDeadlineExceeded);
  executor_.advance(5s);
  EXPECT_EQ(transport_.calls.size(), 1u);
  EXPECT_EQ(box.metrics().count(Priority::kInteractive, CallOutcome::kDeadline), 1u);
}

// A module that loops sending to one chat is refused once the chat's queue is full; other
// chats are not affected, and the refusal is counted (issue 10: no unbounded queues).
TEST_F(OutboxTest, AChatsQueueIsBounded) {
  options_.max_queued_per_chat = 3;
  auto& box = make();
  transport_.auto_ok = true;
  Reports reports;
  for (int i = 0; i < 5; ++i) box.submit(message(1, Priority::kInteractive, reports.sink()));
  box.submit(message(2, Priority::kInteractive, reports.sink()));
  executor_.advance(1ms);  // refusals are posted
  // 1 sent at once, 3 queued behind it, 1 refused; chat 2 unaffected.
  ASSERT_EQ(reports.results.size(), 3u);
  const auto refused = std::count_if(reports.results.begin(), reports.results.end(),
                                     [](auto& r) { return r.error.description == kChatQueueFull; });
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(box.metrics().count(Priority::kInteractive, CallOutcome::kOverflow), 1u);
  executor_.advance(10s);
  EXPECT_EQ(transport_.calls.size(), 5u);
}

// The whole queue is bounded too, and a mailing hits its half of the bound first, so replies
// still find room.
TEST_F(OutboxTest, TheOutboxIsBoundedAndBulkStopsAtHalf) {
  options_.max_queued = 8;
  options_.global_rate = 1;
  auto& box = make();
  Reports bulk;
  Reports replies;
  for (int i = 0; i < 10; ++i) box.submit(message(100 + i, Priority::kBulk, bulk.sink()));
  for (int i = 0; i < 6; ++i) box.submit(message(200 + i, Priority::kInteractive, replies.sink()));
  executor_.advance(1ms);
  // One bulk call leaves at once (the window is empty), four wait, the other five are refused.
  ASSERT_EQ(transport_.calls.size(), 1u);
  ASSERT_EQ(bulk.results.size(), 5u);
  for (const auto& r : bulk.results) EXPECT_EQ(r.error.description, kOutboxFull);
  // Replies wait for the window's next second: four fit up to the bound of 8, two are refused.
  ASSERT_EQ(replies.results.size(), 2u);
  for (const auto& r : replies.results) EXPECT_EQ(r.error.description, kOutboxFull);
  const SchedulerStats stats = box.stats();
  EXPECT_EQ(stats.queued[index_of(Priority::kBulk)], 4u);
  EXPECT_EQ(stats.queued[index_of(Priority::kInteractive)], 4u);
  EXPECT_EQ(box.metrics().count(Priority::kBulk, CallOutcome::kOverflow), 5u);
}

// After a 429 storm a user gets the answer to what they do now, not minutes-old replies: an
// interactive call not started within interactive_deadline is dropped as "deadline exceeded".
TEST_F(OutboxTest, RepliesHaveADefaultDeadline) {
  options_.interactive_deadline = 30s;
  auto& box = make();
  Reports reports;
  box.submit(message(1, Priority::kInteractive, reports.sink()));
  ASSERT_EQ(transport_.calls.size(), 1u);
  transport_.calls[0].reply(error(429, "Too Many Requests: retry after 60", 60));
  executor_.advance(31s);
  ASSERT_EQ(reports.results.size(), 1u);
  EXPECT_EQ(reports.results[0].error.description, kDeadlineExceeded);
  // A mailing has no default deadline: it waits as long as Telegram asks.
  Reports bulk;
  box.submit(message(2, Priority::kBulk, bulk.sink()));
  ASSERT_EQ(transport_.calls.size(), 2u);
  transport_.calls[1].reply(error(429, "Too Many Requests: retry after 60", 60));
  executor_.advance(61s);
  EXPECT_TRUE(bulk.results.empty());
  EXPECT_EQ(transport_.calls.size(), 3u);
}

TEST_F(OutboxTest, BlockedUserIsReportedDistinctly) {
  auto& box = make();
  std::vector<std::int64_t> blocked;
  box.set_blocked_handler([&](std::int64_t chat) { blocked.push_back(chat); });
  Reports reports;
  box.submit(message(55, Priority::kNotification, reports.sink()));
  box.submit(message(56, Priority::kNotification, reports.sink()));
  executor_.advance(1s);
  ASSERT_EQ(transport_.calls.size(), 2u);
  transport_.calls[0].reply(error(403, "Forbidden: bot was blocked by the user"));
  transport_.calls[1].reply(error(400, "Bad Request: chat not found"));
  ASSERT_EQ(reports.results.size(), 2u);
  EXPECT_EQ(blocked, std::vector<std::int64_t>{55});
  EXPECT_EQ(box.metrics().count(Priority::kNotification, CallOutcome::kBlocked), 1u);
  EXPECT_EQ(box.metrics().count(Priority::kNotification, CallOutcome::kFailed), 1u);
  executor_.advance(1min);
  EXPECT_EQ(transport_.calls.size(), 2u);  // final: never retried
}

TEST_F(OutboxTest, PaidBroadcastFlagReachesTheTransport) {
  options_.paid_broadcast_rate = 1000;
  auto& box = make();
  transport_.auto_ok = true;
  box.submit(message(1, Priority::kBulk));
  box.submit(message(2, Priority::kInteractive));
  executor_.advance(1s);
  ASSERT_EQ(transport_.calls.size(), 2u);
  for (const auto& c : transport_.calls) {
    const bool bulk = c.request.params.at("chat_id").as_int64() == 1;
    EXPECT_EQ(c.request.params.contains("allow_paid_broadcast"), bulk);
  }
}

TEST_F(OutboxTest, DrainFinishesRepliesAndHandsBackTheMailing) {
  options_.private_chat_burst = 1;
  options_.global_rate = 2;  // bulk may use 1 of 2 slots: the replies keep it out
  transport_.auto_ok = true;
  auto& box = make();
  Reports replies;
  for (int i = 0; i < 3; ++i) box.submit(message(1, Priority::kInteractive, replies.sink()));
  Reports bulk;
  for (int i = 0; i < 5; ++i) box.submit(message(100 + i, Priority::kBulk, bulk.sink()));
  EXPECT_EQ(transport_.calls.size(), 1u);  // chat 1's first reply; the rest wait for limits

  std::optional<std::vector<OutboxCall>> left;
  box.drain(10s, [&](std::vector<OutboxCall> calls) { left = std::move(calls); });
  EXPECT_TRUE(box.draining());
  Reports refused;
  box.submit(message(200, Priority::kBulk, refused.sink()));
  executor_.run_ready();
  ASSERT_EQ(refused.results.size(), 1u);
  EXPECT_EQ(refused.results[0].error.description, kOutboxDraining);

  executor_.advance(2s);
  EXPECT_EQ(replies.results.size(), 3u);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*left)[i].priority, Priority::kBulk);
    EXPECT_EQ((*left)[i].chat_id, static_cast<std::int64_t>(100 + i));
    EXPECT_TRUE((*left)[i].done);
  }
  EXPECT_TRUE(bulk.results.empty());  // handed back, not reported
  EXPECT_EQ(transport_.calls.size(), 3u);
  EXPECT_TRUE(box.closed());

  Reports after;
  box.submit(message(1, Priority::kInteractive, after.sink()));
  executor_.run_ready();
  ASSERT_EQ(after.results.size(), 1u);
  EXPECT_EQ(after.results[0].error.description, kOutboxClosed);
}

TEST_F(OutboxTest, DrainStopsAtItsTimeLimit) {
  auto& box = make();  // the transport never answers by itself
  Reports reports;
  box.submit(message(1, Priority::kInteractive, reports.sink()));
  box.submit(message(1, Priority::kAdmin, reports.sink()));  // waits for chat 1's call
  std::optional<std::vector<OutboxCall>> left;
  box.drain(1s, [&](std::vector<OutboxCall> calls) { left = std::move(calls); });
  executor_.advance(999ms);
  EXPECT_FALSE(left);
  executor_.advance(1ms);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].priority, Priority::kAdmin);
  // The request in flight still reports when it ends.
  transport_.calls[0].reply(ok());
  ASSERT_EQ(reports.results.size(), 1u);
  EXPECT_TRUE(reports.results[0].ok);
  EXPECT_EQ(transport_.calls.size(), 1u);
}

TEST_F(OutboxTest, UnlimitedCallsBypassTheBudget) {
  options_.global_rate = 1;
  transport_.auto_ok = true;
  auto& box = make();
  box.submit(message(1));
  box.submit(message(2));  // waits a window (1 s + guard) for the global budget
  OutboxCall answer;
  answer.request.method = "answerCallbackQuery";
  answer.request.params["callback_query_id"] = "42";
  box.submit(std::move(answer));
  OutboxCall poll;
  poll.request.method = "getUpdates";
  box.submit(std::move(poll));
  ASSERT_EQ(transport_.calls.size(), 3u);
  EXPECT_EQ(transport_.calls[1].request.method, "answerCallbackQuery");
  EXPECT_EQ(transport_.calls[2].request.method, "getUpdates");
  executor_.advance(1s + options_.global_window_guard - 1ns);
  EXPECT_EQ(transport_.calls.size(), 3u);
  executor_.advance(1ns);
  EXPECT_EQ(transport_.calls.size(), 4u);
}

TEST_F(OutboxTest, DoneMaySubmitMore) {
  transport_.auto_ok = true;
  auto& box = make();
  int chain = 0;
  std::function<void(const telegram::ApiResult&)> again = [&](const telegram::ApiResult&) {
    if (++chain < 5) box.submit(message(chain + 1, Priority::kInteractive, again));
  };
  box.submit(message(1, Priority::kInteractive, again));
  executor_.advance(1s);
  EXPECT_EQ(chain, 5);
  EXPECT_EQ(transport_.calls.size(), 5u);
}

TEST_F(OutboxTest, AnswersAfterDestructionAreIgnored) {
  make();
  Reports reports;
  outbox_->submit(message(1, Priority::kInteractive, reports.sink()));
  outbox_->submit(message(2, Priority::kBulk, reports.sink()));
  ASSERT_GE(transport_.calls.size(), 1u);
  outbox_.reset();
  transport_.calls[0].reply(ok());
  executor_.advance(10s);
  EXPECT_TRUE(reports.results.empty());
}

TEST_F(OutboxTest, OwnsAnExecutorAndCountsWhatIsUnreported) {
  struct Forwarding final : Executor {
    explicit Forwarding(Executor& to) : to_(to) {}
    void post(std::function<void()> fn) override { to_.post(std::move(fn)); }
    TimerId after(core::Duration d, std::function<void()> fn) override {
      return to_.after(d, std::move(fn));
    }
    void cancel(TimerId id) override { to_.cancel(id); }
    Executor& to_;
  };
  Outbox box(std::make_unique<Forwarding>(executor_), clock_, transport_.fn(), options_);
  box.submit(message(1));
  box.submit(message(1));
  EXPECT_EQ(box.size(), 2u);
  transport_.calls[0].reply(ok());
  EXPECT_EQ(box.size(), 1u);
  executor_.advance(1s);
  ASSERT_EQ(transport_.calls.size(), 2u);
  transport_.calls[1].reply(ok());
  EXPECT_EQ(box.size(), 0u);
}

TEST_F(OutboxTest, MetricsText) {
  transport_.auto_ok = true;
  auto& box = make();
  box.submit(message(1, Priority::kInteractive));
  box.submit(message(2, Priority::kBulk));  // leaves at once, the next one is paced
  box.submit(message(3, Priority::kBulk));
  box.submit(message(4, Priority::kBulk));
  const std::string text = box.metrics_text();
  EXPECT_NE(text.find("# TYPE corebot_outbox_queued gauge"), std::string::npos);
  EXPECT_NE(text.find("corebot_outbox_queued{class=\"bulk\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("corebot_outbox_sent_total{class=\"interactive\"} 1"), std::string::npos);
  EXPECT_NE(
      text.find("corebot_outbox_call_duration_seconds_bucket{class=\"interactive\",le=\"0.05\"} 1"),
      std::string::npos);
  EXPECT_NE(text.find("corebot_outbox_call_duration_seconds_count{class=\"bulk\"} 1"),
            std::string::npos);
  // Little's law: 30/s x smoothed latency (250 ms decayed by two instant answers) x 4 = 20.
  EXPECT_NE(text.find("corebot_outbox_in_flight_limit 20\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace corebot::outbox
