#include "sandbox/limiter.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace corebot::sandbox {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiter, GlobalBudgetRefusesTheThirtyFirstSendWithinASecond) {
  core::ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(limiter.acquire(1000 + i).allowed) << i;
    clock.advance(milliseconds(10));
  }
  const LimitDecision d = limiter.acquire(5000);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 1);
  // Once the first send is a second old, a slot frees up.
  clock.advance(milliseconds(700));
  EXPECT_TRUE(limiter.acquire(5000).allowed);
}

TEST(RateLimiter, SecondMessageToOnePrivateChatWithinASecondIsRefused) {
  core::ManualClock clock;
  RateLimiter limiter(clock);
  EXPECT_TRUE(limiter.acquire(42).allowed);
  clock.advance(milliseconds(500));
  const LimitDecision d = limiter.acquire(42);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 1);
  EXPECT_TRUE(limiter.acquire(43).allowed);  // another chat is not affected
  clock.advance(milliseconds(500));
  EXPECT_TRUE(limiter.acquire(42).allowed);
}

TEST(RateLimiter, GroupGetsTwentyPerMinute) {
  core::ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(limiter.acquire(-100).allowed) << i;
    clock.advance(seconds(1));
  }
  const LimitDecision d = limiter.acquire(-100);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 40);  // the first send leaves the window 60 s after it was made
  clock.advance(seconds(40));
  EXPECT_TRUE(limiter.acquire(-100).allowed);
}

TEST(RateLimiter, RefusedSendsAreNotCounted) {
  core::ManualClock clock;
  RateLimiter limiter(clock);
  EXPECT_TRUE(limiter.acquire(7).allowed);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.acquire(7).allowed);
  clock.advance(seconds(1));
  EXPECT_TRUE(limiter.acquire(7).allowed);
}

TEST(RateLimiter, DisabledAllowsEverything) {
  core::ManualClock clock;
  RateLimiter limiter(clock, LimitSettings{.enabled = false});
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.acquire(1).allowed);
}

TEST(RateLimiter, SettingsAreConfigurable) {
  core::ManualClock clock;
  RateLimiter limiter(clock, LimitSettings{.global_per_second = 2, .private_per_second = 5});
  EXPECT_TRUE(limiter.acquire(1).allowed);
  EXPECT_TRUE(limiter.acquire(1).allowed);
  EXPECT_FALSE(limiter.acquire(2).allowed);
  limiter.set_settings(LimitSettings{.global_per_second = 100, .private_per_second = 5});
  EXPECT_TRUE(limiter.acquire(2).allowed);
}

}  // namespace
}  // namespace corebot::sandbox
