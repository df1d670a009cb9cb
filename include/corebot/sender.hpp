// What a module may use to talk to Telegram. Modules never call the Bot API directly: every call
// goes to the engine's outbox, which decides when it may leave (priorities, rate limits, retries).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace corebot {

// Who is waiting for a call. At every send slot the highest class with eligible work goes first.
enum class Priority {
  kInteractive,   // the reply to something a user just did
  kAdmin,         // the owner's actions in the admin panel
  kNotification,  // a single message the bot starts on its own
  kBulk,          // mailings
};

// CallResult::error_code values that are not Telegram's HTTP-like codes.
// No answer from Telegram: the network failed after the outbox's retries (or the request timed
// out). Whether Telegram acted on the call is unknown.
inline constexpr int kNoAnswer = 0;
// The outbox itself refused or dropped the call before Telegram saw it: its deadline passed, the
// engine is stopping (bulk calls are refused while draining), or the outbox is closed. The
// description says which. Telegram never received the call.
inline constexpr int kNotSent = -1;

// The outcome of one Bot API call, after the outbox's retries.
struct CallResult {
  bool ok = false;
  boost::json::value result;  // Telegram's "result" when ok
  // When !ok: Telegram's error code (400 bad request, 403 forbidden, 429 after the outbox gave
  // up, 5xx), kNoAnswer or kNotSent.
  int error_code = 0;
  std::string description;       // Telegram's description, or what failed
  bool blocked_by_user = false;  // 403 "bot was blocked by the user"
  // 400 "group chat was upgraded to a supergroup chat": the chat's new id.
  std::optional<std::int64_t> migrate_to_chat_id;
};

using CallDone = std::function<void(const CallResult&)>;

// A file sent with a call (multipart/form-data). `field` is the parameter it fills ("photo",
// "document"); to use an upload inside a JSON parameter (InputMedia.media) put
// "attach://<field>" there. Telegram's limits apply (10 MB photos, 50 MB other files).
struct Upload {
  std::string field;
  std::string filename;      // shown to the user for documents
  std::string content_type;  // empty: application/octet-stream
  std::string data;          // the bytes
};

// One Bot API call: the method, its parameters as the Bot API names them, and files to upload.
struct ApiCall {
  std::string method;  // "sendMessage"
  boost::json::object params;
  std::vector<Upload> files;
  // false: the caller does not read CallResult::result, so the engine may leave Telegram's
  // answer unparsed (it stays null when ok; errors are always filled in). A call without `done`
  // is treated so whatever this says: a sendMessage answer is a whole Message to parse.
  bool wants_result = true;
};

// Queues Bot API calls. Implemented by the engine (its outbox); thread: the loop thread only.
class Sender {
 public:
  virtual ~Sender() = default;
  // Queues the call. A chat_id in params keeps per-chat order and limits. `done`, when given,
  // runs once on the loop thread with the final outcome (never inside this call).
  virtual void call(ApiCall call, Priority priority, CallDone done = {}) = 0;
  // The same without uploads.
  void call(std::string method, boost::json::object params, Priority priority, CallDone done = {}) {
    call(ApiCall{std::move(method), std::move(params), {}}, priority, std::move(done));
  }
};

}  // namespace corebot
