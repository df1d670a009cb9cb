#include "sandbox/faults.hpp"

#include "corebot/ascii.hpp"
#include "net/http_types.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

// An integer field within [lo, hi]; `fallback` when absent.
std::optional<int> int_field(const json::object& o, std::string_view name, int fallback, int lo,
                             int hi) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_int64()) return std::nullopt;
  const std::int64_t i = v->get_int64();
  if (i < lo || i > hi) return std::nullopt;
  return static_cast<int>(i);
}

}  // namespace

std::variant<Fault, std::string> FaultSet::parse(const json::object& spec) {
  Fault fault;
  if (const json::value* m = spec.if_contains("method")) {
    if (!m->is_string() || m->get_string().empty()) return "method must be a non-empty string";
    fault.method = std::string(m->get_string());
  }
  const json::value* kind = spec.if_contains("kind");
  if (kind == nullptr || !kind->is_string()) return "kind is required";
  const std::string_view k = kind->get_string();
  if (k == "latency") {
    fault.kind = FaultKind::kLatency;
  } else if (k == "status") {
    fault.kind = FaultKind::kStatus;
  } else if (k == "drop") {
    fault.kind = FaultKind::kDrop;
  } else if (k == "malformed") {
    fault.kind = FaultKind::kMalformed;
  } else if (k == "429") {
    fault.kind = FaultKind::kTooManyRequests;
  } else {
    return "kind must be one of latency, status, drop, malformed, 429";
  }
  auto latency = int_field(spec, "latency_ms", 0, 0, 600000);
  auto status = int_field(spec, "status", 502, 500, 599);
  auto retry_after = int_field(spec, "retry_after", 1, 1, 86400);
  auto count = int_field(spec, "count", 1, 0, 1000000000);
  if (!latency) return "latency_ms must be an integer in 0..600000";
  if (!status) return "status must be an integer in 500..599";
  if (!retry_after) return "retry_after must be an integer in 1..86400";
  if (!count) return "count must be a non-negative integer";
  if (fault.kind == FaultKind::kLatency && *latency == 0) return "latency_ms is required";
  fault.latency_ms = *latency;
  fault.status = *status;
  fault.retry_after = *retry_after;
  fault.count = *count;
  return fault;
}

FaultPlan FaultSet::take(std::string_view method) {
  FaultPlan plan;
  for (Fault& fault : faults_) {
    if (fault.method != "*" && !ascii::iequals(fault.method, method)) continue;
    if (fault.kind == FaultKind::kLatency) {
      plan.latency_ms += fault.latency_ms;
    } else if (!plan.outcome) {
      plan.outcome = fault;
    } else {
      continue;  // not applied, so not used up
    }
    if (fault.count > 0 && --fault.count == 0) fault.count = -1;  // used up; removed below
  }
  std::erase_if(faults_, [](const Fault& f) { return f.count < 0; });
  return plan;
}

std::string_view status_reason(int status) {
  const std::string_view phrase = net::reason_phrase(status);
  return phrase.empty() ? "Internal Server Error" : phrase;
}

}  // namespace corebot::sandbox
