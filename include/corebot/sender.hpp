// What a module may use to talk to Telegram. Modules never call the Bot API directly: every call
// goes to the engine's outbox, which decides when it may leave (priorities, rate limits, retries).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace corebot {

// Who is waiting for a call. At every send slot the highest class with eligible work goes first.
enum class Priority {
  kInteractive,   // the reply to something a user just did
  kAdmin,         // the owner's actions in the admin panel
  kNotification,  // a single message the bot starts on its own
  kBulk,          // mailings
};

// The outcome of one Bot API call, after the outbox's retries.
struct CallResult {
  bool ok = false;
  boost::json::value result;     // Telegram's "result" when ok
  int error_code = 0;            // Telegram's error code; 0 with !ok means no answer (network)
  std::string description;       // Telegram's description or the transport error
  bool blocked_by_user = false;  // 403 "bot was blocked by the user"
};

using CallDone = std::function<void(const CallResult&)>;

// Queues Bot API calls. Implemented by the engine; thread: the event loop thread only.
class Sender {
 public:
  virtual ~Sender() = default;
  // Queues `method` with `params` (a chat_id in params keeps per-chat order and limits).
  // `done`, when given, runs once on the loop thread with the final outcome.
  virtual void call(std::string method, boost::json::object params, Priority priority,
                    CallDone done = {}) = 0;
};

}  // namespace corebot
