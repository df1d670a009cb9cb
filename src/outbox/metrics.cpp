#include "outbox/metrics.hpp"

#include <chrono>

#include <fmt/format.h>

namespace corebot::outbox {
namespace {

constexpr std::array<std::string_view, kCallOutcomeCount> kReasons = {"", "error", "blocked",
                                                                      "deadline", "rejected"};

Priority priority_at(std::size_t i) { return static_cast<Priority>(i); }

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

void OutboxMetrics::record(Priority priority, CallOutcome outcome, core::Duration latency) {
  const std::size_t p = index_of(priority);
  ++outcomes_[p][static_cast<std::size_t>(outcome)];
  if (outcome == CallOutcome::kRejected) return;  // never sent: not a latency
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
  std::string out;
  auto it = std::back_inserter(out);

  header(out, "corebot_outbox_queued", "gauge", "Calls waiting to be sent, by class.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    fmt::format_to(it, "corebot_outbox_queued{{class=\"{}\"}} {}\n", to_string(priority_at(p)),
                   stats.queued[p]);
  }
  header(out, "corebot_outbox_in_flight", "gauge", "Requests sent and not yet answered.");
  fmt::format_to(it, "corebot_outbox_in_flight {}\n", stats.in_flight);
  header(out, "corebot_outbox_in_flight_limit", "gauge",
         "Current cap on requests in flight (rate x latency x headroom).");
  fmt::format_to(it, "corebot_outbox_in_flight_limit {}\n", stats.in_flight_limit);
  header(out, "corebot_outbox_rate", "gauge", "Effective global budget, calls per second.");
  fmt::format_to(it, "corebot_outbox_rate {}\n", stats.rate);
  header(out, "corebot_outbox_rate_factor", "gauge",
         "Fraction of the configured rate in use; below 1 after a 429 flood.");
  fmt::format_to(it, "corebot_outbox_rate_factor {}\n", stats.rate_factor);
  header(out, "corebot_outbox_request_latency_seconds", "gauge",
         "Smoothed latency of one request (send to answer).");
  fmt::format_to(it, "corebot_outbox_request_latency_seconds {}\n",
                 std::chrono::duration<double>(stats.latency).count());
  header(out, "corebot_outbox_chats", "gauge", "Chats with per-chat limiter state.");
  fmt::format_to(it, "corebot_outbox_chats {}\n", stats.chats);

  header(out, "corebot_outbox_sent_total", "counter", "Calls Telegram answered ok, by class.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    fmt::format_to(it, "corebot_outbox_sent_total{{class=\"{}\"}} {}\n", to_string(priority_at(p)),
                   outcomes_[p][0]);
  }
  header(out, "corebot_outbox_failed_total", "counter",
         "Calls reported failed, by class and reason (error, blocked, deadline, rejected).");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    for (std::size_t o = 1; o < kCallOutcomeCount; ++o) {
      fmt::format_to(it, "corebot_outbox_failed_total{{class=\"{}\",reason=\"{}\"}} {}\n",
                     to_string(priority_at(p)), kReasons[o], outcomes_[p][o]);
    }
  }
  header(out, "corebot_outbox_retries_total", "counter", "Calls queued again for a retry.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    fmt::format_to(it, "corebot_outbox_retries_total{{class=\"{}\"}} {}\n",
                   to_string(priority_at(p)), stats.retries[p]);
  }
  header(out, "corebot_outbox_rate_limited_total", "counter", "429 answers from Telegram.");
  fmt::format_to(it, "corebot_outbox_rate_limited_total {}\n", stats.rate_limited);
  header(out, "corebot_outbox_global_backoffs_total", "counter",
         "Times 429s in several chats cut the global rate.");
  fmt::format_to(it, "corebot_outbox_global_backoffs_total {}\n", stats.global_backoffs);

  header(out, "corebot_outbox_call_duration_seconds", "histogram",
         "From submit() to the final report, by class.");
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    const auto name = to_string(priority_at(p));
    const Histogram& h = latency_[p];
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      fmt::format_to(it,
                     "corebot_outbox_call_duration_seconds_bucket{{class=\"{}\",le=\"{}\"}} {}\n",
                     name, kBuckets[i], cumulative);
    }
    fmt::format_to(it,
                   "corebot_outbox_call_duration_seconds_bucket{{class=\"{}\",le=\"+Inf\"}} {}\n",
                   name, h.count);
    fmt::format_to(it, "corebot_outbox_call_duration_seconds_sum{{class=\"{}\"}} {}\n", name,
                   h.sum);
    fmt::format_to(it, "corebot_outbox_call_duration_seconds_count{{class=\"{}\"}} {}\n", name,
                   h.count);
  }
  return out;
}

}  // namespace corebot::outbox
