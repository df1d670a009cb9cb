// What the engine says about itself at /health: "ok", "stopping", or "degraded" when users would
// notice (replies queue up, Telegram is throttling the bot, updates pile up), so a monitor or the
// owner's uptime check sees trouble before users complain. Pure: the engine passes its figures.
// /health gives only the status's name (it is open); /admin/status adds the reasons.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace corebot::app {

struct HealthFigures {
  bool stopping = false;
  double rate_factor = 1;  // the outbox's rate for every class, as a fraction of the configured
  double bulk_factor = 1;  // mailings' share of it, < 1 after a 429 flood (outbox/options.hpp)
  std::size_t replies_queued = 0;       // interactive calls waiting in the outbox
  std::size_t updates_pending = 0;      // accepted by the dispatcher, not yet handled
  std::size_t users_pending_write = 0;  // user records waiting for the store
};

// Above these a figure makes the engine "degraded". Replies: at 30 sends/s, 300 queued replies
// wait ~10 s, which a user notices; updates: a batch of getUpdates is at most 100.
struct HealthLimits {
  std::size_t replies_queued = 300;
  std::size_t updates_pending = 1000;
  std::size_t users_pending_write = 10000;
};

struct Health {
  std::string status;                // "ok", "degraded" or "stopping"
  std::vector<std::string> reasons;  // why it is degraded, one sentence each (empty otherwise)
};

[[nodiscard]] Health assess_health(const HealthFigures& figures, const HealthLimits& limits = {});

}  // namespace corebot::app
