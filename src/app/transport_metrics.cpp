#include "app/transport_metrics.hpp"

#include <cstdint>

namespace corebot::app {

void http_server_metrics(
    core::MetricsText& out,
    const std::vector<std::pair<std::string_view, net::HttpServerStats>>& servers) {
  struct Series {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t net::HttpServerStats::*value;
  };
  static constexpr Series kSeries[] = {
      {"corebot_http_accepted_total", "counter", "Connections accepted.",
       &net::HttpServerStats::accepted},
      {"corebot_http_accept_paused_total", "counter",
       "Times accepting paused at the connection cap.", &net::HttpServerStats::paused},
      {"corebot_http_idle_closed_total", "counter",
       "Idle keep-alive connections closed to make room at the cap.",
       &net::HttpServerStats::idle_closed},
      {"corebot_http_header_timeouts_total", "counter",
       "Connections closed for a header block not complete in time.",
       &net::HttpServerStats::header_timeouts},
      {"corebot_http_refused_total", "counter",
       "Requests refused on their headers (token, secret, route) before the body.",
       &net::HttpServerStats::refused},
      {"corebot_http_too_large_total", "counter", "Requests refused for their body size (413).",
       &net::HttpServerStats::too_large},
  };
  out.family("corebot_http_connections", "gauge", "Open connections.");
  for (const auto& [name, stats] : servers) {
    out.sample("corebot_http_connections", {{"server", name}}, stats.sessions);
  }
  for (const Series& series : kSeries) {
    out.family(series.name, series.type, series.help);
    for (const auto& [name, stats] : servers) {
      out.sample(series.name, {{"server", name}}, stats.*series.value);
    }
  }
}

void bot_api_connection_metrics(core::MetricsText& out, const net::KeepAliveClientStats& stats) {
  out.single("corebot_bot_api_connections", "gauge",
             "Connections to the Bot API open (or opening) now.", stats.open);
  out.single("corebot_bot_api_connections_idle", "gauge",
             "Of those, idle and kept alive for the next call.", stats.idle);
  out.single("corebot_bot_api_waiting", "gauge",
             "Calls waiting for a free connection (all are busy).", stats.waiting);
  out.single("corebot_bot_api_connects_total", "counter", "Connections opened (or tried).",
             stats.connects);
  out.single("corebot_bot_api_reused_total", "counter",
             "Calls sent on a connection that had carried one before.", stats.reused);
  out.single("corebot_bot_api_stale_closed_total", "counter",
             "Idle connections found closed by the server, or idle too long, and dropped.",
             stats.stale_closed);
  out.single("corebot_bot_api_transport_failures_total", "counter",
             "Calls that got no HTTP answer (refused, reset, timed out).", stats.failed);
}

}  // namespace corebot::app
