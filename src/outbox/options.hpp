// Priority classes and the knobs of the outbox. Defaults follow Telegram's published limits
// (30 messages/s per bot, ~1 message/s per private chat, 20 messages/min per group).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "corebot/sender.hpp"

namespace corebot::outbox {

// The public classes (corebot/sender.hpp). Strict order at every send slot: a lower class only
// gets a slot no higher class can use; kBulk uses every slot the other classes leave free.
using corebot::Priority;
inline constexpr std::size_t kPriorityCount = 4;

[[nodiscard]] constexpr std::size_t index_of(Priority p) { return static_cast<std::size_t>(p); }
// "interactive", "admin", "notification", "bulk": the label used in metrics and logs.
[[nodiscard]] std::string_view to_string(Priority p);

struct OutboxOptions {
  // --- Global budget (calls Telegram rate-limits: send/copy/forward/edit/delete messages) ---
  // At most `global_rate` calls (whole calls per second) start in any window of 1 s +
  // `global_window_guard`: Telegram counts a sliding second by arrival, and the time between our
  // start and its arrival varies by a few ms, so a window of exactly 1 s let a 31st call in.
  double global_rate = 30.0;  // calls per second without allow_paid_broadcast
  core::Duration global_window_guard = std::chrono::milliseconds(20);
  // Bulk calls may start only while the window holds fewer than limit - bulk_reserve calls, so a
  // reply usually finds a free slot at once instead of waiting for the next one (up to 1/rate).
  // Costs mailings about limit / (limit - bulk_reserve) of their minimum duration. 2, not 1:
  // with 1, a reply within a slot of another waited for the next slot (docs/outbox.md has the
  // measured trade-off). The other classes may also exceed the in-flight cap by this many.
  int bulk_reserve = 2;
  // Bulk calls are paced evenly at their share of the window; `global_burst` of them may leave
  // back to back after an idle period, and a pacer that woke late may catch up by `pacing_slack`.
  // Other classes are not paced, only windowed: a reply never waits for a pacing slot.
  double global_burst = 1.0;
  core::Duration pacing_slack = std::chrono::milliseconds(10);
  // 0 disables paid broadcasts. When > 0 (Telegram allows up to 1000), bulk calls of methods that
  // accept it carry `allow_paid_broadcast: true` and may use this higher budget; every rate-limited
  // call also draws from it, so the bot's total stays under it. Telegram charges Stars for this.
  double paid_broadcast_rate = 0.0;

  // --- Per-chat limits (chat_id > 0: private; < 0: group, supergroup or channel) ---
  double private_chat_rate = 1.0;  // messages per second to one private chat
  // 1: Telegram tolerates "short bursts" without saying how long, and a 429 costs more than a
  // reply a second later; the sandbox models the strict reading (no burst).
  double private_chat_burst = 1.0;  // messages that may leave back to back
  int group_limit = 20;             // messages per group per group_window
  core::Duration group_window = std::chrono::minutes(1);
  bool count_group_edits = true;  // edits and deletions in groups count toward group_limit
  // Added to the per-chat spacing (private) and window (groups) for the same reason as
  // global_window_guard: a reply that left 1 s after the previous one could arrive sooner after it.
  core::Duration chat_window_guard = std::chrono::milliseconds(20);

