#include "outbox/metrics.hpp"

#include <chrono>

#include <fmt/format.h>

#include "core/metrics_text.hpp"

namespace corebot::outbox {
namespace {

constexpr std::array<std::string_view, kCallOutcomeCount> kReasons = {
    "", "error", "blocked", "deadline", "rejected", "overflow"};

Priority priority_at(std::size_t i) { return static_cast<Priority>(i); }

}  // namespace

void OutboxMetrics::record(Priority priority, CallOutcome outcome, core::Duration latency) {
  const std::size_t p = index_of(priority);
  ++outcomes_[p][static_cast<std::size_t>(outcome)];
  // Never sent: not a latency.
  if (outcome == CallOutcome::kRejected || outcome == CallOutcome::kOverflow) return;
  const double s = std::chrono::duration<double>(latency).count();
  Histogram& h = latency_[p];
  ++h.count;
  h.sum += s;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (s <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
}

std::string OutboxMetrics::render(const SchedulerStats& stats) const {
  core::MetricsText out;
  out.family("corebot_outbox_queued", "gauge", "Calls waiting to be sent, by class.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    out.sample("corebot_outbox_queued", {{"class", to_string(priority_at(p))}}, stats.queued[p]);
  }
  out.single("corebot_outbox_in_flight", "gauge", "Requests sent and not yet answered.",
             stats.in_flight);
  out.single("corebot_outbox_in_flight_limit", "gauge",
             "Current cap on requests in flight (rate x latency x headroom).",
             stats.in_flight_limit);
  out.single("corebot_outbox_rate", "gauge", "Effective global budget, calls per second.",
             stats.rate);
  out.single("corebot_outbox_rate_factor", "gauge",
             "Fraction of the configured rate in use; below 1 while Telegram throttles the bot.",
             stats.rate_factor);
  out.single("corebot_outbox_bulk_rate_factor", "gauge",
             "Fraction of the bulk class's pace in use; below 1 after a 429 flood.",
             stats.bulk_factor);
  out.single("corebot_outbox_request_latency_seconds", "gauge",
             "Smoothed latency of one request (send to answer).",
             std::chrono::duration<double>(stats.latency).count());
  out.single("corebot_outbox_chats", "gauge", "Chats with per-chat limiter state.", stats.chats);

  out.family("corebot_outbox_sent_total", "counter", "Calls Telegram answered ok, by class.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    out.sample("corebot_outbox_sent_total", {{"class", to_string(priority_at(p))}},
               outcomes_[p][0]);
  }
  out.family(
      "corebot_outbox_failed_total", "counter",
      "Calls reported failed, by class and reason (error, blocked, deadline, rejected, overflow).");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    for (std::size_t o = 1; o < kCallOutcomeCount; ++o) {
      out.sample("corebot_outbox_failed_total",
                 {{"class", to_string(priority_at(p))}, {"reason", kReasons[o]}}, outcomes_[p][o]);
    }
  }
  out.family("corebot_outbox_retries_total", "counter", "Calls queued again for a retry.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    out.sample("corebot_outbox_retries_total", {{"class", to_string(priority_at(p))}},
               stats.retries[p]);
  }
  out.single("corebot_outbox_rate_limited_total", "counter", "429 answers from Telegram.",
             stats.rate_limited);
  out.single("corebot_outbox_global_backoffs_total", "counter",
             "Times 429s in several chats (a flood) cut the bulk class.", stats.global_backoffs);
  out.single("corebot_outbox_throttle_backoffs_total", "counter",
             "Times most replies got 429s after bulk was cut, slowing every class.",
             stats.throttle_backoffs);

  out.family("corebot_outbox_call_duration_seconds", "histogram",
             "From submit() to the final report, by class.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    const auto name = to_string(priority_at(p));
    const Histogram& h = latency_[p];
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      const std::string le = fmt::format("{}", kBuckets[i]);
      out.sample("corebot_outbox_call_duration_seconds_bucket", {{"class", name}, {"le", le}},
                 cumulative);
    }
    out.sample("corebot_outbox_call_duration_seconds_bucket", {{"class", name}, {"le", "+Inf"}},
               h.count);
    out.sample("corebot_outbox_call_duration_seconds_sum", {{"class", name}}, h.sum);
    out.sample("corebot_outbox_call_duration_seconds_count", {{"class", name}}, h.count);
  }
  return out.take();
}

}  // namespace corebot::outbox
