// The engine's side of the local admin endpoint (web/admin_server.hpp): what /health reports,
// /metrics, and the routes modules serve (ModuleServices::serve_admin_api; the mailing module's
// /admin/broadcast). Kept out of engine.cpp so the engine only wires: it hands in what the
// handlers read and owns the server.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <string>

#include "corebot/services.hpp"
#include "web/admin_server.hpp"

namespace corebot::app {

struct AdminApiSources {
  std::function<boost::json::object()> health;
  std::function<std::string()> metrics;
  // The modules' routes by name, filled while modules start (so read at each request).
  const std::map<std::string, AdminApiHandler, std::less<>>* routes = nullptr;
};

// The handlers of the admin server over `sources` (which must outlive the server).
[[nodiscard]] web::AdminHandlers admin_handlers(AdminApiSources sources);

}  // namespace corebot::app
