// LongPoller on a manual executor and a fake transport: what each getUpdates asks for, when a
// batch is confirmed, how failures are retried, parking. No sockets, no sleeping. Pipelining and
// the no-loss properties: long_poller_pipeline_test.cpp.
#include "telegram/long_poller.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "telegram/receiver_test_support.hpp"

namespace corebot::telegram {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::error;
using testing::expected_delays;
using testing::ok;

constexpr std::uint64_t kSeed = 7;

json::array updates(std::initializer_list<std::int64_t> ids) {
  json::array out;
  for (auto id : ids) out.push_back(json::object{{"update_id", id}, {"message", json::object{}}});
  return out;
}

class LongPollerTest : public ::testing::Test, protected testing::ReceiverHarness {
 protected:
  LongPoller& make() {
    options_.backoff_seed = kSeed;
    poller_ =
        std::make_unique<LongPoller>(executor, transport.fn(), options_, deliver_fn(), fatal_fn());
    return *poller_;
  }
  [[nodiscard]] std::int64_t offset(std::size_t call) const {
    return transport.params(call).at("offset").as_int64();
  }
  [[nodiscard]] std::int64_t timeout(std::size_t call) const {
    return transport.params(call).at("timeout").as_int64();
  }
  std::vector<core::Duration> delays(int n) const {
    return expected_delays(options_.backoff, kSeed, n);
  }

  LongPollerOptions options_{.timeout_s = 25, .limit = 100, .allowed_updates = {"message"}};
  std::unique_ptr<LongPoller> poller_;
};

TEST_F(LongPollerTest, AsksForUpdatesFromTheOffsetWithTheOptions) {
  make().start();
  ASSERT_EQ(calls(), 1u);
  EXPECT_EQ(transport.calls[0].request.method, "getUpdates");
  EXPECT_EQ(offset(0), 0);
  EXPECT_EQ(timeout(0), 25);
  EXPECT_EQ(transport.params(0).at("limit").as_int64(), 100);
  EXPECT_EQ(transport.params(0).at("allowed_updates"), json::array{"message"});
}

TEST_F(LongPollerTest, BatchIsConfirmedOnlyAfterEveryUpdateInItWasHandled) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({10, 11, 12})));
  ASSERT_EQ(delivered.size(), 3u);
  // Handled out of order: while one is unhandled, no getUpdates may move the offset past it.
  handled[2]();
  handled[1]();
  executor.advance(1h);
  EXPECT_EQ(calls(), 1u);
  EXPECT_EQ(poller.next_offset(), 0);
  handled[0]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 13);
  EXPECT_EQ(timeout(1), 25);
  EXPECT_EQ(poller.next_offset(), 13);
  EXPECT_EQ(poller.batches(), 1u);
}

TEST_F(LongPollerTest, UpdateWithoutIdIsDeliveredAndItsBatchStillAdvancesTheOffset) {
  make().start();
  json::array batch = updates({20});
  batch.push_back(json::object{{"message", json::object{}}});  // no update_id
  batch.push_back(json::object{{"update_id", "21"}});          // not a number
  transport.reply(0, ok(batch));
  ASSERT_EQ(delivered.size(), 3u);
  handled[0]();
  handled[2]();
  EXPECT_EQ(calls(), 1u);  // the update without an id counts as one to wait for
  handled[1]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 21);
}

TEST_F(LongPollerTest, EmptyBatchPollsAgainAtOnce) {
  make().start();
  transport.reply(0, ok(json::array{}));
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 0);
}

