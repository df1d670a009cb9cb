#include "core/log_throttle.hpp"

#include "core/log.hpp"

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

TEST(Loggable, OutsideTextCannotBreakOrForgeALogLine) {
  EXPECT_EQ(loggable("ok"), "ok");
  EXPECT_EQ(loggable("a\nFAKE line\r"), "a\\x0aFAKE line\\x0d");
  EXPECT_EQ(loggable("Привет"), "Привет") << "whole UTF-8 stays readable";
  EXPECT_EQ(loggable(std::string("\xff\xd0", 2)), "\\xff\\xd0");
  EXPECT_EQ(loggable(std::string(300, 'x')).size(), 203u);
}

}  // namespace
}  // namespace corebot::core
