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

}  // namespace
}  // namespace corebot::outbox
