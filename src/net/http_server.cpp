#include "net/http_server.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "core/log.hpp"
#include "net/http_session.hpp"

namespace corebot::net {

namespace detail {

namespace {
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::chrono::minutes kPauseLogInterval{1};
}  // namespace

void ServerCore::session_closed(std::uint64_t id) {
  sessions.erase(id);
  stats.sessions = sessions.size();
  if (stats.accepting_paused && running && sessions.size() < options.max_sessions) {
    stats.accepting_paused = false;
    accept_next();
  }
}

// At the cap the server stops accepting, so the kernel's backlog holds new connections instead
// of each costing a session; an idle keep-alive connection gives its slot up first.
void ServerCore::accept_next() {
  if (!running || accepting) return;
  if (sessions.size() >= options.max_sessions) {
    for (auto& [id, session] : sessions) {
      if (!session->idle()) continue;
      ++stats.idle_closed;
      auto keep = session;  // close() erases it from the map
      keep->close();
      return accept_next();
    }
    if (!stats.accepting_paused) {
      stats.accepting_paused = true;
      ++stats.paused;
      // Under a flood this happens at every close: once a minute is enough for the log.
      const auto now = std::chrono::steady_clock::now();
      if (stats.paused == 1 || now - last_pause_logged >= kPauseLogInterval) {
        last_pause_logged = now;
        COREBOT_LOG_WARN(
            "http server on port {}: {} connections open (the cap), accepting paused "
            "until one closes ({} pauses so far)",
            port, sessions.size(), stats.paused);
      }
    }
    return;
  }
  accepting = true;
  acceptor->async_accept([weak = weak_from_this()](beast::error_code ec, tcp::socket socket) {
    auto core = weak.lock();
    if (!core) return;
    core->accepting = false;
    if (!core->running) return;
    if (ec) {
      // Usually descriptor exhaustion: back off instead of spinning on the same error.
      COREBOT_LOG_WARN("http server: accept failed: {}", ec.message());
      core->accept_retry.emplace(core->io, kAcceptRetryDelay);
      core->accept_retry->async_wait([weak](beast::error_code wait_ec) {
        auto core = weak.lock();
        if (!wait_ec && core) core->accept_next();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const std::uint64_t id = core->next_session_id++;
    auto session = std::make_shared<Session>(core, id, std::move(socket));
    core->sessions.emplace(id, session);
    ++core->stats.accepted;
    core->stats.sessions = core->sessions.size();
    session->start();
    core->accept_next();
  });
}

}  // namespace detail

using detail::ServerCore;
namespace asio = detail::asio;
namespace beast = detail::beast;
using detail::tcp;

struct HttpServer::State {
  std::shared_ptr<ServerCore> core;
};

HttpServer::HttpServer(EventLoop& loop, HttpServerOptions options, HttpHandler handler)
    : state_(std::make_shared<State>()) {
  auto& io = *static_cast<asio::io_context*>(loop.native_handle());
  state_->core = std::make_shared<ServerCore>(io, std::move(options), std::move(handler));
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  auto& core = state_->core;
  if (core->running) return;
  const std::string& host = core->options.host;
  const std::string where = host + ":" + std::to_string(core->options.port);
  auto fail = [&](const beast::error_code& ec) {
    core->acceptor.reset();
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  };

  beast::error_code ec;
  tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, core->options.port);
  } else {
    tcp::resolver resolver(core->io);
    const auto results =
        resolver.resolve(host, std::to_string(core->options.port), tcp::resolver::passive, ec);
    if (ec) fail(ec);
    if (results.empty()) fail(asio::error::host_not_found);
    endpoint = results.begin()->endpoint();
  }

  core->acceptor.emplace(core->io);
  core->acceptor->open(endpoint.protocol(), ec);
  if (ec) fail(ec);
  core->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) fail(ec);
  core->acceptor->bind(endpoint, ec);
  if (ec) fail(ec);
  core->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail(ec);
  core->port = core->acceptor->local_endpoint(ec).port();
  if (ec) fail(ec);
  core->running = true;
  core->accept_next();
}

void HttpServer::stop() {
  auto& core = state_->core;
  if (!core->running) return;
  core->running = false;
  beast::error_code ignored;
  if (core->acceptor) core->acceptor->close(ignored);
  if (core->accept_retry) core->accept_retry->cancel();
  // close() erases from the map, so iterate over a copy.
  auto sessions = core->sessions;
  for (auto& [id, session] : sessions) session->close();
  core->sessions.clear();
  core->stats.sessions = 0;
  core->stats.accepting_paused = false;
}

std::uint16_t HttpServer::port() const { return state_->core->port; }

HttpServerStats HttpServer::stats() const { return state_->core->stats; }

}  // namespace corebot::net