TEST_F(LongPollerTest, StopConfirmsHandledUpdatesWithAFinalGetUpdatesWithoutTimeout) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({5, 6})));
  handled[1]();  // 5 first would send a pipelined getUpdates (long_poller_pipeline_test.cpp)
  bool stopped = false;
  poller.stop([&] { stopped = true; });
  EXPECT_FALSE(stopped);  // the updates in hand come first
  EXPECT_EQ(calls(), 1u);
  handled[0]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 7);
  EXPECT_EQ(timeout(1), 0);
  EXPECT_FALSE(stopped);  // not before Telegram has the offset
  // An update that arrived meanwhile is not delivered, so it stays unconfirmed for the next run.
  transport.reply(1, ok(updates({7})));
  EXPECT_TRUE(stopped);
  EXPECT_EQ(delivered.size(), 2u);
  EXPECT_EQ(poller.next_offset(), 7);
  executor.advance(1h);
  EXPECT_EQ(calls(), 2u);
}

TEST_F(LongPollerTest, StopDuringALongPollSendsNoFinalCallThatWouldTerminateIt) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({5})));
  handled[0]();
  ASSERT_EQ(calls(), 2u);  // the long poll that confirms 5, still in flight
  EXPECT_EQ(offset(1), 6);
  bool stopped = false;
  poller.stop([&] { stopped = true; });
  // Telegram confirmed 5 when that poll arrived; a second getUpdates would end it with 409
  // "terminated by other getUpdates request".
  EXPECT_TRUE(stopped);
  EXPECT_EQ(calls(), 2u);
  // What the abandoned poll returns is not delivered: it stays unconfirmed for the next run.
  transport.reply(1, ok(updates({6})));
  EXPECT_EQ(delivered.size(), 1u);
  EXPECT_EQ(poller.next_offset(), 6);
  executor.advance(1h);
  EXPECT_EQ(calls(), 2u);
}

TEST_F(LongPollerTest, StopAfterAFailedPollStillConfirmsWithAFinalCall) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({5})));
  handled[0]();
  ASSERT_EQ(calls(), 2u);
  // The poll carrying offset 6 failed: Telegram may never have seen it.
  transport.reply(1, error(502, "Bad Gateway"));
  bool stopped = false;
  poller.stop([&] { stopped = true; });
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 6);
  EXPECT_EQ(timeout(2), 0);
  EXPECT_FALSE(stopped);
  transport.reply(2, ok(json::array{}));
  EXPECT_TRUE(stopped);
  executor.advance(1h);
  EXPECT_EQ(calls(), 3u);
}

TEST_F(LongPollerTest, StopWithNothingHandledSendsNoFinalCall) {
  auto& poller = make();
  poller.start();
  bool stopped = false;
  poller.stop([&] { stopped = true; });
  EXPECT_TRUE(stopped);
  EXPECT_EQ(calls(), 1u);
  transport.reply(0, ok(updates({1})));
  EXPECT_TRUE(delivered.empty());
}

TEST_F(LongPollerTest, TransportErrorAndServerErrorAreRetriedAfterTheBackoffDelay) {
  make().start();
  const auto d = delays(2);
  transport.reply(0, error(0, "Couldn't connect to server"));
  executor.advance(d[0] - 1ns);
  EXPECT_EQ(calls(), 1u);
  executor.advance(1ns);
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 0);
  transport.reply(1, error(502, "Bad Gateway"));
  executor.advance(d[1] - 1ns);
  EXPECT_EQ(calls(), 2u);
  executor.advance(1ns);
  EXPECT_EQ(calls(), 3u);
  EXPECT_TRUE(fatal.empty());
}

TEST_F(LongPollerTest, SuccessResetsTheBackoff) {
  options_.backoff = {.initial = 1s, .max = 60s, .multiplier = 4};
  make().start();
  core::Backoff mirror(options_.backoff, kSeed);
  const auto first = mirror.next();
  const auto second = mirror.next();
  mirror.reset();
  const auto after_success = mirror.next();
  ASSERT_GE(second, 2s);  // the 2nd failure waits 2-4 s; after the reset it is 0.5-1 s again

  transport.reply(0, error(500, "Internal Server Error"));
  executor.advance(first);
  transport.reply(1, error(500, "Internal Server Error"));
  executor.advance(second);
  transport.reply(2, ok(json::array{}));
  ASSERT_EQ(calls(), 4u);
  transport.reply(3, error(500, "Internal Server Error"));
  executor.advance(after_success - 1ns);
  EXPECT_EQ(calls(), 4u);
  executor.advance(1ns);
  EXPECT_EQ(calls(), 5u);
}

