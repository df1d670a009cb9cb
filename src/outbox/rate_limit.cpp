#include "outbox/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace corebot::outbox {
namespace {

constexpr double kTicksPerSecond = static_cast<double>(core::Duration::period::den) /
                                   static_cast<double>(core::Duration::period::num);

// Rounded up, so the limiter never lets more than `rate` through.
core::Duration interval_for(double rate) {
  rate = std::max(rate, 1e-6);
  return core::Duration{static_cast<core::Duration::rep>(std::ceil(kTicksPerSecond / rate))};
}

}  // namespace

TokenBucket::TokenBucket(double rate, double burst, core::Duration slack)
    : burst_(std::max(burst, 1.0)), slack_(std::max(slack, core::Duration::zero())) {
  set_rate(rate);
}

void TokenBucket::set_rate(double rate) {
  interval_ = interval_for(rate);
  tolerance_ = core::Duration{static_cast<core::Duration::rep>(
      std::floor((burst_ - 1.0) * static_cast<double>(interval_.count())))};
}

void TokenBucket::take(core::TimePoint now) {
  // A caller at most `slack` late keeps the schedule (the next slot is one interval after the
  // missed one); later than that the bucket was idle, and the schedule restarts from now.
  tat_ = (now <= tat_ + slack_ ? tat_ : now) + interval_;
}

SlidingWindow::SlidingWindow(int limit, core::Duration window)
    : limit_(static_cast<std::size_t>(std::max(limit, 1))), window_(window) {}

void SlidingWindow::set(int limit, core::Duration window) {
  limit_ = static_cast<std::size_t>(std::max(limit, 1));
  window_ = window;
}

void SlidingWindow::prune(core::TimePoint now) {
  while (!hits_.empty() && hits_.front() + window_ <= now) hits_.pop_front();
}

core::TimePoint SlidingWindow::ready_at(core::TimePoint now) { return ready_at(now, limit_); }

core::TimePoint SlidingWindow::ready_at(core::TimePoint now, std::size_t below) {
  prune(now);
  below = std::clamp<std::size_t>(below, 1, limit_);
  if (hits_.size() < below) return now;
  // The call that must leave the window first is the one `below` places from the end.
  return hits_[hits_.size() - below] + window_;
}

void SlidingWindow::take(core::TimePoint now) {
  prune(now);
  hits_.push_back(now);
  // Entries beyond the limit can never matter again (the limit may have shrunk meanwhile).
  while (hits_.size() > limit_) hits_.pop_front();
}

bool SlidingWindow::idle(core::TimePoint now) {
  prune(now);
  return hits_.empty();
}

std::size_t SlidingWindow::count(core::TimePoint now) {
  prune(now);
  return hits_.size();
}

WindowShape window_for(double rate, core::Duration guard) {
  rate = std::max(rate, 1e-6);
  const double whole = std::max(1.0, std::floor(rate + 1e-9));
  const auto span = static_cast<core::Duration::rep>(std::ceil(whole / rate * kTicksPerSecond));
  // A limit beyond int (limits "off" at 1e9/s) would never bind anyway.
  const int limit = whole >= 1e9 ? 1'000'000'000 : static_cast<int>(whole);
  return WindowShape{limit, core::Duration{span} + std::max(guard, core::Duration::zero())};
}

}  // namespace corebot::outbox
