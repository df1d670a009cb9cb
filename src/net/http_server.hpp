// An asynchronous HTTP/1.1 server (keep-alive, body size limit, timeouts) on the EventLoop.
// Used by the sandbox, the webhook receiver and the admin/health endpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/event_loop.hpp"
#include "net/http_types.hpp"

namespace corebot::net {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                      // 0 picks a free port; see HttpServer::port()
  std::size_t max_body_bytes = 50 * 1024 * 1024;
  std::chrono::seconds idle_timeout{75};       // keep-alive connections idle longer are closed
};

// Called exactly once per request, on the loop thread. May be called later (long polling).
// Calling it after the connection closed is safe and does nothing.
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
