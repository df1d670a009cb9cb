// LongPoller's pipelined receiving on a manual executor and a fake transport: when the next
// getUpdates goes out while updates are in hand, that only one is ever in flight, that what
// Telegram sends again is skipped, and the no-loss rule (the offset never confirms an unhandled
// update) under random handling orders and across a crash between receive and handle.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "telegram/long_poller.hpp"
#include "telegram/receiver_test_support.hpp"

namespace corebot::telegram {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::ok;

json::array updates(std::initializer_list<std::int64_t> ids) {
  json::array out;
  for (auto id : ids) out.push_back(json::object{{"update_id", id}, {"message", json::object{}}});
  return out;
}

// Telegram's side of getUpdates: ids 1, 2, 3... in order; a call confirms (drops) every update
// below its offset and returns up to `limit` of the rest. Confirming an update the engine did not
// handle (or park) is the loss these tests look for.
struct FakeTelegram {
  std::deque<std::int64_t> unconfirmed;
  std::int64_t next_id = 1;
  std::set<std::int64_t> done;  // handled (or parked) by the engine, in any run
  std::vector<std::int64_t> lost;

  void add(int n) {
    for (int i = 0; i < n; ++i) unconfirmed.push_back(next_id++);
  }
  json::array answer(const json::object& params) {
    const std::int64_t offset = params.at("offset").as_int64();
    while (!unconfirmed.empty() && unconfirmed.front() < offset) {
      if (!done.contains(unconfirmed.front())) lost.push_back(unconfirmed.front());
      unconfirmed.pop_front();
    }
    const auto limit = static_cast<std::size_t>(params.at("limit").as_int64());
    json::array out;
    for (std::size_t i = 0; i < unconfirmed.size() && i < limit; ++i) {
      out.push_back(json::object{{"update_id", unconfirmed[i]}, {"message", json::object{}}});
    }
    return out;
  }
  // The highest id below which every update was handled.
  [[nodiscard]] std::int64_t handled_prefix() const {
    std::int64_t p = 0;
    while (done.contains(p + 1)) ++p;
    return p;
  }
};

class PipelineTest : public ::testing::Test, protected testing::ReceiverHarness {
 protected:
  LongPoller& make(testing::FakeInbox* inbox = nullptr) {
    options_.backoff_seed = 7;
    poller_ = std::make_unique<LongPoller>(executor, transport.fn(), options_, deliver_fn(),
                                           fatal_fn(), inbox);
    return *poller_;
  }
  [[nodiscard]] std::int64_t offset(std::size_t call) const {
    return transport.params(call).at("offset").as_int64();
  }
  [[nodiscard]] std::int64_t timeout(std::size_t call) const {
    return transport.params(call).at("timeout").as_int64();
  }
  [[nodiscard]] std::int64_t id(std::size_t i) const {
    return delivered.at(i).at("update_id").as_int64();
  }

  LongPollerOptions options_{.timeout_s = 25, .limit = 100, .allowed_updates = {"message"}};
  std::unique_ptr<LongPoller> poller_;
};

TEST_F(PipelineTest, TheNextGetUpdatesGoesOutWithTimeout0OnceThePrefixAdvanced) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({10, 11, 12})));
  EXPECT_EQ(calls(), 1u) << "nothing to confirm yet";
  handled[0]();
  ASSERT_EQ(calls(), 2u) << "10 can be confirmed while 11 and 12 are in hand";
  EXPECT_EQ(offset(1), 11);
  EXPECT_EQ(timeout(1), 0) << "no long poll while updates are in hand";
  EXPECT_EQ(poller.in_hand(), 2u);
}

TEST_F(PipelineTest, NeverTwoGetUpdatesInFlight) {
  make().start();
  transport.reply(0, ok(updates({10, 11, 12})));
  handled[0]();
  handled[1]();
  handled[2]();
  EXPECT_EQ(calls(), 2u) << "the prefix advanced, but the pipelined call is still in flight";
  EXPECT_EQ(transport.in_flight(), 1u);
  transport.reply(1, ok(updates({11, 12})));
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 13);
  EXPECT_EQ(timeout(2), 25) << "nothing in hand: a long poll";
  EXPECT_EQ(transport.in_flight(), 1u);
}