TEST_F(LongPollerTest, ResultThatIsNotAnArrayIsRetried) {
  make().start();
  transport.reply(0, ok(json::object{}));
  executor.advance(delays(1)[0]);
  EXPECT_EQ(calls(), 2u);
  EXPECT_TRUE(delivered.empty());
}

TEST_F(LongPollerTest, RejectedTokenIsFatalAndEndsPolling) {
  for (int code : {401, 404}) {
    transport.calls.clear();
    fatal.clear();
    make().start();
    transport.reply(0, error(code, code == 401 ? "Unauthorized" : "Not Found"));
    ASSERT_EQ(fatal.size(), 1u) << code;
    EXPECT_NE(fatal[0].find(std::to_string(code)), std::string::npos) << fatal[0];
    EXPECT_NE(fatal[0].find("BOT_TOKEN"), std::string::npos) << fatal[0];
    executor.advance(1h);
    EXPECT_EQ(calls(), 1u) << code;
    EXPECT_EQ(executor.pending_timers(), 0u);
  }
}

TEST_F(LongPollerTest, ConflictIsRetried) {
  make().start();
  transport.reply(
      0, error(409,
               "Conflict: terminated by other getUpdates request; make sure that only one bot "
               "instance is running"));
  EXPECT_TRUE(fatal.empty());
  executor.advance(delays(1)[0] - 1ns);
  EXPECT_EQ(calls(), 1u);
  executor.advance(1ns);
  EXPECT_EQ(calls(), 2u);
}

TEST_F(LongPollerTest, StopCancelsAPendingRetry) {
  auto& poller = make();
  poller.start();
  transport.reply(0, error(0, "timeout"));
  bool stopped = false;
  poller.stop([&] { stopped = true; });
  EXPECT_TRUE(stopped);
  EXPECT_EQ(executor.pending_timers(), 0u);
  executor.advance(1h);
  EXPECT_EQ(calls(), 1u);
}

TEST_F(LongPollerTest, DestroyedPollerCancelsItsTimerAndIgnoresLateAnswers) {
  make().start();
  transport.reply(0, error(0, "timeout"));
  executor.advance(delays(1)[0]);
  ASSERT_EQ(calls(), 2u);
  transport.reply(1, error(0, "timeout"));
  EXPECT_EQ(executor.pending_timers(), 1u);
  poller_.reset();
  EXPECT_EQ(executor.pending_timers(), 0u);
  make().start();
  ASSERT_EQ(calls(), 3u);
  poller_.reset();
  transport.reply(2, ok(updates({1})));
  EXPECT_TRUE(delivered.empty());
}

class ParkingTest : public LongPollerTest {
 protected:
  LongPoller& make_with_inbox() {
    options_.backoff_seed = kSeed;
    options_.park_after = 2s;
    poller_ = std::make_unique<LongPoller>(executor, transport.fn(), options_, deliver_fn(),
                                           fatal_fn(), &inbox_);
    return *poller_;
  }
  testing::FakeInbox inbox_;
};

// Without parking one slow update holds every chat once nothing before it is left to confirm: the
// next getUpdates waits for it.
TEST_F(LongPollerTest, WithoutAnInboxASlowUpdateHoldsPolling) {
  make().start();
  transport.reply(0, ok(updates({10, 11})));
  handled[1]();
  executor.advance(1h);
  EXPECT_EQ(calls(), 1u);
}

