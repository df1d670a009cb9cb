// The engine's local HTTP endpoint: health for load balancers and supervisors, and, behind the
// admin token, metrics, the engine's state and the admin API the CLI (`corebot broadcast`) and
// later the admin panel use. Bind it to 127.0.0.1 (the default); a non-loopback address needs
// admin.allow_remote and a strong token (app/config.cpp refuses anything else).
//
//   GET  /health                 open: {"ok":true,"result":{"status":"ok"}} ("degraded"...,
//                                whatever the engine's state says), nothing else
//   GET  /metrics                token: Prometheus text format
//   GET  /admin/status           token: {"ok":true,"result":{...the engine's state...}}
//   GET|POST /admin/<route>[/...] token: a route a module serves (ModuleServices::
//                                serve_admin_api), e.g. the mailing module's /admin/broadcast
//                                (docs/mailings.md); its answer as the module gives it
//
// The token is `Authorization: Bearer <admin token>`, checked on the headers before any body is
// read (check_head). Bodies: none on GET routes (413), at most kMaxJsonBody on POST.
// Errors: {"ok":false,"error":"what is wrong"} with 400 (bad body), 401 (token), 403 (no token
// configured: only /health is served), 404 (unknown route or mailing), 405 (method), 413 (body),
// 503 (the engine cannot serve it now).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/event_loop.hpp"
#include "net/http_server.hpp"

namespace corebot::web {

// A handler's answer: HTTP status and JSON body.
struct AdminReply {
  int status = 200;
  boost::json::value body;
};
using ReplyFn = std::function<void(AdminReply)>;

struct AdminHandlers {
  // The engine's state for /admin/status; its "status" string (default "ok") is all /health
  // shows.
  std::function<boost::json::object()> health;
  std::function<std::string()> metrics;
  // Whether a module serves "/admin/<route>" (checked on the headers, so unknown routes are 404
  // before any body is read).
  std::function<bool(std::string_view route)> module_route;
  // A module route's request: method, route, the segments after it, the parsed POST body.
  std::function<void(const std::string& method, const std::string& route,
                     std::vector<std::string> rest, boost::json::object body, ReplyFn reply)>
      module_api;
};

struct AdminServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests); see port()
  std::string token;       // empty: only /health is served, the rest answers 403
  // The HTTP server's limits (max_body_bytes and check are the admin server's own).
  net::HttpServerOptions server;
};

class AdminServer {
 public:
  // The largest body of a POST route: a mailing's text and its recipients, up to ~200,000
  // listed ids (behind the token; a bigger audience is a tag, a language or a filter).
  static constexpr std::size_t kMaxJsonBody = 2 * 1024 * 1024;

  AdminServer(net::EventLoop& loop, AdminServerOptions options, AdminHandlers handlers);
  ~AdminServer();
  // Throws std::runtime_error naming host:port when it cannot listen.
  void start();
  void stop();
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] net::HttpServerStats server_stats() const;

  // Decides on a request's headers alone (route, method, token, body limit); the server calls
  // it before reading the body, tests too.
  [[nodiscard]] net::HeadDecision check_head(const net::HttpRequest& head) const;
  // Answers a whole request (check_head included); the server calls it, tests too.
  void handle(const net::HttpRequest& request, net::Respond respond);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace corebot::web
