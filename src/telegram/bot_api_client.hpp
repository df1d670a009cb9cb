// Sends one Bot API call and parses Telegram's answer. No rate limiting here: everything that
// sends goes through the Outbox, which calls this.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/http_client.hpp"

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
  std::string method;           // "sendMessage"
  boost::json::object params;   // serialised as JSON, or as multipart fields when files are set
  std::vector<InputFileUpload> files;
};

// Telegram's error, or a transport failure (error_code 0).
struct ApiError {
  int error_code = 0;
  std::string description;
  std::optional<int> retry_after;              // parameters.retry_after on 429
  std::optional<std::int64_t> migrate_to_chat_id;
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

struct BotApiOptions {
  std::string base_url = "https://api.telegram.org";  // the sandbox: "http://127.0.0.1:<port>"
  std::string token;
  std::chrono::milliseconds request_timeout{15000};  // getUpdates adds its own long-poll timeout
};

class BotApiClient {
 public:
  BotApiClient(net::HttpClient& http, BotApiOptions options);

  using Callback = std::function<void(ApiResult)>;
  // Sends the call; `done` runs once on the loop thread with the parsed answer.
  void call(ApiRequest request, Callback done);

  [[nodiscard]] const BotApiOptions& options() const { return options_; }

  // Parses an HTTP answer of the Bot API (exposed for tests).
  static ApiResult parse_response(int http_status, std::string_view body, std::string_view transport_error);

 private:
  net::HttpClient& http_;
  BotApiOptions options_;
};

}  // namespace corebot::telegram
