#include "app/admin_api.hpp"

#include <boost/json.hpp>

#include <exception>
#include <vector>

#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

web::AdminHandlers admin_handlers(AdminApiSources sources) {
  web::AdminHandlers handlers;
  handlers.health = sources.health;
  handlers.metrics = sources.metrics;
  const auto* routes = sources.routes;
  handlers.module_route = [routes](std::string_view route) {
    return routes != nullptr && routes->find(route) != routes->end();
  };
  handlers.module_api = [routes](const std::string& method, const std::string& route,
                                 std::vector<std::string> rest, json::object body,
                                 web::ReplyFn reply) {
    auto it = routes ? routes->find(route) : decltype(routes->end()){};
    if (!routes || it == routes->end()) {
      return reply({404, json::object{{"ok", false}, {"error", "no such route"}}});
    }
    AdminApiRequest request{method, std::move(rest), std::move(body)};
    try {
      it->second(request, [reply](AdminApiReply answer) {
        reply({answer.status, std::move(answer.body)});
      });
    } catch (const std::exception& e) {
      COREBOT_LOG_ERROR("admin API /admin/{}: {}", route, e.what());
      reply({500,
             json::object{{"ok", false}, {"error", std::string("internal error: ") + e.what()}}});
    }
  };
  return handlers;
}

}  // namespace corebot::app
