// An executor for AsyncStore results in tests: workers post here from their threads, and the test
// runs each result on its own thread when it is ready.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace corebot::testing {

class Inbox {
 public:
  void post(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    ready_.notify_one();
  }
  // Runs results as they arrive until `done()` holds; false when it still does not after
  // `deadline` (a generous bound: readiness, not timing).
  bool run_until(const std::function<bool()>& done,
                 std::chrono::seconds deadline = std::chrono::seconds(20)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      std::unique_lock lock(mutex_);
      if (!ready_.wait_until(lock, end, [&] { return !queue_.empty(); })) return false;
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
    }
    return true;
  }
  // Waits for one result (a generous deadline: readiness, not timing) and runs it.
  void run_one() {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(ready_.wait_for(lock, std::chrono::seconds(20), [&] { return !queue_.empty(); }));
    auto fn = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    fn();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
};

}  // namespace corebot::testing
