// What the polling and webhook receivers have in common: they hand each update to the engine and
// learn when it was handled, and they report errors that no retry can fix.
#pragma once

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>

#include "telegram/api_call.hpp"

namespace corebot::telegram {

// Hands one update to the dispatcher; `handled` runs once the update was handled.
using DeliverUpdate = std::function<void(boost::json::value update, std::function<void()> handled)>;
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
