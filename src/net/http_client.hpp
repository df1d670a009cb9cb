// An asynchronous HTTP client: libcurl's multi interface (keep-alive pool, HTTP/2 when offered,
// TLS, multipart, proxies, timeouts). Completions are delivered on the EventLoop thread.
//
// Threading: send(), in_flight() and shutdown() may be called from any thread. The transfers run
// on a worker thread of the client's own; callbacks are posted to the loop, so destroy (or
// shutdown()) the client before its EventLoop, and keep the loop running to receive callbacks.
// Response header names are lower-case; only the final response's headers are kept. Redirects
// are not followed. Bodies are decompressed (Accept-Encoding is sent).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/event_loop.hpp"
#include "net/http_types.hpp"

namespace corebot::net {

struct HttpClientOptions {
  std::string proxy;  // e.g. "http://host:3128" or "socks5h://host:1080"; empty: none
  std::size_t max_connections_per_host = 64;
  std::string user_agent = "corebot/0.1";
  bool verify_tls = true;
};

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;                          // sent when parts is empty
  std::string content_type;                  // for body
  std::vector<MultipartPart> parts;          // non-empty: sent as multipart/form-data
  std::chrono::milliseconds timeout{30000};  // whole request, connect included; 0: none
};

struct HttpClientResponse {
  int status = 0;  // 0 means a transport error, see error
  Headers headers;
  std::string body;
  std::string error;  // curl's message when status == 0
  // status == 0 after some of the request was written (a timeout or a reset while waiting for
  // the answer): the server may have acted on it. False when the connection never carried it
  // (refused, name not resolved).
  bool maybe_sent = false;
};

class HttpClient {
 public:
  HttpClient(EventLoop& loop, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Callback = std::function<void(HttpClientResponse)>;
  // Starts the request; `done` runs once on the loop thread. Thread-safe.
  void send(HttpClientRequest request, Callback done);
  // Requests started and not yet completed.
  [[nodiscard]] std::size_t in_flight() const;
  // Aborts everything in flight (their callbacks get status 0, error "cancelled") and stops;
  // later send()s are cancelled the same way. Blocks until the worker thread has ended.
  void shutdown();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace corebot::net
