// Keeps a burst of similar log lines (failed sends, refused requests) from flooding the log: at
// most `lines` per `window`; the rest are counted and the next line that may be written says how
// many were left out. Pure logic on an injected time, so it is tested without sleeping.
#pragma once

#include <cstdint>

#include "core/clock.hpp"

namespace corebot::core {

class LogThrottle {
 public:
  LogThrottle(int lines, Duration window) : lines_(lines), window_(window) {}

  // Whether a line may be written at `now`. When it may, suppressed() tells how many were left
  // out since the last line written (call it right after, it resets).
  bool allow(TimePoint now) {
    if (now - window_start_ >= window_) {
      window_start_ = now;
      used_ = 0;
    }
    if (used_ < lines_) {
      ++used_;
      return true;
    }
    ++pending_suppressed_;
    return false;
  }
  std::uint64_t take_suppressed() {
    const std::uint64_t n = pending_suppressed_;
    pending_suppressed_ = 0;
    return n;
  }

 private:
  int lines_;
  Duration window_;
  TimePoint window_start_{};
  int used_ = 0;
  std::uint64_t pending_suppressed_ = 0;
};

}  // namespace corebot::core