TEST_F(PipelineTest, UpdatesSentAgainAreSkippedNotDeliveredTwice) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({10, 11, 12})));
  handled[0]();
  transport.reply(1, ok(updates({11, 12, 13, 14})));
  ASSERT_EQ(delivered.size(), 5u);
  EXPECT_EQ(id(3), 13);
  EXPECT_EQ(id(4), 14);
  EXPECT_EQ(poller.redelivered_skipped(), 2u);
  EXPECT_EQ(poller.in_hand(), 4u);
}

TEST_F(PipelineTest, HandlingOutOfOrderDoesNotMoveTheOffsetPastTheFirstUnhandled) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({1, 2, 3})));
  handled[0]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 2);
  transport.reply(1, ok(updates({2, 3})));
  handled[2]();  // 3 before 2
  EXPECT_EQ(poller.next_offset(), 2);
  EXPECT_EQ(calls(), 2u) << "nothing new to confirm: no poll";
  executor.advance(1h);
  EXPECT_EQ(calls(), 2u);
  handled[1]();
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 4);
  EXPECT_EQ(timeout(2), 25);
}

TEST_F(PipelineTest, ALongPollOnlyWhenNothingIsInHand) {
  make().start();
  transport.reply(0, ok(updates({1, 2})));
  handled[0]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(timeout(1), 0);
  transport.reply(1, ok(updates({2})));  // nothing new at Telegram
  EXPECT_EQ(calls(), 2u) << "2 in hand and nothing to confirm: wait for it";
  handled[1]();
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 3);
  EXPECT_EQ(timeout(2), 25);
}

// Telegram sends the updates at or above the offset again: pipelining waits until at most
// limit / 4 of them are, so at least three quarters of an answer are new.
TEST_F(PipelineTest, PipeliningWaitsUntilAtMostAQuarterOfTheLimitWouldComeAgain) {
  options_.limit = 8;
  make().start();
  transport.reply(0, ok(updates({1, 2, 3, 4, 5, 6, 7, 8})));
  for (int i = 0; i < 5; ++i) handled[i]();
  EXPECT_EQ(calls(), 1u) << "3 would come again, more than 8 / 4";
  handled[5]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 7);
  EXPECT_EQ(timeout(1), 0);
}

TEST_F(PipelineTest, PipeliningCanBeTurnedOff) {
  options_.pipeline_when_known_at_most = 0;
  make().start();
  transport.reply(0, ok(updates({1, 2, 3})));
  handled[0]();
  handled[1]();
  EXPECT_EQ(calls(), 1u);
  handled[2]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 4);
  EXPECT_EQ(timeout(1), 25);
}

// An update without an id holds the highest id of its answer until it was handled.
TEST_F(PipelineTest, AnUpdateWithoutIdHoldsTheHighestIdOfItsAnswer) {
  auto& poller = make();
  poller.start();
  json::array batch = updates({5});
  batch.push_back(json::object{{"message", json::object{}}});
  batch.push_back(updates({6})[0]);
  transport.reply(0, ok(batch));
  handled[0]();
  handled[2]();
  EXPECT_EQ(poller.next_offset(), 6) << "6 waits for the update without an id";
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 6);
  transport.reply(1, ok(updates({6})));
  EXPECT_EQ(calls(), 2u);
  handled[1]();
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 7);
}

// The handler may finish inside deliver: the offset still never passes an update of the same
// answer that was not delivered yet, and no getUpdates goes out in the middle of delivering.
TEST_F(PipelineTest, AnUpdateHandledWhileItIsDeliveredStillWaitsForItsAnswer) {
  options_.backoff_seed = 7;
  std::vector<std::function<void()>> later;
  poller_ = std::make_unique<LongPoller>(
      executor, transport.fn(), options_,
      [&](SharedUpdate u, std::function<void()> done) {
        delivered.push_back(*u);
        if (delivered.size() == 1) {
          done();
          EXPECT_EQ(calls(), 1u);
        } else {
          later.push_back(std::move(done));
        }
      },
      fatal_fn());
  poller_->start();
  transport.reply(0, ok(updates({1, 2, 3})));
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 2);
  EXPECT_EQ(timeout(1), 0);
}

