#include "app/health.hpp"

#include <cmath>

namespace corebot::app {

Health assess_health(const HealthFigures& f, const HealthLimits& limits) {
  Health h;
  auto percent = [](double factor) {
    return std::to_string(static_cast<int>(std::lround(factor * 100))) + "%";
  };
  if (f.rate_factor < 1) {
    h.reasons.push_back("Telegram answered 429 to most replies: sending at " +
                        percent(f.rate_factor) + " of the configured rate until it recovers");
  }
  if (f.bulk_factor < 1) {
    h.reasons.push_back("Telegram answered 429 to many chats: mailings paused, then sent at " +
                        percent(f.bulk_factor) +
                        " of their rate until it recovers; replies are not slowed by this");
  }
  if (f.replies_queued >= limits.replies_queued) {
    h.reasons.push_back(std::to_string(f.replies_queued) + " replies are waiting to be sent");
  }
  if (f.updates_pending >= limits.updates_pending) {
    h.reasons.push_back(std::to_string(f.updates_pending) + " updates are waiting to be handled");
  }
  if (f.users_pending_write >= limits.users_pending_write) {
    h.reasons.push_back(std::to_string(f.users_pending_write) +
                        " user records are waiting for the store");
  }
  h.status = f.stopping ? "stopping" : h.reasons.empty() ? "ok" : "degraded";
  return h;
}

}  // namespace corebot::app
