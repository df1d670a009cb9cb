// An asynchronous HTTP/1.1 server (keep-alive, limits, timeouts) on the EventLoop.
// Used by the sandbox, the webhook receiver and the admin/health endpoints.
//
// Threading: construct, start(), stop(), stats() and destroy on the loop thread, or while the loop
// is not running; the server must be destroyed before its EventLoop. Handlers run on the loop
// thread. Requests on one connection are handled one at a time: the next request is read only
// after the previous response was written.
//
// Limits, so that garbage cannot exhaust the process (each has a test in http_limits_test.cpp):
// - at most `max_sessions` connections are open; at the cap the server stops accepting (the
//   kernel's backlog holds new ones) and resumes when one closes. Idle kept-alive connections
//   give their slot up first (one is closed instead of pausing, or on going idle while paused).
// - a new connection must deliver a complete header block within `header_timeout`; a
//   keep-alive connection may stay idle up to `idle_timeout`, and once the next request's first
//   byte arrives its header block must be complete within `header_timeout`.
// - the body is read only after `check` (when set) accepted the head: a refusal (401, 404...) is
//   sent at once without reading the body. A body over the request's limit (the check's, else
//   `max_body_bytes`) gets 413, also before it is read when Content-Length announces it.
// After 413, 400 (malformed) or a refusal the connection is closed; a handler that throws gets 500.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/event_loop.hpp"
#include "net/http_types.hpp"

namespace corebot::net {

// What a HeaderCheck decides about a request whose header block arrived (body not read yet).
struct HeadDecision {
  // Set: answered at once with this response, the body is never read, the connection closes.
  std::optional<HttpResponse> refuse;
  // Set: this request's body limit instead of HttpServerOptions::max_body_bytes (0: no body).
  std::optional<std::size_t> max_body_bytes;
};
// Sees the request without its body (`body` empty). Runs on the loop thread; must not block.
using HeaderCheck = std::function<HeadDecision(const HttpRequest& head)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port; see HttpServer::port()
  std::size_t max_body_bytes = 50 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{75'000};    // keep-alive connections idle longer close
  std::chrono::milliseconds header_timeout{10'000};  // to a complete header block, see above
  std::size_t max_sessions = 256;                    // open connections; at the cap: paused
  HeaderCheck check;                                 // empty: every head is accepted
};

// What the server did since start(), for /metrics and tests.
struct HttpServerStats {
  std::size_t sessions = 0;           // open connections now
  std::uint64_t accepted = 0;         // connections accepted
  std::uint64_t paused = 0;           // times accepting paused at max_sessions
  bool accepting_paused = false;      // paused now
  std::uint64_t idle_closed = 0;      // idle keep-alive connections closed to make room
  std::uint64_t header_timeouts = 0;  // connections closed for a header block too slow
  std::uint64_t refused = 0;          // requests answered by the check before their body
  std::uint64_t too_large = 0;        // requests answered 413
};

// Answers one request; may be called later (long polling) and from any thread (it hops to the
// loop). Only the first call counts. Calling it after the connection closed does nothing. While
// a request waits for its answer no timeout applies and a client that hangs up is noticed only
// when the answer is written, so a handler that never answers keeps the connection open.
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest, Respond)>;

class HttpServer {
 public:
  HttpServer(EventLoop& loop, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Throws std::runtime_error naming host:port on failure.
  void start();
  // Stops accepting and closes open connections. Pending Respond calls become no-ops.
  void stop();
  // The bound port (after start()).
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] HttpServerStats stats() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace corebot::net
