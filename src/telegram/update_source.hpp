// What the polling and webhook receivers have in common: they hand each update to the engine and
// learn when it was handled, and they report errors that no retry can fix.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "telegram/api_call.hpp"

namespace corebot::telegram {

// A received update, immutable from then on: the receiver keeps it (to park it, below) while the
// handler reads it, without a copy each.
using SharedUpdate = std::shared_ptr<const boost::json::value>;
// Hands one update to the dispatcher; `handled` runs once the update was handled.
using DeliverUpdate = std::function<void(SharedUpdate update, std::function<void()> handled)>;
// Durable parking for updates that take long to handle (telegram/long_poller.hpp): a parked update
// may be confirmed to Telegram, since the engine handles it again from here after a crash.
// Callbacks run on the poller's executor thread.
class UpdateInbox {
 public:
  virtual ~UpdateInbox() = default;
  // Stores `updates` durably; `done(true)` once they are, `done(false)` when the store failed.
  virtual void park(std::vector<boost::json::value> updates, std::function<void(bool ok)> done) = 0;
  // The update was handled: forget it (best effort; left over, it is handled again at the next
  // start, which the engine tolerates as it tolerates Telegram's re-deliveries).
  virtual void unpark(std::int64_t update_id) = 0;
  // Every parked update, in update_id order (empty when the store failed, which is logged).
  virtual void load(std::function<void(std::vector<boost::json::value>)> done) = 0;
};

// An error that retrying cannot fix (the token was rejected): the engine stops with it.
using FatalError = std::function<void(const std::string& message)>;

// The message to stop with when Telegram rejected the bot token (401, or 404 for a token of the
// wrong shape); nullopt for any other error. Every call answers so for a bad token, so the first
// call that sees it tells the operator what to fix.
inline std::optional<std::string> rejected_token(const ApiError& e) {
  if (e.error_code != 401 && e.error_code != 404) return std::nullopt;
  return "Telegram rejected the bot token (" + std::to_string(e.error_code) + " " + e.description +
         "): check BOT_TOKEN / telegram.token";
}

}  // namespace corebot::telegram