TEST_F(PipelineTest, StopWaitsForThePipelinedPollThenConfirmsWithAFinalCall) {
  auto& poller = make();
  poller.start();
  transport.reply(0, ok(updates({5, 6})));
  handled[0]();
  ASSERT_EQ(calls(), 2u);  // pipelined, offset 6
  bool stopped = false;
  poller.stop([&] { stopped = true; });
  handled[1]();
  EXPECT_EQ(calls(), 2u) << "a final call now would end the pipelined one with 409";
  EXPECT_FALSE(stopped);
  transport.reply(1, ok(updates({6, 7})));
  EXPECT_EQ(delivered.size(), 2u) << "nothing is delivered after stop";
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 7);
  EXPECT_EQ(timeout(2), 0);
  EXPECT_FALSE(stopped);
  transport.reply(2, ok(updates({7})));
  EXPECT_TRUE(stopped);
  executor.advance(1h);
  EXPECT_EQ(calls(), 3u);
}

// The property: under any handling order, over many answers, with Telegram adding updates at any
// time, every getUpdates confirms only handled updates, never two are in flight, a long poll goes
// out only with nothing in hand, each update is delivered exactly once and all are handled.
TEST_F(PipelineTest, TheOffsetNeverConfirmsAnUnhandledUpdateUnderRandomOrders) {
  std::uint64_t skipped = 0;
  std::uint64_t pipelined = 0;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    options_.limit = 2 + static_cast<int>(rng() % 12);
    transport.calls.clear();
    delivered.clear();
    handled.clear();
    FakeTelegram tg;
    tg.add(static_cast<int>(rng() % 30));
    auto& poller = make();
    poller.start();
    std::vector<std::size_t> pending;  // delivered, not handled yet
    std::map<std::int64_t, int> deliveries;
    std::size_t checked_calls = 0;
    auto check = [&] {
      ASSERT_LE(transport.in_flight(), 1u);
      for (; checked_calls < calls(); ++checked_calls) {
        ASSERT_LE(offset(checked_calls) - 1, tg.handled_prefix());
        if (timeout(checked_calls) > 0) {
          ASSERT_TRUE(pending.empty()) << "a long poll with updates in hand";
        }
      }
    };
    std::size_t seen = 0;
    auto collect = [&] {
      for (; seen < delivered.size(); ++seen) {
        ASSERT_EQ(++deliveries[id(seen)], 1) << "delivered twice: " << id(seen);
        pending.push_back(seen);
      }
    };
    check();
    for (int step = 0; step < 3000 && !HasFailure(); ++step) {
      const auto action = rng() % 10;
      if (action == 0) {
        tg.add(static_cast<int>(rng() % 8));
      } else if (action < 4 || pending.empty()) {
        const std::size_t call = calls() - 1;
        if (transport.calls[call].reply) {
          // A long poll held with nothing to return stays held, as Telegram's does.
          json::array answer = tg.answer(transport.params(call));
          if (answer.empty() && timeout(call) > 0) continue;
          transport.reply(call, ok(std::move(answer)));
        }
      } else {
        const std::size_t pick = rng() % pending.size();
        const std::size_t i = pending[pick];
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
        tg.done.insert(id(i));
        handled[i]();
      }
      collect();
      check();
    }
    // Drain: handle everything, answer until Telegram has nothing unconfirmed.
    for (int round = 0; round < 10000 && !HasFailure(); ++round) {
      for (std::size_t i : pending) {
        tg.done.insert(id(i));
        handled[i]();
      }
      pending.clear();
      check();
      const std::size_t call = calls() - 1;
      ASSERT_TRUE(transport.calls[call].reply) << "idle with no poll in flight";
      json::array answer = tg.answer(transport.params(call));
      if (answer.empty() && tg.unconfirmed.empty()) break;
      transport.reply(call, ok(std::move(answer)));
      collect();
      check();
    }
    EXPECT_TRUE(tg.lost.empty()) << "confirmed unhandled, first: " << tg.lost.front();
    EXPECT_TRUE(tg.unconfirmed.empty());
    EXPECT_EQ(deliveries.size(), static_cast<std::size_t>(tg.next_id - 1)) << "each one delivered";
    EXPECT_EQ(tg.handled_prefix(), tg.next_id - 1);
    skipped += poller_->redelivered_skipped();
    pipelined += static_cast<std::uint64_t>(std::count_if(
        transport.calls.begin(), transport.calls.end(),
        [](const auto& c) { return c.request.params.at("timeout").as_int64() == 0; }));
  }
  EXPECT_GT(skipped, 100u) << "the test must pipeline";
  EXPECT_GT(pipelined, 100u);
}

