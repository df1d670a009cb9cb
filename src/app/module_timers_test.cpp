#include "app/module_timers.hpp"

#include <gtest/gtest.h>

#include "core/manual_executor.hpp"

namespace corebot::app {
namespace {
using std::chrono::seconds;

struct ModuleTimersTest : ::testing::Test {
  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  std::vector<std::string> errors;
  ModuleTimers timers{executor, [this](const std::string& e) { errors.push_back(e); }};
};

TEST_F(ModuleTimersTest, AfterRunsOnceWhenDue) {
  int runs = 0;
  timers.after(seconds(5), [&] { ++runs; });
  executor.advance(seconds(4));
  EXPECT_EQ(runs, 0);
  executor.advance(seconds(1));
  EXPECT_EQ(runs, 1);
  executor.advance(seconds(60));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(timers.active(), 0u);
}

TEST_F(ModuleTimersTest, EveryRepeatsUntilCancelledEvenFromItsOwnRun) {
  int runs = 0;
  Timers::Id id = 0;
  id = timers.every(seconds(10), [&] {
    if (++runs == 3) timers.cancel(id);
  });
  executor.advance(seconds(25));
  EXPECT_EQ(runs, 2);
  executor.advance(seconds(100));
  EXPECT_EQ(runs, 3);
  EXPECT_THROW(timers.every(seconds(0), [] {}), std::invalid_argument);
}

TEST_F(ModuleTimersTest, AThrowingTimerIsReportedAndKeepsItsRhythm) {
  int runs = 0;
  timers.every(seconds(1), [&] {
    ++runs;
    throw std::runtime_error("bad");
  });
  executor.advance(seconds(3));
  EXPECT_EQ(runs, 3);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "timer failed: bad");
}

TEST_F(ModuleTimersTest, CancelAllEndsEveryTimerOfTheModule) {
  int runs = 0;
  timers.after(seconds(1), [&] { ++runs; });
  timers.every(seconds(1), [&] { ++runs; });
  timers.cancel_all();
  executor.advance(seconds(10));
  EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace corebot::app
