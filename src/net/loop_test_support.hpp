// For tests whose EventLoop runs on a thread of its own: run something on the loop's thread and
// wait for it (servers and clients are not thread-safe; they are touched on the loop only).
#pragma once

#include <chrono>
#include <functional>
#include <future>

#include "net/event_loop.hpp"

namespace corebot::net {

// Runs fn on the loop's thread; true once it ran, false when `wait` passed first (then fn may
// still run later, so it must not refer to anything the caller is about to destroy).
inline bool run_on_loop(EventLoop& loop, const std::function<void()>& fn,
                        std::chrono::milliseconds wait) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  loop.post([fn, done] {
    fn();
    done->set_value();
  });
  return future.wait_for(wait) == std::future_status::ready;
}

}  // namespace corebot::net