// A crash between receive and handle: the poller is destroyed with updates in hand (some handled
// out of order, some confirmed by pipelined polls), and a new one against the same Telegram gets
// every unhandled update again. None is lost; only unconfirmed handled ones may come twice.
TEST_F(PipelineTest, ACrashBetweenReceiveAndHandleLosesNothing) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    options_.limit = 10;
    transport.calls.clear();
    delivered.clear();
    handled.clear();
    FakeTelegram tg;
    tg.add(25);
    make().start();
    std::vector<std::size_t> pending;
    std::size_t seen = 0;
    for (int step = 0; step < 1000; ++step) {
      for (; seen < delivered.size(); ++seen) pending.push_back(seen);
      if (step >= 30 && !pending.empty()) break;
      const std::size_t call = calls() - 1;
      if (transport.calls[call].reply && (rng() % 3 == 0 || pending.empty())) {
        tg.add(4);
        transport.reply(call, ok(tg.answer(transport.params(call))));
      } else if (!pending.empty()) {
        const std::size_t pick = rng() % pending.size();
        const std::size_t i = pending[pick];
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
        tg.done.insert(id(i));
        handled[i]();
      }
    }
    for (; seen < delivered.size(); ++seen) pending.push_back(seen);
    std::set<std::int64_t> unhandled;
    for (std::size_t i : pending) unhandled.insert(id(i));
    ASSERT_FALSE(unhandled.empty()) << "the crash must find updates in hand";

    poller_.reset();  // the crash; the poll in flight (if any) dies with the process
    if (transport.calls.back().reply) tg.answer(transport.params(calls() - 1));
    ASSERT_TRUE(tg.lost.empty()) << "confirmed unhandled before the crash: " << tg.lost.front();

    const std::size_t before = delivered.size();
    make().start();
    for (int round = 0; round < 1000; ++round) {
      for (; seen < delivered.size(); ++seen) {
        tg.done.insert(id(seen));
        handled[seen]();
      }
      const std::size_t call = calls() - 1;
      ASSERT_TRUE(transport.calls[call].reply);
      json::array answer = tg.answer(transport.params(call));
      if (answer.empty() && tg.unconfirmed.empty()) break;
      transport.reply(call, ok(std::move(answer)));
    }
    std::set<std::int64_t> again;
    for (std::size_t i = before; i < delivered.size(); ++i) again.insert(id(i));
    for (std::int64_t u : unhandled) EXPECT_TRUE(again.contains(u)) << u << " was lost";
    EXPECT_TRUE(tg.lost.empty());
    EXPECT_EQ(tg.handled_prefix(), tg.next_id - 1);
  }
}

