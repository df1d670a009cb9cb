// Sends one Bot API call and parses Telegram's answer. No rate limiting here: everything that
// sends goes through the Outbox, which calls this. Calls without files go through the
// KeepAliveClient when one is given (on the event loop, no thread hand-off); uploads, and every
// call when none is given (a proxy, or `telegram.http_client = "curl"`), through libcurl.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "net/keepalive_client.hpp"
#include "telegram/api_call.hpp"

namespace corebot::telegram {

struct BotApiOptions {
  std::string base_url = "https://api.telegram.org";  // the sandbox: "http://127.0.0.1:<port>"
  std::string token;
  std::chrono::milliseconds request_timeout{15000};  // getUpdates adds its own long-poll timeout
};

class BotApiClient {
 public:
  // `keepalive` may be null; when given it must serve options.base_url's origin.
  BotApiClient(net::HttpClient& http, BotApiOptions options,
               net::KeepAliveClient* keepalive = nullptr);

  using Callback = std::function<void(ApiResult)>;
  // Sends the call; `done` runs once on the loop thread with the parsed answer. `request` is read
  // before this returns (ApiTransport's contract).
  void call(const ApiRequest& request, Callback done);
  // call() as an ApiTransport, for the receivers and the outbox; borrows this client.
  [[nodiscard]] ApiTransport transport() {
    return [this](const ApiRequest& request, Callback done) { call(request, std::move(done)); };
  }

  [[nodiscard]] const BotApiOptions& options() const { return options_; }

  // Parses an HTTP answer of the Bot API (exposed for tests). `wants_result` false: a success
  // answer that begins as Telegram's do ({"ok":true,...) is not parsed; `result` stays null.
  static ApiResult parse_response(int http_status, std::string_view body,
                                  std::string_view transport_error, bool wants_result = true);

 private:
  net::HttpClient& http_;
  BotApiOptions options_;
  net::KeepAliveClient* keepalive_;
};

}  // namespace corebot::telegram
