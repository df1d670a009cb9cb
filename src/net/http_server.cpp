#include "net/http_server.hpp"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/log.hpp"
#include "corebot/ascii.hpp"

namespace corebot::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Larger than Beast's 8 KiB default: browsers with cookies reach the admin pages.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// After an error response the client may still be sending its body; reading (and discarding) it
// for a while keeps the kernel from answering with RST, which would destroy our response.
constexpr std::chrono::seconds kLingerTime{5};
constexpr std::size_t kLingerBufferSize = 16 * 1024;
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

class Session;

// Everything the sessions share with the server; sessions keep it alive while they close.
struct ServerCore {
  ServerCore(asio::io_context& io_context, HttpServerOptions opts, HttpHandler fn)
      : io(io_context), options(std::move(opts)), handler(std::move(fn)) {}

  asio::io_context& io;
  HttpServerOptions options;
  HttpHandler handler;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::uint16_t port = 0;
  bool running = false;
  std::uint64_t next_session_id = 1;
  // Owns the sessions: a session waiting for a late Respond has no pending I/O to keep it alive.
  std::unordered_map<std::uint64_t, std::shared_ptr<Session>> sessions;
};

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerCore> core, std::uint64_t id, tcp::socket socket)
      : core_(std::move(core)), id_(id), stream_(std::move(socket)) {}

  void start() { read_request(); }

  // Closes the socket at once; pending operations complete with errors and find closed_ set.
  void close() {
    if (closed_) return;
    closed_ = true;
    auto self = shared_from_this();  // erasing below may drop the last owner
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    core_->sessions.erase(id_);
  }

  // Runs on the loop thread; the Respond wrapper guarantees at most one call per request.
  void send(HttpResponse response) {
    if (closed_) return;
    if (response.drop_connection) {
      close();
      return;
    }
    build_response(std::move(response));
    write_response(/*linger_after=*/false);
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(core_->options.max_body_bytes);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_after(core_->options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (closed_) return;
    if (ec == http::error::body_limit) {
      reply_error(413, "request body too large");
      return;
    }
    if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      reply_error(400, "malformed request");
      return;
    }
    if (ec) {  // peer closed, idle timeout, reset
      close();
      return;
    }

    auto message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    head_request_ = message.method() == http::verb::head;
    // A handler may hold the request as long as it likes (long polling): no timeout meanwhile.
    stream_.expires_never();

    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const std::string_view target = request.target;
    const std::size_t question = target.find('?');
    request.path = url_decode(target.substr(0, question), /*plus_is_space=*/false);
    if (question != std::string_view::npos)
      request.query = std::string(target.substr(question + 1));
    for (const auto& field : message) {
      request.headers.emplace_back(ascii::lower(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    beast::error_code endpoint_ec;
    const auto remote = stream_.socket().remote_endpoint(endpoint_ec);
    if (!endpoint_ec) {
      request.remote_address = remote.address().to_string();
      request.remote_port = remote.port();
    }

    Respond respond = make_respond();
    try {
      core_->handler(std::move(request), respond);
    } catch (const std::exception& e) {
      COREBOT_LOG_ERROR("http server: handler threw: {}", e.what());
      respond(HttpResponse{.status = 500, .body = R"({"error":"internal error"})"});
    }
  }

  Respond make_respond() {
    auto once = std::make_shared<std::atomic<bool>>(false);
    std::weak_ptr<Session> weak = shared_from_this();
    auto& io = core_->io;
    return [weak, once, &io](HttpResponse response) {
      if (once->exchange(true)) return;
      // dispatch: inline on the loop thread, so a Respond from elsewhere is still safe.
      asio::dispatch(io, [weak, response = std::move(response)]() mutable {
        if (auto session = weak.lock()) session->send(std::move(response));
      });
    };
  }

  void build_response(HttpResponse response) {
    int status = response.status;
    if (status < 100 || status > 999) status = 500;
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(status));
    // These statuses must not carry a body; Beast refuses to serialize one.
    const bool no_body = status < 200 || status == 204 || status == 304;
    if (!response.content_type.empty() && !no_body) {
      response_.set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
      const std::string lower_name = ascii::lower(name);
      // Framing headers are ours to set; CR/LF would let a value inject headers.
      if (lower_name == "content-length" || lower_name == "transfer-encoding" ||
          lower_name == "connection" || name.empty() || has_line_break(name) ||
          has_line_break(value)) {
        continue;
      }
      response_.insert(name, value);
    }
    response_.keep_alive(keep_alive_);
    if (head_request_ && !no_body) {
      // HEAD announces the length the GET would have, without sending the bytes.
      response_.content_length(response.body.size());
    } else {
      if (!no_body) response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
  }

  void write_response(bool linger_after) {
    stream_.expires_after(core_->options.idle_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), linger_after](beast::error_code ec, std::size_t) {
                        self->on_write(ec, linger_after);
                      });
  }

  void on_write(beast::error_code ec, bool linger_after) {
    if (closed_) return;
    if (ec) {
      close();
      return;
    }
    if (linger_after) {
      linger();
    } else if (keep_alive_) {
      read_request();
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      close();
    }
  }

  void reply_error(int status, std::string_view message) {
    keep_alive_ = false;
    head_request_ = false;
    stream_.expires_never();
    build_response(
        HttpResponse{.status = status, .body = R"({"error":")" + std::string(message) + R"("})"});
    write_response(/*linger_after=*/true);
  }

  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    linger_buffer_ = std::make_unique<char[]>(kLingerBufferSize);
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(linger_buffer_.get(), kLingerBufferSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->closed_) {
                                self->close();
                              } else {
                                self->drain();
                              }
                            });
  }

  std::shared_ptr<ServerCore> core_;
  std::uint64_t id_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::unique_ptr<char[]> linger_buffer_;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool closed_ = false;
};

void accept_next(const std::shared_ptr<ServerCore>& core) {
  core->acceptor->async_accept(
      [weak = std::weak_ptr<ServerCore>(core)](beast::error_code ec, tcp::socket socket) {
        auto core = weak.lock();
        if (!core || !core->running) return;
        if (ec) {
          // Usually descriptor exhaustion: back off instead of spinning on the same error.
          COREBOT_LOG_WARN("http server: accept failed: {}", ec.message());
          core->accept_retry.emplace(core->io, kAcceptRetryDelay);
          core->accept_retry->async_wait([weak](beast::error_code wait_ec) {
            auto core = weak.lock();
            if (!wait_ec && core && core->running) accept_next(core);
          });
          return;
        }
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        const std::uint64_t id = core->next_session_id++;
        auto session = std::make_shared<Session>(core, id, std::move(socket));
        core->sessions.emplace(id, session);
        session->start();
        accept_next(core);
      });
}

}  // namespace

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
  accept_next(core);
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
}

std::uint16_t HttpServer::port() const { return state_->core->port; }

}  // namespace corebot::net
