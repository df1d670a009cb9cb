#include "outbox/rate_limit.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/clock.hpp"

namespace corebot::outbox {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucketTest, BurstThenSteadyRate) {
  core::ManualClock clock;
  TokenBucket bucket(2.0, 3.0);  // 2/s, 3 back to back
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(bucket.ready(clock.now())) << i;
    bucket.take(clock.now());
  }
  EXPECT_FALSE(bucket.ready(clock.now()));
  EXPECT_EQ(bucket.ready_at(), clock.now() + 500ms);
  clock.advance(500ms - 1ns);
  EXPECT_FALSE(bucket.ready(clock.now()));
  clock.advance(1ns);
  EXPECT_TRUE(bucket.ready(clock.now()));
}

TEST(TokenBucketTest, RateChangeAppliesToNextTake) {
  core::ManualClock clock;
  TokenBucket bucket(10.0, 1.0);
  bucket.take(clock.now());
  EXPECT_EQ(bucket.ready_at(), clock.now() + 100ms);
  bucket.set_rate(5.0);
  clock.advance(100ms);
  bucket.take(clock.now());
  EXPECT_EQ(bucket.ready_at(), clock.now() + 200ms);
}

TEST(TokenBucketTest, NeverFasterThanRate) {
  core::ManualClock clock;
  TokenBucket bucket(30.0, 1.0);
  int taken = 0;
  const auto end = clock.now() + 1s;
  while (clock.now() < end) {
    if (bucket.ready(clock.now())) {
      bucket.take(clock.now());
      ++taken;
    }
    clock.advance(1ms);
  }
  EXPECT_EQ(taken, 30);
}

TEST(SlidingWindowTest, LimitPerWindow) {
  core::ManualClock clock;
  SlidingWindow window(3, 60s);
  const auto t0 = clock.now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(window.ready_at(clock.now()), clock.now());
    window.take(clock.now());
    clock.advance(10s);
  }
  EXPECT_EQ(window.ready_at(clock.now()), t0 + 60s);
  clock.advance(30s);  // t0 + 60s
  EXPECT_EQ(window.ready_at(clock.now()), clock.now());
  EXPECT_FALSE(window.idle(clock.now()));
  clock.advance(40s);
  EXPECT_TRUE(window.idle(clock.now()));
}

TEST(SlidingWindowTest, BelowLeavesPartOfTheWindowToOthers) {
  core::ManualClock clock;
  SlidingWindow window(3, 1s);
  const auto t0 = clock.now();
  window.take(t0);
  clock.advance(100ms);
  window.take(clock.now());
  EXPECT_EQ(window.ready_at(clock.now()), clock.now());         // 2 of 3 used
  EXPECT_EQ(window.ready_at(clock.now(), 2), t0 + 1s);          // a class kept below 2 waits
  EXPECT_EQ(window.ready_at(clock.now(), 1), t0 + 100ms + 1s);  // below 1: for both to leave
  EXPECT_EQ(window.count(clock.now()), 2u);
  window.set(1, 1s);  // a smaller limit counts what was already logged
  EXPECT_EQ(window.ready_at(clock.now()), t0 + 100ms + 1s);
}

TEST(SlidingWindowTest, ShapeForARate) {
  auto w = window_for(30, 20ms);
  EXPECT_EQ(w.limit, 30);
  EXPECT_EQ(w.window, 1020ms);
  w = window_for(1.875, 0ms);  // 30/s backed off to 1/16: one call per 533 ms
  EXPECT_EQ(w.limit, 1);
  EXPECT_EQ(w.window, std::chrono::nanoseconds(533333334));
  w = window_for(1e12, 20ms);  // "limits off"
  EXPECT_EQ(w.limit, 1'000'000'000);
}

TEST(TokenBucketTest, SlackLetsALateCallerCatchUp) {
  core::ManualClock clock;
  TokenBucket bucket(1000.0, 1.0, 2ms);
  const auto t0 = clock.now();
  bucket.take(t0);
  clock.advance(2500us);  // woke 1.5 ms late: the slots of 1 and 2 ms leave now
  int now_ok = 0;
  while (bucket.ready(clock.now())) {
    bucket.take(clock.now());
    ++now_ok;
  }
  EXPECT_EQ(now_ok, 2);
  EXPECT_EQ(bucket.ready_at(), t0 + 3ms);  // back on the 1 ms schedule
  clock.advance(10ms);                     // idle for longer than the slack: no burst after it
  bucket.take(clock.now());
  EXPECT_EQ(bucket.ready_at(), clock.now() + 1ms);
}

TEST(SmallFifoTest, BothEndsAndCompaction) {
  SmallFifo<int> q;
  EXPECT_TRUE(q.empty());
  for (int i = 0; i < 100; ++i) q.push_back(i);
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(q.front(), i);
    q.pop_front();
  }
  EXPECT_EQ(q.size(), 30u);
  q.push_front(69);
  EXPECT_EQ(q.front(), 69);
  EXPECT_EQ(q[1], 70);
  while (!q.empty()) q.pop_front();
  q.push_front(5);  // on an empty, released vector
  EXPECT_EQ(q.front(), 5);
  EXPECT_EQ(q.size(), 1u);
}

}  // namespace
}  // namespace corebot::outbox
