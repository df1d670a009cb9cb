// Counters of the outbox, rendered in the Prometheus text format (docs/outbox.md explains each).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "outbox/options.hpp"
#include "outbox/scheduler.hpp"

namespace corebot::outbox {

enum class CallOutcome {
  kSent,      // Telegram answered ok
  kFailed,    // a final error from Telegram, or retries exhausted
  kBlocked,   // 403 "bot was blocked by the user" (not also counted as kFailed)
  kDeadline,  // dropped: deadline exceeded
  kRejected,  // refused while draining or closed, or handed back by drain()
  kOverflow,  // refused: the chat's queue or the whole outbox is full (OutboxOptions bounds)
};
inline constexpr std::size_t kCallOutcomeCount = 6;

class OutboxMetrics {
 public:
  // Upper bounds (seconds) of the latency histogram: submit() to the final report.
  static constexpr std::array<double, 11> kBuckets = {0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                      5,    10,  30,   60,  300};

  void record(Priority priority, CallOutcome outcome, core::Duration latency);
  [[nodiscard]] std::uint64_t count(Priority priority, CallOutcome outcome) const {
    return outcomes_[index_of(priority)][static_cast<std::size_t>(outcome)];
  }
  [[nodiscard]] std::string render(const SchedulerStats& stats) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::array<std::array<std::uint64_t, kCallOutcomeCount>, kPriorityCount> outcomes_{};
  std::array<Histogram, kPriorityCount> latency_{};
};

}  // namespace corebot::outbox
