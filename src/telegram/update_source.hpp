// What the polling and webhook receivers have in common: they hand each update to the engine and
// learn when it was handled, and they report errors that no retry can fix.
#pragma once

#include <boost/json/value.hpp>

#include <functional>
#include <string>

namespace corebot::telegram {

// Hands one update to the dispatcher; `handled` runs once the update was handled.
using DeliverUpdate = std::function<void(boost::json::value update, std::function<void()> handled)>;
// An error that retrying cannot fix (the token was rejected): the engine stops with it.
using FatalError = std::function<void(const std::string& message)>;

}  // namespace corebot::telegram
