#include "core/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace corebot::core {
namespace {

using namespace std::chrono_literals;

std::vector<Duration> delays(Backoff& backoff, int n) {
  std::vector<Duration> out;
  for (int i = 0; i < n; ++i) out.push_back(backoff.next());
  return out;
}

TEST(BackoffTest, CeilingGrowsByTheMultiplierUpToTheCap) {
  Backoff b({.initial = 100ms, .max = 1s, .multiplier = 2}, 1);
  EXPECT_EQ(b.ceiling(1), 100ms);
  EXPECT_EQ(b.ceiling(2), 200ms);
  EXPECT_EQ(b.ceiling(3), 400ms);
  EXPECT_EQ(b.ceiling(4), 800ms);
  EXPECT_EQ(b.ceiling(5), 1s);
  EXPECT_EQ(b.ceiling(1000000), 1s);  // a long outage neither overflows nor exceeds the cap

  Backoff triple({.initial = 10ms, .max = 1s, .multiplier = 3}, 1);
  EXPECT_EQ(triple.ceiling(3), 90ms);
}

TEST(BackoffTest, OddOptionsStayWithinTheCap) {
  Backoff flat({.initial = 100ms, .max = 1s, .multiplier = 0.5}, 1);  // counts as 1
  EXPECT_EQ(flat.ceiling(10), 100ms);
  Backoff capped({.initial = 5s, .max = 1s, .multiplier = 2}, 1);
  EXPECT_EQ(capped.ceiling(1), 1s);
  Backoff tiny({.initial = Duration{1}, .max = 1s, .multiplier = 1.5}, 1);
  EXPECT_EQ(tiny.ceiling(100), Duration{1});
}

TEST(BackoffTest, EveryDelayIsBetweenHalfTheCeilingAndTheCeiling) {
  Backoff b({.initial = 100ms, .max = 1s, .multiplier = 2}, 7);
  for (int round = 0; round < 50; ++round) {
    for (int failure = 1; failure <= 8; ++failure) {
      const Duration d = b.next();
      EXPECT_EQ(b.failures(), failure);
      EXPECT_GE(d, b.ceiling(failure) / 2) << failure;
      EXPECT_LE(d, b.ceiling(failure)) << failure;
    }
    b.reset();
  }
}

TEST(BackoffTest, JitterSpreadsTheDelays) {
  // Without jitter every client that failed at the same moment would retry at the same moment.
  Backoff b({.initial = 1s, .max = 1s, .multiplier = 2}, 3);
  const auto d = delays(b, 20);
  EXPECT_NE(std::count(d.begin(), d.end(), d.front()), 20);
}

TEST(BackoffTest, SameSeedGivesTheSameDelays) {
  Backoff a({}, 42);
  Backoff b({}, 42);
  Backoff c({}, 43);
  const auto da = delays(a, 12);
  EXPECT_EQ(da, delays(b, 12));
  EXPECT_NE(da, delays(c, 12));
}

TEST(BackoffTest, ResetStartsOverFromTheInitialDelay) {
  Backoff b({.initial = 100ms, .max = 10s, .multiplier = 2}, 5);
  (void)delays(b, 6);
  EXPECT_EQ(b.failures(), 6);
  EXPECT_GT(b.next(), 100ms);  // the 7th failure: at least 3.2 s
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  const Duration d = b.next();
  EXPECT_EQ(b.failures(), 1);
  EXPECT_GE(d, 50ms);
  EXPECT_LE(d, 100ms);
}

TEST(BackoffTest, DelayDoesNotCountAFailure) {
  Backoff b({.initial = 100ms, .max = 1s, .multiplier = 2}, 9);
  const Duration d = b.delay(4);
  EXPECT_GE(d, 400ms);
  EXPECT_LE(d, 800ms);
  EXPECT_EQ(b.failures(), 0);
}

}  // namespace
}  // namespace corebot::core
