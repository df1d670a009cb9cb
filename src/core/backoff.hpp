// How long to wait before retrying something that failed for a reason that may pass (the network,
// a 5xx): capped exponential backoff with jitter. One implementation for the engine's token
// check, the update receivers and the outbox.
//
// Contract:
// - The n-th failure in a row (n >= 1) has the ceiling min(initial * multiplier^(n-1), max);
//   a multiplier below 1 counts as 1, and a max below initial caps every ceiling at max.
// - The delay is drawn uniformly from [ceiling/2, ceiling] ("equal jitter"). Jitter, because
//   clients that failed together (Telegram restarted, the network came back) would otherwise all
//   retry at the same instant and fail together again; the lower bound of half the ceiling, so
//   the growth still works and no retry comes right back.
// - The same options and seed give the same delays, so tests fix the seed; production seeds from
//   random_seed().
//
// Threading: not thread-safe; each user owns its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "core/clock.hpp"

namespace corebot::core {

struct BackoffOptions {
  Duration initial = std::chrono::milliseconds(500);  // ceiling of the first delay
  Duration max = std::chrono::seconds(30);            // no ceiling is longer
  double multiplier = 2;                              // growth of the ceiling per failure
};

class Backoff {
 public:
  Backoff(BackoffOptions options, std::uint64_t seed);

  // A seed from std::random_device, for production.
  [[nodiscard]] static std::uint64_t random_seed();

  // Counts one more failure in a row and returns the delay before the next attempt.
  Duration next();
  // After a success: the next failure starts again from `initial`.
  void reset() { failures_ = 0; }
  // Failures counted since the last reset().
  [[nodiscard]] int failures() const { return failures_; }

  // The delay after the `failure`-th failure in a row (1-based), without counting it; for
  // callers that keep a failure count per item, like the outbox per call. Draws from the same
  // generator as next().
  Duration delay(int failure);
  // The ceiling of that delay (before jitter).
  [[nodiscard]] Duration ceiling(int failure) const;

 private:
  BackoffOptions options_;
  std::mt19937_64 rng_;
  int failures_ = 0;
};

}  // namespace corebot::core