// Parking and pipelining: a slow update parks after park_after, counts as done for the prefix,
// and its answer's neighbours were confirmed by pipelined polls meanwhile.
TEST_F(PipelineTest, ASlowUpdateIsParkedWhilePipeliningGoesOn) {
  testing::FakeInbox inbox;
  options_.park_after = 2s;
  auto& poller = make(&inbox);
  poller.start();
  transport.reply(0, ok(updates({10, 11, 12})));
  handled[0]();
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 11);
  executor.advance(1s);
  transport.reply(1, ok(updates({11, 12, 13})));  // 13 arrives 1 s after 11
  handled[2]();
  handled[3]();
  EXPECT_EQ(calls(), 2u) << "11 holds the prefix";
  executor.advance(1s);
  // 11's answer is due; 13's answer is all handled, so nothing of it is parked.
  ASSERT_EQ(inbox.pending_parks.size(), 1u);
  EXPECT_EQ(inbox.kept.size(), 1u);
  EXPECT_TRUE(inbox.kept.contains(11));
  EXPECT_EQ(calls(), 2u) << "not before it is stored";
  inbox.finish_park();
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 14);
  EXPECT_EQ(timeout(2), 25) << "a parked update is not in hand";
  EXPECT_EQ(poller.parked(), 1u);
  EXPECT_EQ(executor.pending_timers(), 0u);
  // Confirmed to Telegram before it was handled: handled later, it leaves the inbox.
  handled[1]();
  EXPECT_EQ(inbox.unparked, (std::vector<std::int64_t>{11}));
  EXPECT_TRUE(inbox.kept.empty());
  EXPECT_EQ(calls(), 3u);
}

// The property with parking: the clock runs, slow updates are parked at random moments of their
// handling, and a parked update counts as done (it is stored) — but no update is confirmed before
// it was handled or stored, each is delivered once, and the inbox is empty once all were handled.
TEST_F(PipelineTest, ParkingKeepsTheNoLossRuleUnderRandomOrders) {
  std::uint64_t parked = 0;
  std::uint64_t skipped = 0;
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    options_.limit = 2 + static_cast<int>(rng() % 12);
    options_.park_after = 2s;
    transport.calls.clear();
    delivered.clear();
    handled.clear();
    testing::FakeInbox inbox;
    FakeTelegram tg;
    tg.add(static_cast<int>(rng() % 30));
    make(&inbox).start();
    std::vector<std::size_t> pending;
    std::set<std::int64_t> handled_ids;
    std::map<std::int64_t, int> deliveries;
    std::size_t seen = 0;
    std::size_t checked_calls = 0;
    auto step_done = [&] {
      for (; seen < delivered.size(); ++seen) {
        ASSERT_EQ(++deliveries[id(seen)], 1) << "delivered twice: " << id(seen);
        pending.push_back(seen);
      }
      ASSERT_LE(transport.in_flight(), 1u);
      for (; checked_calls < calls(); ++checked_calls) {
        ASSERT_LE(offset(checked_calls) - 1, tg.handled_prefix());
        if (timeout(checked_calls) > 0) {
          ASSERT_EQ(poller_->in_hand(), 0u) << "a long poll with updates in hand";
        }
      }
    };
    auto handle = [&](std::size_t pick) {
      const std::size_t i = pending[pick];
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
      tg.done.insert(id(i));
      handled_ids.insert(id(i));
      handled[i]();
    };
    auto finish_park = [&] {
      // Stored before it is reported: from now on the update may be confirmed.
      for (const auto& [kept_id, u] : inbox.kept) tg.done.insert(kept_id);
      inbox.finish_park();
    };
    step_done();
    for (int step = 0; step < 2000 && !HasFailure(); ++step) {
      const auto action = rng() % 12;
      const std::size_t call = calls() - 1;
      if (action == 0) {
        tg.add(static_cast<int>(rng() % 8));
      } else if (action < 3) {
        executor.advance(std::chrono::milliseconds(rng() % 1500));
      } else if (action < 5 && !inbox.pending_parks.empty()) {
        finish_park();
      } else if (action < 8 && transport.calls[call].reply) {
        json::array answer = tg.answer(transport.params(call));
        if (!answer.empty() || timeout(call) == 0) transport.reply(call, ok(std::move(answer)));
      } else if (!pending.empty() && action >= 8) {
        handle(rng() % pending.size());
      }
      step_done();
    }
    for (int round = 0; round < 10000 && !HasFailure(); ++round) {
      while (!pending.empty()) handle(0);
      while (!inbox.pending_parks.empty()) finish_park();
      step_done();
      const std::size_t call = calls() - 1;
      ASSERT_TRUE(transport.calls[call].reply) << "idle with no poll in flight";
      json::array answer = tg.answer(transport.params(call));
      if (answer.empty() && tg.unconfirmed.empty()) break;
      transport.reply(call, ok(std::move(answer)));
      step_done();
    }
    EXPECT_TRUE(tg.lost.empty()) << "confirmed unhandled, first: " << tg.lost.front();
    EXPECT_EQ(deliveries.size(), static_cast<std::size_t>(tg.next_id - 1));
    EXPECT_EQ(handled_ids.size(), static_cast<std::size_t>(tg.next_id - 1));
    EXPECT_TRUE(inbox.kept.empty()) << "a handled update left in the inbox";
    EXPECT_EQ(poller_->in_hand(), 0u);
    parked += poller_->parked();
    skipped += poller_->redelivered_skipped();
  }
  EXPECT_GT(parked, 20u) << "the test must park";
  EXPECT_GT(skipped, 20u) << "the test must pipeline";
}

