// The value types of one Bot API call: the request, Telegram's answer and its error. Kept apart
// from bot_api_client.hpp so code that only queues or inspects calls (the outbox, modules, tests)
// does not pull in the HTTP client.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace corebot::telegram {

// A file to upload with a call (multipart). `field` is the parameter name ("photo", "document");
// to reference an attachment from a JSON field use "attach://<field>".
struct InputFileUpload {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string data;
};

struct ApiRequest {
  std::string method;          // "sendMessage"
  boost::json::object params;  // serialised as JSON, or as multipart fields when files are set
  std::vector<InputFileUpload> files;
  // false: nobody reads ApiResult::result; a transport may leave it null when the call succeeded.
  bool wants_result = true;
};

// Telegram's error, or a transport failure (error_code 0).
struct ApiError {
  int error_code = 0;
  std::string description;
  std::optional<int> retry_after;  // parameters.retry_after on 429
  std::optional<std::int64_t> migrate_to_chat_id;
  // A transport failure after the request left (a timeout waiting for the answer): Telegram may
  // have carried the call out. The outbox does not repeat such a mailing message (see
  // docs/outbox.md, "Timeouts").
  bool maybe_delivered = false;
  [[nodiscard]] bool transport() const { return error_code == 0; }
  [[nodiscard]] bool retryable() const {
    return error_code == 0 || error_code == 429 || error_code >= 500;
  }
};

struct ApiResult {
  bool ok = false;
  boost::json::value result;  // when ok
  ApiError error;             // when !ok
};

// Sends one request; calls its callback exactly once with the answer, on the caller's executor
// thread (possibly before returning). The request is lent for the call: a transport reads it
// before it returns or calls back, whichever comes first, and copies what it needs later (the
// outbox keeps each request for retries, so it is not copied per attempt). The seam between code
// that makes calls (receivers, outbox) and BotApiClient::call, so that code is tested with a
// fake.
using ApiTransport = std::function<void(const ApiRequest&, std::function<void(ApiResult)>)>;

}  // namespace corebot::telegram
