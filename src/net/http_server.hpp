// An asynchronous HTTP/1.1 server (keep-alive, body size limit, timeouts) on the EventLoop.
// Used by the sandbox, the webhook receiver and the admin/health endpoints.
//
// Threading: construct, start(), stop() and destroy on the loop thread, or while the loop is not
// running; the server must be destroyed before its EventLoop. Handlers run on the loop thread.
// Requests on one connection are handled one at a time: the next request is read only after the
// previous response was written. A body over max_body_bytes gets 413 and a malformed request 400,
// after which the connection is closed; a handler that throws gets 500.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/event_loop.hpp"
#include "net/http_types.hpp"

namespace corebot::net {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port; see HttpServer::port()
  std::size_t max_body_bytes = 50 * 1024 * 1024;
  std::chrono::seconds idle_timeout{75};  // keep-alive connections idle longer are closed
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

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace corebot::net
