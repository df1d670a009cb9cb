// Internal to src/net: one server connection (Session) and what the sessions share with the
// server (ServerCore). http_server.cpp owns the acceptor and the cap on sessions;
// http_session.cpp reads requests, applies the header check and limits, and writes responses.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "net/http_server.hpp"

namespace corebot::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

// Everything the sessions share with the server; sessions keep it alive while they close.
struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(asio::io_context& io_context, HttpServerOptions opts, HttpHandler fn)
      : io(io_context), options(std::move(opts)), handler(std::move(fn)) {}

  // Called by a session that closed: forgets it and resumes accepting when paused at the cap.
  void session_closed(std::uint64_t id);
  // Accepts the next connection unless the cap is reached (then pauses). In http_server.cpp.
  void accept_next();

  asio::io_context& io;
  HttpServerOptions options;
  HttpHandler handler;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::uint16_t port = 0;
  bool running = false;
  bool accepting = false;  // an async_accept is pending
  std::uint64_t next_session_id = 1;
  HttpServerStats stats;
  std::chrono::steady_clock::time_point last_pause_logged;
  // Owns the sessions: a session waiting for a late Respond has no pending I/O to keep it alive.
  std::unordered_map<std::uint64_t, std::shared_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerCore> core, std::uint64_t id, tcp::socket socket)
      : core_(std::move(core)), id_(id), stream_(std::move(socket)) {}

  // Reads the first request within the header deadline.
  void start();
  // Closes the socket at once; pending operations complete with errors and find closed_ set.
  void close();
  // Waiting for the next request on a kept-alive connection, nothing of it received yet.
  [[nodiscard]] bool idle() const { return idle_; }

 private:
  void wait_for_next_request();
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_read(beast::error_code ec);
  [[nodiscard]] bool read_failed(beast::error_code ec);
  HttpRequest head_of(const http::request_parser<http::string_body>::value_type& message);
  Respond make_respond();
  void send(HttpResponse response);
  void build_response(HttpResponse response);
  void write_response(bool linger_after);
  void on_write(beast::error_code ec, bool linger_after);
  void reply_error(HttpResponse response);
  void linger();
  void drain();

  std::shared_ptr<ServerCore> core_;
  std::uint64_t id_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest head_;  // the current request without its body, between header and body
  // The peer, read once in start(): asking the socket per request cost a system call each.
  std::string remote_address_;
  std::uint16_t remote_port_ = 0;
  http::response<http::string_body> response_;
  std::unique_ptr<char[]> linger_buffer_;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool reading_header_ = false;  // a timeout now is a header timeout
  bool idle_ = false;
  bool closed_ = false;
};

}  // namespace corebot::net::detail