// A park in flight is not stored yet: the offset must not pass it, whatever else is handled.
TEST_F(PipelineTest, AnUpdateBeingParkedIsNotConfirmedBeforeItIsStored) {
  testing::FakeInbox inbox;
  options_.park_after = 2s;
  auto& poller = make(&inbox);
  poller.start();
  transport.reply(0, ok(updates({10, 11})));
  executor.advance(2s);
  ASSERT_EQ(inbox.pending_parks.size(), 1u);
  handled[1]();
  EXPECT_EQ(poller.next_offset(), 0);
  EXPECT_EQ(calls(), 1u);
  inbox.finish_park();
  EXPECT_EQ(poller.next_offset(), 12);
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 12);
  EXPECT_EQ(inbox.kept.size(), 1u) << "11 was handled while being parked: unparked";
}

// Each answer parks on its own time: a later answer's slow update waits its own park_after.
TEST_F(PipelineTest, EachAnswerIsParkedOnItsOwnTime) {
  testing::FakeInbox inbox;
  options_.park_after = 2s;
  make(&inbox).start();
  transport.reply(0, ok(updates({1, 2})));
  handled[0]();
  executor.advance(1s);
  transport.reply(1, ok(updates({2, 3, 4})));
  handled[3]();  // 4; 2 and 3 are slow
  executor.advance(1s);
  ASSERT_EQ(inbox.pending_parks.size(), 1u);
  EXPECT_EQ(inbox.kept.size(), 1u) << "only 2 is due";
  inbox.finish_park();
  EXPECT_EQ(poller_->next_offset(), 3);
  EXPECT_EQ(poller_->in_hand(), 1u);
  executor.advance(1s);
  ASSERT_EQ(inbox.pending_parks.size(), 1u);
  EXPECT_TRUE(inbox.kept.contains(3));
  inbox.finish_park();
  EXPECT_EQ(poller_->next_offset(), 5);
  EXPECT_EQ(poller_->in_hand(), 0u);
}

// A crash after a park was stored but before a getUpdates confirmed it: the next run hands the
// stored copy over, and Telegram's copy is confirmed without being delivered a second time.
TEST_F(PipelineTest, AHandedOverUpdateSentAgainByTelegramIsNotDeliveredTwice) {
  testing::FakeInbox inbox;
  inbox.kept[21] = updates({21})[0];
  auto& poller = make(&inbox);
  poller.start();
  ASSERT_EQ(delivered.size(), 1u);  // the stored copy
  transport.reply(0, ok(updates({21, 22})));
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(id(1), 22);
  EXPECT_EQ(poller.redelivered_skipped(), 1u);
  // 21 counts as parked: its stored copy is being handled, so it is confirmed at once.
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(offset(1), 22);
  handled[1]();
  transport.reply(1, ok(updates({22})));
  ASSERT_EQ(calls(), 3u);
  EXPECT_EQ(offset(2), 23);
  EXPECT_EQ(delivered.size(), 2u);
  handled[0]();
  EXPECT_TRUE(inbox.kept.empty());
}

}  // namespace
}  // namespace corebot::telegram
