#include "sandbox/faults.hpp"

#include <algorithm>
#include <cmath>

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

// The chats a fault is limited to: "chats" (a list of chat ids) or "chat_share" (0 < share <= 1).
std::optional<std::string> read_chats(const json::object& spec, Fault& fault) {
  const json::value* chats = spec.if_contains("chats");
  const json::value* share = spec.if_contains("chat_share");
  if (chats != nullptr && share != nullptr) return "give chats or chat_share, not both";
  if (chats != nullptr) {
    constexpr std::size_t kMaxChats = 100000;
    if (!chats->is_array() || chats->as_array().empty() || chats->as_array().size() > kMaxChats) {
      return "chats must be a non-empty list of at most 100000 chat ids";
    }
    for (const json::value& id : chats->as_array()) {
      if (!id.is_int64() || id.get_int64() == 0) return "chats must hold non-zero integer chat ids";
      fault.chats.push_back(id.get_int64());
    }
  }
  if (share != nullptr) {
    const double v = share->is_double()  ? share->get_double()
                     : share->is_int64() ? static_cast<double>(share->get_int64())
                                         : -1;
    if (!(v > 0 && v <= 1)) return "chat_share must be a number in (0, 1], e.g. 0.2 for 20 %";
    fault.chat_share = v;
  }
  return std::nullopt;
}

bool applies_to_chat(const Fault& fault, std::optional<std::int64_t> chat_id) {
  if (fault.chats.empty() && fault.chat_share <= 0) return true;
  if (!chat_id) return false;
  if (!fault.chats.empty()) {
    return std::find(fault.chats.begin(), fault.chats.end(), *chat_id) != fault.chats.end();
  }
  return chat_selected(fault.chat_share, *chat_id);
}

}  // namespace

bool chat_selected(double share, std::int64_t chat_id) {
  std::uint64_t z = static_cast<std::uint64_t>(chat_id) + 0x9e3779b97f4a7c15ULL;  // splitmix64
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z % 1000000) < std::round(share * 1e6);
}

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
  auto for_ms = int_field(spec, "for_ms", 0, 1, 86400000);
  if (!latency) return "latency_ms must be an integer in 0..600000";
  if (!status) return "status must be an integer in 500..599";
  if (!retry_after) return "retry_after must be an integer in 1..86400";
  if (!count) return "count must be a non-negative integer";
  if (!for_ms) return "for_ms must be an integer in 1..86400000 (milliseconds after it is added)";
  if (auto error = read_chats(spec, fault)) return *error;
  if (fault.kind == FaultKind::kLatency && *latency == 0) return "latency_ms is required";
  fault.latency_ms = *latency;
  fault.status = *status;
  fault.retry_after = *retry_after;
  fault.count = *count;
  fault.for_ms = *for_ms;
  return fault;
}

void FaultSet::add(Fault fault, core::TimePoint now) {
  if (fault.for_ms > 0) fault.expires = now + std::chrono::milliseconds(fault.for_ms);
  faults_.push_back(std::move(fault));
}

FaultPlan FaultSet::take(std::string_view method, std::optional<std::int64_t> chat_id,
                         core::TimePoint now) {
  std::erase_if(faults_, [now](const Fault& f) { return f.expires && *f.expires <= now; });
  FaultPlan plan;
  for (Fault& fault : faults_) {
    if (fault.method != "*" && !ascii::iequals(fault.method, method)) continue;
    if (!applies_to_chat(fault, chat_id)) continue;
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
