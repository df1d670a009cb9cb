#include "net/http_session.hpp"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <string>
#include <utility>

#include "core/log.hpp"
#include "corebot/ascii.hpp"

namespace corebot::net::detail {

namespace {

// Larger than Beast's 8 KiB default: browsers with cookies reach the admin pages.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// After an error response the client may still be sending its body; reading (and discarding) it
// for a while keeps the kernel from answering with RST, which would destroy our response.
constexpr std::chrono::seconds kLingerTime{5};
constexpr std::size_t kLingerBufferSize = 16 * 1024;
// What an idle keep-alive connection reads at once when its next request starts.
constexpr std::size_t kFirstReadSize = 4096;

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

HttpResponse error_response(int status, std::string_view message) {
  return HttpResponse{.status = status, .body = R"({"error":")" + std::string(message) + R"("})"};
}

}  // namespace

void Session::start() {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    remote_address_ = remote.address().to_string();
    remote_port_ = remote.port();
  }
  read_header();
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  auto self = shared_from_this();  // forgetting the session below may drop the last owner
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
  core_->session_closed(id_);
}

// Between requests on a kept-alive connection: the idle timeout runs until the next request's
// first byte, then the header deadline (so a slow trickle of header bytes cannot hold it long).
void Session::wait_for_next_request() {
  if (buffer_.size() > 0) return read_header();  // the client pipelined its next request
  if (core_->stats.accepting_paused) {
    // Connections are waiting for a free slot: an idle one gives its slot up.
    ++core_->stats.idle_closed;
    return close();
  }
  idle_ = true;
  stream_.expires_after(core_->options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadSize),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->idle_ = false;
                            if (self->closed_) return;
                            if (ec) return self->close();  // peer closed, idle timeout, reset
                            self->buffer_.commit(n);
                            self->read_header();
                          });
}

void Session::read_header() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  // The body's limit is known only once the check saw the head (on_header).
  parser_->body_limit(boost::none);
  reading_header_ = true;
  stream_.expires_after(core_->options.header_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

// Handles what ends a read: 413, 400, or a closed connection. False when there was no error.
bool Session::read_failed(beast::error_code ec) {
  if (!ec) return false;
  if (ec == http::error::body_limit) {
    ++core_->stats.too_large;
    reply_error(error_response(413, "request body too large"));
  } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
             ec != http::error::end_of_stream && ec != http::error::partial_message) {
    reply_error(error_response(400, "malformed request"));
  } else {
    if (ec == beast::error::timeout && reading_header_) ++core_->stats.header_timeouts;
    close();  // peer closed, timeout, reset
  }
  return true;
}

void Session::on_header(beast::error_code ec) {
  if (closed_) return;
  const bool failed = read_failed(ec);
  reading_header_ = false;
  if (failed) return;

  const auto& message = parser_->get();
  keep_alive_ = message.keep_alive();
  head_request_ = message.method() == http::verb::head;
  head_ = head_of(message);

  HeadDecision decision;
  if (core_->options.check) {
    try {
      decision = core_->options.check(head_);
    } catch (const std::exception& e) {
      COREBOT_LOG_ERROR("http server: header check threw: {}", e.what());
      decision.refuse = error_response(500, "internal error");
    }
  }
  if (decision.refuse) {
    ++core_->stats.refused;
    return reply_error(std::move(*decision.refuse));
  }
  const std::size_t limit = decision.max_body_bytes.value_or(core_->options.max_body_bytes);
  if (const auto length = parser_->content_length(); length && *length > limit) {
    ++core_->stats.too_large;  // announced: refused before a byte of it is read
    return reply_error(error_response(413, "request body too large"));
  }
  parser_->body_limit(limit);  // a chunked body is counted as it arrives
  if (parser_->is_done()) return on_read({});
  read_body();
}

void Session::read_body() {
  stream_.expires_after(core_->options.idle_timeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(beast::error_code ec) {
  if (closed_ || read_failed(ec)) return;
  HttpRequest request = std::move(head_);
  request.body = std::move(parser_->release().body());
  parser_.reset();
  // A handler may hold the request as long as it likes (long polling): no timeout meanwhile.
  stream_.expires_never();

  Respond respond = make_respond();
  try {
    core_->handler(std::move(request), respond);
  } catch (const std::exception& e) {
    COREBOT_LOG_ERROR("http server: handler threw: {}", e.what());
    respond(HttpResponse{.status = 500, .body = R"({"error":"internal error"})"});
  }
}

HttpRequest Session::head_of(const http::request_parser<http::string_body>::value_type& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  request.path = url_decode(target.substr(0, question), /*plus_is_space=*/false);
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message) {
    request.headers.emplace_back(ascii::lower(field.name_string()), std::string(field.value()));
  }
  request.remote_address = remote_address_;
  request.remote_port = remote_port_;
  return request;
}

Respond Session::make_respond() {
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

// Runs on the loop thread; the Respond wrapper guarantees at most one call per request.
void Session::send(HttpResponse response) {
  if (closed_) return;
  if (response.drop_connection) return close();
  build_response(std::move(response));
  write_response(/*linger_after=*/false);
}

void Session::build_response(HttpResponse response) {
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

void Session::write_response(bool linger_after) {
  stream_.expires_after(core_->options.idle_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), linger_after](beast::error_code ec, std::size_t) {
                      self->on_write(ec, linger_after);
                    });
}

void Session::on_write(beast::error_code ec, bool linger_after) {
  if (closed_) return;
  if (ec) return close();
  if (linger_after) return linger();
  if (keep_alive_) return wait_for_next_request();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  close();
}

void Session::reply_error(HttpResponse response) {
  keep_alive_ = false;
  head_request_ = false;
  stream_.expires_never();
  build_response(std::move(response));
  write_response(/*linger_after=*/true);
}

void Session::linger() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  linger_buffer_ = std::make_unique<char[]>(kLingerBufferSize);
  stream_.expires_after(kLingerTime);
  drain();
}

void Session::drain() {
  stream_.async_read_some(asio::buffer(linger_buffer_.get(), kLingerBufferSize),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec || self->closed_) return self->close();
                            self->drain();
                          });
}

}  // namespace corebot::net::detail
