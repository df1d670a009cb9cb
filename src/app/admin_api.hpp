// The engine's side of the local admin endpoint (web/admin_server.hpp): what /health reports,
// /metrics, and the mailing routes on top of the Broadcasts service. Kept out of engine.cpp so
// the engine only wires: it hands in what the handlers read and owns the server.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>

#include "app/broadcasts.hpp"
#include "corebot/store.hpp"
#include "web/admin_server.hpp"

namespace corebot::app {

struct AdminApiSources {
  std::function<boost::json::object()> health;
  std::function<std::string()> metrics;
  Broadcasts* broadcasts = nullptr;
  AsyncStore* store = nullptr;  // the users collection, for "to": "all"
};

// The handlers of the admin server over `sources` (which must outlive the server).
[[nodiscard]] web::AdminHandlers admin_handlers(AdminApiSources sources);

}  // namespace corebot::app
