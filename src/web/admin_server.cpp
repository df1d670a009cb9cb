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

constexpr std::string_view kAdminPrefix = "/admin/";

// "/admin/<route>/a/b" -> {"<route>", "a", "b"} (empty segments dropped).
std::vector<std::string> segments_after_admin(std::string_view path) {
  std::vector<std::string> out;
  path.remove_prefix(kAdminPrefix.size());
  while (!path.empty()) {
    const auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The routes: which method, whether the token is needed, how large a body may be.
struct Route {
  std::string_view method;  // "ANY": GET or POST, the module decides
  bool needs_token = true;
  std::size_t max_body = 0;
};

std::optional<Route> route_of(std::string_view path, const AdminHandlers& handlers) {
  if (path == "/health") return Route{"GET", false, 0};
  if (path == "/metrics" || path == "/admin/status") return Route{"GET", true, 0};
  if (path.starts_with(kAdminPrefix) && handlers.module_route) {
    auto parts = segments_after_admin(path);
    if (!parts.empty() && handlers.module_route(parts.front())) {
      return Route{"ANY", true, AdminServer::kMaxJsonBody};
    }
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
    const auto route = route_of(head.path, handlers);
    if (!route) return error(404, "no such route");
    if (route->method == "ANY") {
      if (head.method != "GET" && head.method != "HEAD" && head.method != "POST") {
        return error(405, "GET or POST only");
      }
    } else if (head.method != route->method && !(route->method == "GET" && head.method == "HEAD")) {
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
      // GET routes take no body; POST routes a JSON object up to kMaxJsonBody.
      decision.max_body_bytes = head.method == "POST" ? route_of(head.path, handlers)->max_body : 0;
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
    // A module's route (route_of checked it is one).
    auto parts = segments_after_admin(path);
    std::string route = std::move(parts.front());
    parts.erase(parts.begin());
    json::object body;
    if (request.method == "POST") {
      boost::system::error_code ec;
      json::value parsed = json::parse(request.body.empty() ? "{}" : request.body, ec);
      if (ec || !parsed.is_object()) return reply(error(400, "the body must be a JSON object"));
      body = std::move(parsed.get_object());
    }
    if (!handlers.module_api) return reply(error(503, "the engine cannot serve this route now"));
    handlers.module_api(request.method == "POST" ? "POST" : "GET", route, std::move(parts),
                        std::move(body), reply);
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
