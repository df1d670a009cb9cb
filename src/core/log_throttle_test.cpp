#include "core/log_throttle.hpp"

#include <gtest/gtest.h>

namespace corebot::core {
namespace {

TEST(LogThrottle, AtMostNLinesAWindowAndTheNextOneSaysHowManyWereLeftOut) {
  ManualClock clock;
  LogThrottle throttle(2, std::chrono::minutes(1));
  EXPECT_TRUE(throttle.allow(clock.now()));
  EXPECT_EQ(throttle.take_suppressed(), 0u);
  EXPECT_TRUE(throttle.allow(clock.now()));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(throttle.allow(clock.now()));
  clock.advance(std::chrono::seconds(59));
  EXPECT_FALSE(throttle.allow(clock.now()));
  clock.advance(std::chrono::seconds(1));
  EXPECT_TRUE(throttle.allow(clock.now()));
  EXPECT_EQ(throttle.take_suppressed(), 6u);
  EXPECT_EQ(throttle.take_suppressed(), 0u);
}

}  // namespace
}  // namespace corebot::core
