// The /metrics families of the engine's HTTP transports: the admin and webhook servers' limits
// at work, and the Bot API client's connection pool. Kept out of engine.cpp, which only gathers
// the figures; docs/configuration.md ("The admin endpoint") lists them.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "core/metrics_text.hpp"
#include "net/http_server.hpp"
#include "net/keepalive_client.hpp"

namespace corebot::app {

// corebot_http_*{server="admin"|"webhook"}: connections, pauses at the cap, refusals.
void http_server_metrics(
    core::MetricsText& out,
    const std::vector<std::pair<std::string_view, net::HttpServerStats>>& servers);

// corebot_bot_api_*: the kept-alive connections to the Bot API and what they carried.
void bot_api_connection_metrics(core::MetricsText& out, const net::KeepAliveClientStats& stats);

}  // namespace corebot::app