  // --- 429 Too Many Requests ---
  core::Duration default_retry_after = std::chrono::seconds(1);  // when a 429 carries none
  int max_rate_limited_retries = 10;  // 429s one call may absorb before it is reported failed
  // A 429 backs off its chat (retry_after). When 429s reach `flood_chats` distinct chats within
  // `flood_window` (a flood), the BULK class pays first: it pauses for the largest retry_after
  // seen and its rate is multiplied by `flood_backoff` (not below `flood_min_factor`). Replies
  // keep their full rate: 429s on a share of chats (users who flooded, a storm Telegram aims at
  // some chats) must not starve replies to the others (issue 10: a cut of everything to 1/8 made
  // /start wait 34 s).
  core::Duration flood_window = std::chrono::seconds(1);
  int flood_chats = 3;
  double flood_backoff = 0.5;
  double flood_min_factor = 0.0625;
  // Only when bulk is already cut and, among the chats whose non-bulk calls started after that
  // cut and were answered within `flood_window`, at least `throttle_share` got a 429 (and
  // `flood_chats` chats or more), is Telegram throttling the bot as a whole: then every class's
  // rate is multiplied by `flood_backoff`, not below `throttle_min_factor` (15 replies/s at 30/s:
  // replies stay within seconds for any load a bot that Telegram throttles should offer). A
  // storm on a minority of chats never reaches the share, so it never slows replies.
  double throttle_share = 0.5;
  double throttle_min_factor = 0.5;
  // Recovery is multiplicative: after `flood_recovery_interval` with no new cut, a factor is
  // multiplied by `flood_recovery_growth` (up to 1), so the deepest cut (1/16) is undone 4
  // intervals (8 s) after the last flood. Quick on purpose: a 429 is cheap feedback (the next
  // flood cuts again at once), while a slow recovery kept mailings and replies late for ~40 s
  // after a storm had ended (additive steps of 1/8 every 5 s).
  core::Duration flood_recovery_interval = std::chrono::seconds(2);
  double flood_recovery_growth = 2.0;

  // --- 5xx and transport errors ---
  int max_attempts = 5;  // attempts in total, the first one included
  core::Duration retry_base = std::chrono::milliseconds(500);  // delay before the 2nd attempt
  core::Duration retry_max = std::chrono::seconds(30);         // cap of the exponential delay
  std::uint64_t rng_seed = 0x5eedc0ffeeULL;                    // jitter; fixed for tests

  // --- Concurrency (requests in flight) ---
  // Target in flight = rate x observed latency x headroom (Little's law), within [min, max].
  std::size_t min_in_flight = 4;
  std::size_t max_in_flight = 128;
  // 4, not 2: at 1000/s the smoothed latency (~4 ms) gave a cap of 9, and a few slow answers
  // then held the mailing below its rate. The windows, not this cap, bound the rate.
  double concurrency_headroom = 4.0;
  core::Duration initial_latency = std::chrono::milliseconds(250);  // before the first sample
  double latency_smoothing = 0.2;  // weight of a new sample in the moving average
  // Long polls hold a request open for tens of seconds by design: they bypass the cap, are not
  // latency samples and do not hold up drain().
  std::vector<std::string> uncapped_methods = {"getUpdates"};

  // --- Queue bounds (memory stays bounded whatever callers do; a refused call gets its `done`) ---
  // Calls queued for one chat (not in flight). A private chat drains at 1 message/s, so a 200th
  // queued message would leave minutes late: a module that loops sending to one chat is refused
  // here ("too many calls queued for this chat") instead of growing memory.
  std::size_t max_queued_per_chat = 200;
  // Calls queued in all (~1 KB each). Bulk calls are refused at `max_queued` / 2, so a mailing
  // that ignores its window cannot take the room replies need; the other classes at `max_queued`.
  std::size_t max_queued = 50000;
  // An interactive call (a reply) not started this long after it was submitted is dropped as
  // "deadline exceeded": after a 429 storm a user gets the bot's answer to what they do now, not
  // a backlog of minutes-old replies. Zero: no default deadline. A call's own deadline wins.
  core::Duration interactive_deadline = std::chrono::minutes(2);

  // How often idle per-chat state (limiter history of chats with nothing queued) is dropped. A
  // private chat is idle 1 s after its last message, so a short interval keeps the state to the
  // chats of the last few seconds (a mailing to 20,000 chats left 20,000 entries with 1 min).
  core::Duration chat_gc_interval = std::chrono::seconds(1);
};

}  // namespace corebot::outbox
