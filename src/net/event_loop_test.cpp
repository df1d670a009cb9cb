#include "net/event_loop.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <thread>
#include <vector>

namespace corebot::net {
namespace {

using namespace std::chrono_literals;

// Runs the loop until `done` holds or a generous deadline passes; returns whether it held.
template <typename Pred>
bool run_until(EventLoop& loop, Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < deadline) loop.run_for(10ms);
  return done();
}

TEST(EventLoop, PostFromAnotherThreadRunsOnTheLoopThread) {
  EventLoop loop;
  std::promise<std::thread::id> ran_on;
  auto future = ran_on.get_future();
  std::thread loop_thread([&] { loop.run(); });
  std::thread([&] { loop.post([&] { ran_on.set_value(std::this_thread::get_id()); }); }).join();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), loop_thread.get_id());
  loop.stop();
  loop_thread.join();
  EXPECT_TRUE(loop.stopped());
}

TEST(EventLoop, RunDoesNotReturnWhenIdleButStopEndsIt) {
  EventLoop loop;
  std::atomic<bool> returned{false};
  std::promise<void> started;
  std::thread loop_thread([&] {
    loop.post([&] { started.set_value(); });
    loop.run();
    returned = true;
  });
  started.get_future().wait();
  EXPECT_FALSE(returned.load());
  loop.stop();
  loop_thread.join();
  EXPECT_TRUE(returned.load());
}

TEST(EventLoop, TimersFireInDeadlineOrderAndCancelWorks) {
  EventLoop loop;
  std::vector<int> fired;
  loop.after(30ms, [&] { fired.push_back(3); });
  const auto cancelled = loop.after(10ms, [&] { fired.push_back(-1); });
  loop.after(0ms, [&] { fired.push_back(1); });
  loop.after(20ms, [&] { fired.push_back(2); });
  loop.cancel(cancelled);
  loop.cancel(12345);  // unknown ids are ignored
  ASSERT_TRUE(run_until(loop, [&] { return fired.size() == 3; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  loop.cancel(cancelled);  // already cancelled: a no-op
}

TEST(EventLoop, TimerCanCancelItselfAndScheduleAnother) {
  EventLoop loop;
  int count = 0;
  EventLoop::TimerId id = 0;
  id = loop.after(1ms, [&] {
    ++count;
    loop.cancel(id);
    loop.after(1ms, [&] { ++count; });
  });
  ASSERT_TRUE(run_until(loop, [&] { return count == 2; }));
}

TEST(EventLoop, TimersScheduledFromAnotherThreadFire) {
  EventLoop loop;
  std::atomic<int> count{0};
  std::thread([&] {
    loop.after(1ms, [&] { ++count; });
    const auto id = loop.after(1h, [&] { count += 100; });
    loop.cancel(id);
  }).join();
  ASSERT_TRUE(run_until(loop, [&] { return count.load() == 1; }));
}

TEST(EventLoop, ThrowingCallbackDoesNotStopTheLoop) {
  EventLoop loop;
  bool after_throw = false;
  loop.post([] { throw std::runtime_error("boom"); });
  loop.post([&] { after_throw = true; });
  ASSERT_TRUE(run_until(loop, [&] { return after_throw; }));
}

TEST(EventLoop, NativeHandleIsStable) {
  EventLoop loop;
  EXPECT_NE(loop.native_handle(), nullptr);
  EXPECT_EQ(loop.native_handle(), loop.native_handle());
}

TEST(SignalWatch, DeliversSigtermOnTheLoop) {
  EventLoop loop;
  int received = 0;
  SignalWatch watch(loop, [&](int signo) { received = signo; });
  std::raise(SIGTERM);
  ASSERT_TRUE(run_until(loop, [&] { return received != 0; }));
  EXPECT_EQ(received, SIGTERM);
}

}  // namespace
}  // namespace corebot::net
