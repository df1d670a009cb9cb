#include "outbox/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace corebot::outbox {
namespace {

// Rounded up, so the limiter never lets more than `rate` through.
core::Duration interval_for(double rate) {
  const double ticks_per_second = static_cast<double>(core::Duration::period::den) /
                                  static_cast<double>(core::Duration::period::num);
  rate = std::max(rate, 1e-6);
  return core::Duration{static_cast<core::Duration::rep>(std::ceil(ticks_per_second / rate))};
}

}  // namespace

TokenBucket::TokenBucket(double rate, double burst) : burst_(std::max(burst, 1.0)) {
  set_rate(rate);
}

void TokenBucket::set_rate(double rate) {
  interval_ = interval_for(rate);
  tolerance_ = core::Duration{static_cast<core::Duration::rep>(
      std::floor((burst_ - 1.0) * static_cast<double>(interval_.count())))};
}

void TokenBucket::take(core::TimePoint now) { tat_ = std::max(tat_, now) + interval_; }

SlidingWindow::SlidingWindow(int limit, core::Duration window)
    : limit_(static_cast<std::size_t>(std::max(limit, 1))), window_(window) {}

void SlidingWindow::prune(core::TimePoint now) {
  while (!hits_.empty() && hits_.front() + window_ <= now) hits_.pop_front();
}

core::TimePoint SlidingWindow::ready_at(core::TimePoint now) {
  prune(now);
  if (hits_.size() < limit_) return now;
  return hits_[hits_.size() - limit_] + window_;
}

void SlidingWindow::take(core::TimePoint now) {
  prune(now);
  hits_.push_back(now);
}

bool SlidingWindow::idle(core::TimePoint now) {
  prune(now);
  return hits_.empty();
}

}  // namespace corebot::outbox
