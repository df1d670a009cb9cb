#include "core/backoff.hpp"

#include <algorithm>
#include <limits>

namespace corebot::core {

Backoff::Backoff(BackoffOptions options, std::uint64_t seed) : options_(options), rng_(seed) {}

std::uint64_t Backoff::random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

Duration Backoff::next() {
  if (failures_ < std::numeric_limits<int>::max()) ++failures_;
  return delay(failures_);
}

Duration Backoff::ceiling(int failure) const {
  const Duration max = std::max(options_.max, Duration::zero());
  Duration d = std::clamp(options_.initial, Duration::zero(), max);
  const double multiplier = std::max(options_.multiplier, 1.0);
  // Grows step by step and stops at the cap, so no failure count overflows anything.
  for (int i = 1; i < failure && d < max && multiplier > 1.0; ++i) {
    const double grown = static_cast<double>(d.count()) * multiplier;
    const Duration next = grown >= static_cast<double>(max.count())
                              ? max
                              : Duration{static_cast<Duration::rep>(grown)};
    if (next == d) break;  // too small to grow in whole ticks
    d = next;
  }
  return d;
}

Duration Backoff::delay(int failure) {
  const Duration c = ceiling(failure);
  std::uniform_int_distribution<Duration::rep> jitter(c.count() / 2, c.count());
  return Duration{jitter(rng_)};
}

}  // namespace corebot::core
