#include "web/admin_server.hpp"

#include <boost/json.hpp>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "net/http_server.hpp"

namespace corebot::web {
namespace json = boost::json;

namespace {

net::HttpResponse to_http(const AdminReply& reply) {
  net::HttpResponse r;
  r.status = reply.status;
  r.body = json::serialize(reply.body);
  return r;
}

AdminReply error(int status, std::string message) {
  return {status, json::object{{"ok", false}, {"error", std::move(message)}}};
}

AdminReply ok(json::value result, int status = 200) {
  return {status, json::object{{"ok", true}, {"result", std::move(result)}}};
}

}  // namespace

struct AdminServer::State {
  State(net::EventLoop& loop, AdminServerOptions o, AdminHandlers h)
      : options(std::move(o)),
        handlers(std::move(h)),
        server(loop,
               net::HttpServerOptions{
                   .host = options.host, .port = options.port, .max_body_bytes = 64 << 20},
               [this](net::HttpRequest request, net::Respond respond) {
                 handle(request, std::move(respond));
               }) {}

  void handle(const net::HttpRequest& request, net::Respond respond) {
    auto reply = [respond](AdminReply r) { respond(to_http(r)); };
    if (request.method == "GET" && request.path == "/health") {
      return reply(ok(handlers.health ? handlers.health() : json::object{}));
    }
    if (request.method == "GET" && request.path == "/metrics") {
      net::HttpResponse r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = handlers.metrics ? handlers.metrics() : "";
      return respond(std::move(r));
    }
    if (request.path.rfind("/admin/", 0) != 0) return reply(error(404, "no such route"));
    if (options.token.empty()) {
      return reply(error(403, "the admin API is off: set admin.token (COREBOT_ADMIN_TOKEN)"));
    }
    auto auth = request.header("authorization");
    if (!auth || auth->rfind("Bearer ", 0) != 0 ||
        !core::same_secret(auth->substr(7), options.token)) {
      return reply(error(401, "missing or wrong admin token (Authorization: Bearer <token>)"));
    }
    if (request.method == "POST" && request.path == "/admin/broadcast") {
      boost::system::error_code ec;
      json::value body = json::parse(request.body, ec);
      if (ec || !body.is_object()) return reply(error(400, "the body must be a JSON object"));
      if (!handlers.start_broadcast) return reply(error(503, "mailings are not available"));
      return handlers.start_broadcast(body.get_object(), reply);
    }
    constexpr std::string_view kStatusPrefix = "/admin/broadcast/";
    if (request.method == "GET" && request.path.rfind(kStatusPrefix, 0) == 0) {
      auto id = request.path.substr(kStatusPrefix.size());
      auto status = handlers.broadcast_status ? handlers.broadcast_status(id) : std::nullopt;
      if (!status) return reply(error(404, "no mailing '" + id + "'"));
      return reply(ok(std::move(*status)));
    }
    return reply(error(404, "no such route"));
  }

  AdminServerOptions options;
  AdminHandlers handlers;
  net::HttpServer server;
};

AdminServer::AdminServer(net::EventLoop& loop, AdminServerOptions options, AdminHandlers handlers)
    : state_(std::make_unique<State>(loop, std::move(options), std::move(handlers))) {}

AdminServer::~AdminServer() = default;

void AdminServer::start() {
  state_->server.start();
  COREBOT_LOG_INFO("admin endpoint on http://{}:{}/ (health, metrics{})", state_->options.host,
                   state_->server.port(), state_->options.token.empty() ? "" : ", admin API");
}

void AdminServer::stop() { state_->server.stop(); }

std::uint16_t AdminServer::port() const { return state_->server.port(); }

}  // namespace corebot::web
