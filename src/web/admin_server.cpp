#include "web/admin_server.hpp"

#include <boost/json.hpp>

#include "core/log.hpp"
#include "core/secrets.hpp"

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

constexpr std::string_view kBroadcastStatusPrefix = "/admin/broadcast/";

// The routes: which method, whether the token is needed, how large a body may be.
struct Route {
  std::string_view method;
  bool needs_token = true;
  std::size_t max_body = 0;
};

std::optional<Route> route_of(std::string_view path) {
  if (path == "/health") return Route{"GET", false, 0};
  if (path == "/metrics" || path == "/admin/status") return Route{"GET", true, 0};
  if (path == "/admin/broadcast") return Route{"POST", true, AdminServer::kMaxJsonBody};
  if (path.starts_with(kBroadcastStatusPrefix) && path.size() > kBroadcastStatusPrefix.size()) {
    return Route{"GET", true, 0};
  }
  return std::nullopt;
}

}  // namespace

struct AdminServer::State {
  State(net::EventLoop& loop, AdminServerOptions o, AdminHandlers h)
      : options(std::move(o)), handlers(std::move(h)), server(loop, server_options(), handler()) {}

  net::HttpServerOptions server_options() {
    net::HttpServerOptions s = options.server;
    s.host = options.host;
    s.port = options.port;
    s.max_body_bytes = kMaxJsonBody;
    s.check = [this](const net::HttpRequest& head) { return check_head(head); };
    return s;
  }
  net::HttpHandler handler() {
    return [this](net::HttpRequest request, net::Respond respond) {
      handle(request, std::move(respond));
    };
  }

  // The refusal of a request on its headers alone, or nullopt.
  std::optional<AdminReply> refusal(const net::HttpRequest& head) const {
    const auto route = route_of(head.path);
    if (!route) return error(404, "no such route");
    if (head.method != route->method && !(route->method == "GET" && head.method == "HEAD")) {
      return error(405, std::string(route->method) + " only");
    }
    if (!route->needs_token) return std::nullopt;
    if (options.token.empty()) {
      return error(403, "the admin API is off: set admin.token (COREBOT_ADMIN_TOKEN)");
    }
    auto auth = head.header("authorization");
    if (!auth || !auth->starts_with("Bearer ") ||
        !core::same_secret(auth->substr(7), options.token)) {
      return error(401, "missing or wrong admin token (Authorization: Bearer <token>)");
    }
    return std::nullopt;
  }

  net::HeadDecision check_head(const net::HttpRequest& head) const {
    net::HeadDecision decision;
    if (auto refused = refusal(head)) {
      decision.refuse = to_http(*refused);
    } else {
      decision.max_body_bytes = route_of(head.path)->max_body;
    }
    return decision;
  }

  void handle(const net::HttpRequest& request, net::Respond respond) {
    auto reply = [respond](AdminReply r) { respond(to_http(r)); };
    if (auto refused = refusal(request)) return reply(std::move(*refused));
    const std::string& path = request.path;
    if (path == "/health") {
      // Open to anyone who can reach the port: the state's name, nothing an outsider could use.
      const json::object state = handlers.health ? handlers.health() : json::object{};
      const json::value* status = state.if_contains("status");
      return reply(ok(json::object{
          {"status", status && status->is_string() ? status->get_string() : json::string("ok")}}));
    }
    if (path == "/metrics") {
      net::HttpResponse r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = handlers.metrics ? handlers.metrics() : "";
      return respond(std::move(r));
    }
    if (path == "/admin/status") {
      return reply(ok(handlers.health ? handlers.health() : json::object{}));
    }
    if (path == "/admin/broadcast") {
      boost::system::error_code ec;
      json::value body = json::parse(request.body, ec);
      if (ec || !body.is_object()) return reply(error(400, "the body must be a JSON object"));
      if (!handlers.start_broadcast) return reply(error(503, "mailings are not available"));
      return handlers.start_broadcast(body.get_object(), reply);
    }
    const auto id = path.substr(kBroadcastStatusPrefix.size());
    auto status = handlers.broadcast_status ? handlers.broadcast_status(id) : std::nullopt;
    if (!status) return reply(error(404, "no mailing '" + id + "'"));
    return reply(ok(std::move(*status)));
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
  COREBOT_LOG_INFO("admin endpoint on http://{}:{}/ (health{})", state_->options.host,
                   state_->server.port(),
                   state_->options.token.empty() ? "; no admin.token: metrics and admin API off"
                                                 : ", metrics, admin API");
}

void AdminServer::stop() { state_->server.stop(); }

std::uint16_t AdminServer::port() const { return state_->server.port(); }

net::HttpServerStats AdminServer::server_stats() const { return state_->server.stats(); }

net::HeadDecision AdminServer::check_head(const net::HttpRequest& head) const {
  return state_->check_head(head);
}

void AdminServer::handle(const net::HttpRequest& request, net::Respond respond) {
  state_->handle(request, std::move(respond));
}

}  // namespace corebot::web