TEST_F(ParkingTest, ASlowUpdateIsParkedThenTheBatchIsConfirmedAndPollingGoesOn) {
  auto& poller = make_with_inbox();
  poller.start();
  transport.reply(0, ok(updates({10, 11, 12})));
  handled[1]();
  handled[2]();
  executor.advance(1999ms);
  EXPECT_EQ(calls(), 1u) << "a normal update is not parked";
  executor.advance(1ms);
  // Only the unhandled one is parked; polling waits until it is stored.
  ASSERT_EQ(inbox_.kept.size(), 1u);
  EXPECT_TRUE(inbox_.kept.contains(10));
  EXPECT_EQ(calls(), 1u);
  inbox_.finish_park();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 13) << "confirmed past the parked update";
  EXPECT_EQ(timeout(1), 25) << "nothing else in hand";
  EXPECT_EQ(poller.parked(), 1u);
  // The next batch is delivered while 10 is still being handled.
  transport.reply(1, ok(updates({13})));
  ASSERT_EQ(delivered.size(), 4u);
  handled[3]();
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 14);
  // Once handled, the parked update leaves the inbox.
  handled[0]();
  EXPECT_EQ(inbox_.unparked, (std::vector<std::int64_t>{10}));
  EXPECT_TRUE(inbox_.kept.empty());
}

// What the poller keeps to park an update is the handler's own update, not a copy: it is copied
// only when it is parked, and let go once handled.
TEST_F(ParkingTest, TheKeptUpdateIsTheHandlersNotACopy) {
  make_with_inbox().start();
  transport.reply(0, ok(updates({10, 11})));
  ASSERT_EQ(shared.size(), 2u);
  EXPECT_EQ(shared[0].use_count(), 2) << "the handler's and the poller's";
  handled[1]();
  EXPECT_EQ(shared[1].use_count(), 1) << "handled: the poller let it go";
  executor.advance(2s);
  ASSERT_TRUE(inbox_.kept.contains(10));
  EXPECT_EQ(inbox_.kept.at(10), *shared[0]);
}

// A crash after parking: the next run hands the parked update over before it polls, so it is
// handled although Telegram will not send it again.
TEST_F(ParkingTest, ACrashAfterParkingLosesNothing) {
  make_with_inbox().start();
  transport.reply(0, ok(updates({20, 21})));
  handled[1]();
  executor.advance(2s);
  inbox_.finish_park();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 22);
  poller_.reset();  // the crash: 20 was never handled
  delivered.clear();
  handled.clear();
  make_with_inbox().start();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].at("update_id").as_int64(), 20);
  EXPECT_EQ(calls(), 3u) << "polling starts after the hand-over";
  handled[0]();
  EXPECT_TRUE(inbox_.kept.empty());
}

// A crash before the park was stored: the batch was not confirmed, so Telegram sends it again.
TEST_F(ParkingTest, ACrashBeforeTheParkWasStoredLeavesTheBatchToTelegram) {
  make_with_inbox().start();
  transport.reply(0, ok(updates({30, 31})));
  executor.advance(2s);
  EXPECT_EQ(calls(), 1u);
  EXPECT_EQ(poller_->next_offset(), 0) << "nothing confirmed until the park is stored";
}

TEST_F(ParkingTest, AStoreThatFailsMeansWaitingAsBeforeAndTryingAgain) {
  make_with_inbox().start();
  inbox_.store_fails = true;
  transport.reply(0, ok(updates({40})));
  executor.advance(2s);
  inbox_.finish_park();
  EXPECT_EQ(calls(), 1u);
  inbox_.store_fails = false;
  executor.advance(2s);
  inbox_.finish_park();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 41);
}

TEST_F(ParkingTest, AnUpdateHandledWhileBeingParkedLeavesTheInbox) {
  make_with_inbox().start();
  transport.reply(0, ok(updates({50})));
  executor.advance(2s);
  handled[0]();  // the batch is done: polling goes on at once
  ASSERT_EQ(calls(), 2u);
  inbox_.finish_park();
  EXPECT_TRUE(inbox_.kept.empty());
  EXPECT_EQ(calls(), 2u) << "no second poll from the late park";
}

}  // namespace
}  // namespace corebot::telegram
