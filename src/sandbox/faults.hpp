// Fault injection for Bot API calls, set through the control API. A fault applies to one method
// (case-insensitive) or to every method ("*"), for `count` calls (0: until cleared).
//   latency    the answer is delayed by latency_ms, then the call runs normally
//   status     the call does not run; the answer is `status` (5xx) with a Telegram-like body
//   drop       the call does not run; the connection is closed without an answer
//   malformed  the call does not run; the answer is 200 with a truncated, unparsable JSON body
//   429        the call does not run; the answer is 429 "Too Many Requests: retry after N"
// Latency combines with one of the others; among those, the earliest added wins.
// A fault may be limited to some chats (calls whose chat_id is listed in `chats`, or falls in
// `chat_share` of all chats by a fixed hash, chat_selected) and to a time (`for_ms` after it was
// added, on the sandbox clock): a 429 storm on 20 % of the chats for 10 s is
//   {"kind":"429","chat_share":0.2,"for_ms":10000,"count":0}
// A chat-limited fault never matches a call without a chat_id (getUpdates, getMe...).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"

namespace corebot::sandbox {

enum class FaultKind { kLatency, kStatus, kDrop, kMalformed, kTooManyRequests };

struct Fault {
  std::string method = "*";
  FaultKind kind = FaultKind::kStatus;
  int latency_ms = 0;
  int status = 502;
  int retry_after = 1;
  int count = 1;                           // calls left; 0 means unlimited
  std::vector<std::int64_t> chats;         // non-empty: only calls to these chats
  double chat_share = 0;                   // > 0: only calls to chats chat_selected picks
  int for_ms = 0;                          // > 0: only this long after it was added
  std::optional<core::TimePoint> expires;  // set by FaultSet::add from for_ms
};

// Whether a fault with `chat_share` applies to `chat_id`: splitmix64(chat_id as uint64) mod
// 1,000,000 < round(share x 1,000,000). Fixed, so a test can tell which chats a share selects.
[[nodiscard]] bool chat_selected(double share, std::int64_t chat_id);

struct FaultPlan {
  int latency_ms = 0;
  std::optional<Fault> outcome;  // a non-latency fault replacing the call
};

class FaultSet {
 public:
  // Reads the control API's JSON ({"method","kind","latency_ms","status","retry_after","count",
  // "chats","chat_share","for_ms"}). Returns a description of what is wrong on bad input.
  static std::variant<Fault, std::string> parse(const boost::json::object& spec);

  // `now`: when it was added (a fault with for_ms expires for_ms later).
  void add(Fault fault, core::TimePoint now = {});
  void clear() { faults_.clear(); }
  [[nodiscard]] bool empty() const { return faults_.empty(); }
  // The faults that apply to this call of `method` (to `chat_id`, when it has one) at `now`;
  // uses up one count of each. Expired faults are dropped.
  FaultPlan take(std::string_view method, std::optional<std::int64_t> chat_id = std::nullopt,
                 core::TimePoint now = {});

 private:
  std::vector<Fault> faults_;
};

// The reason phrase of an HTTP status ("Bad Gateway" for 502); "Internal Server Error" for
// statuses it does not know.
[[nodiscard]] std::string_view status_reason(int status);

}  // namespace corebot::sandbox
