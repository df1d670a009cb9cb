// Fault injection for Bot API calls, set through the control API. A fault applies to one method
// (case-insensitive) or to every method ("*"), for `count` calls (0: until cleared).
//   latency    the answer is delayed by latency_ms, then the call runs normally
//   status     the call does not run; the answer is `status` (5xx) with a Telegram-like body
//   drop       the call does not run; the connection is closed without an answer
//   malformed  the call does not run; the answer is 200 with a truncated, unparsable JSON body
//   429        the call does not run; the answer is 429 "Too Many Requests: retry after N"
// Latency combines with one of the others; among those, the earliest added wins.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace corebot::sandbox {

enum class FaultKind { kLatency, kStatus, kDrop, kMalformed, kTooManyRequests };

struct Fault {
  std::string method = "*";
  FaultKind kind = FaultKind::kStatus;
  int latency_ms = 0;
  int status = 502;
  int retry_after = 1;
  int count = 1;  // calls left; 0 means unlimited
};

struct FaultPlan {
  int latency_ms = 0;
  std::optional<Fault> outcome;  // a non-latency fault replacing the call
};

class FaultSet {
 public:
  // Reads the control API's JSON ({"method","kind","latency_ms","status","retry_after","count"}).
  // Returns a description of what is wrong on bad input.
  static std::variant<Fault, std::string> parse(const boost::json::object& spec);

  void add(Fault fault) { faults_.push_back(std::move(fault)); }
  void clear() { faults_.clear(); }
  [[nodiscard]] bool empty() const { return faults_.empty(); }
  // The faults that apply to this call of `method`; uses up one count of each.
  FaultPlan take(std::string_view method);

 private:
  std::vector<Fault> faults_;
};

// The reason phrase of an HTTP status ("Bad Gateway" for 502); "Internal Server Error" for
// statuses it does not know.
[[nodiscard]] std::string_view status_reason(int status);

}  // namespace corebot::sandbox
