// The engine's local HTTP endpoint: health and metrics for operators, and the admin API the CLI
// (`corebot broadcast`) and later the admin panel use. Bind it to 127.0.0.1 (the default) or put
// it behind a proxy: /admin/* needs `Authorization: Bearer <admin token>`; without a configured
// token the admin API answers 403.
//
//   GET  /health                 {"ok":true,"result":{...engine state...}}
//   GET  /metrics                Prometheus text format
//   POST /admin/broadcast        {"text":"...","chat_ids":[1,2,...]} or {"text":"...","to":"all"}
//                                -> 202 {"ok":true,"result":{"id":"m1","total":N,...}}
//   GET  /admin/broadcast/<id>
//   {"ok":true,"result":{"id","total","sent","failed","blocked","done",...}}
//
// Errors: {"ok":false,"error":"what is wrong"} with 400 (bad body), 401 (token), 403 (admin API
// off), 404 (unknown route or mailing), 503 (the engine cannot serve it now).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/event_loop.hpp"

namespace corebot::web {

// A handler's answer: HTTP status and JSON body.
struct AdminReply {
  int status = 200;
  boost::json::value body;
};
using ReplyFn = std::function<void(AdminReply)>;

struct AdminHandlers {
  std::function<boost::json::object()> health;
  std::function<std::string()> metrics;
  // The parsed body of POST /admin/broadcast; answers through the callback (may be later).
  std::function<void(const boost::json::object& body, ReplyFn reply)> start_broadcast;
  std::function<std::optional<boost::json::object>(const std::string& id)> broadcast_status;
};

struct AdminServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests); see port()
  std::string token;       // empty: the admin API is off, /health and /metrics still served
};

class AdminServer {
 public:
  AdminServer(net::EventLoop& loop, AdminServerOptions options, AdminHandlers handlers);
  ~AdminServer();
  // Throws std::runtime_error naming host:port when it cannot listen.
  void start();
  void stop();
  [[nodiscard]] std::uint16_t port() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace corebot::web
