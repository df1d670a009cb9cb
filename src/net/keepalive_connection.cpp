#include "net/keepalive_connection.hpp"

#include <poll.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <utility>

#include "corebot/ascii.hpp"

namespace corebot::net::detail {

namespace http = beast::http;

namespace {
// Telegram's header blocks are well under 1 KiB; beast's default (8 KiB) is kept generous.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
}  // namespace

Connection::Connection(asio::io_context& io, asio::ssl::context* tls, const Origin& origin,
                       std::size_t max_response_bytes)
    : io_(io),
      tls_context_(tls),
      origin_(origin),
      max_response_bytes_(max_response_bytes),
      resolver_(io),
      deadline_(io) {}

tcp::socket& Connection::socket() { return tls_ ? tls_->next_layer() : *plain_; }

template <class Fn>
void Connection::with_stream(Fn&& fn) {
  if (tls_) {
    fn(*tls_);
  } else {
    fn(*plain_);
  }
}

void Connection::start(std::unique_ptr<Exchange> exchange, Finished finished) {
  exchange_ = std::move(exchange);
  finished_ = std::move(finished);
  written_ = false;
  timed_out_ = false;
  const std::uint64_t generation = ++generation_;
  if (exchange_->timeout.count() > 0) {
    deadline_.expires_after(exchange_->timeout);
    // The generation check: an expiry already queued when the exchange ended must not close
    // the socket under the next one.
    deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || self->generation_ != generation || self->exchange_ == nullptr) return;
      self->timed_out_ = true;
      self->close();
    });
  }
  if (opened_) {
    write();
  } else {
    resolve();
  }
}

void Connection::resolve() {
  resolver_.async_resolve(
      origin_.host, origin_.port,
      [self = shared_from_this()](beast::error_code ec, const tcp::resolver::results_type& found) {
        if (ec) return self->fail("could not resolve " + self->origin_.host, ec, false);
        self->connect(found);
      });
}

void Connection::connect(const tcp::resolver::results_type& endpoints) {
  if (tls_context_ != nullptr) {
    tls_.emplace(io_, *tls_context_);
  } else {
    plain_.emplace(io_);
  }
  asio::async_connect(
      socket(), endpoints,
      [self = shared_from_this()](beast::error_code ec, const tcp::endpoint& /*endpoint*/) {
        if (ec) {
          return self->fail("could not connect to " + self->origin_.host + ":" + self->origin_.port,
                            ec, false);
        }
        beast::error_code ignored;
        // A request goes out in one write; Nagle would hold a second segment for an ACK.
        self->socket().set_option(tcp::no_delay(true), ignored);
        // For usable_when_idle()'s peek; Asio's own operations do not depend on the flag.
        self->socket().non_blocking(true, ignored);
        if (self->tls_) return self->handshake();
        self->opened_ = true;
        self->write();
      });
}

void Connection::handshake() {
  beast::error_code ec;
  const bool is_address = (asio::ip::make_address(origin_.host, ec), !ec);
  // SNI carries names only (RFC 6066); the certificate check covers names and addresses.
  if (!is_address) SSL_set_tlsext_host_name(tls_->native_handle(), origin_.host.c_str());
  if (origin_.verify_tls) {
    tls_->set_verify_callback(asio::ssl::host_name_verification(origin_.host));
  }
  tls_->async_handshake(
      asio::ssl::stream_base::client, [self = shared_from_this()](beast::error_code handshake_ec) {
        if (handshake_ec) {
          return self->fail("TLS handshake with " + self->origin_.host + " failed", handshake_ec,
                            false);
        }
        self->opened_ = true;
        self->write();
      });
}

void Connection::write() {
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(exchange_->head),
                                                  asio::buffer(exchange_->body)};
  with_stream([&](auto& stream) {
    asio::async_write(stream, buffers,
                      [self = shared_from_this()](beast::error_code ec, std::size_t /*bytes*/) {
                        if (!ec) {
                          self->written_ = true;
                          return self->read();
                        }
                        // Not written whole: no server can have acted on it (maybe_sent false).
                        self->fail("could not send the request", ec, false);
                      });
  });
}

void Connection::read() {
  parser_.emplace();
  parser_->body_limit(max_response_bytes_);
  parser_->header_limit(kHeaderLimit);
  if (exchange_->head_only) parser_->skip(true);
  with_stream([&](auto& stream) {
    http::async_read(stream, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t /*bytes*/) {
                       self->on_read(ec);
                     });
  });
}

void Connection::on_read(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return fail("the answer is larger than " + std::to_string(max_response_bytes_) + " bytes", ec,
                true);
  }
  if (ec) return fail("no answer", ec, true);
  auto& message = parser_->get();
  HttpClientResponse& response = exchange_->response;
  response.status = static_cast<int>(message.result_int());
  response.headers.clear();
  for (const auto& field : message) {
    response.headers.emplace_back(ascii::lower(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(message.body());
  // Bytes after the answer were never asked for: such a connection is not trusted again.
  const bool reusable = message.keep_alive() && !parser_->need_eof() && buffer_.size() == 0;
  parser_.reset();
  if (!reusable) close();
  end(Outcome::kAnswered, reusable);
}

void Connection::fail(const std::string& what, beast::error_code ec, bool maybe_sent) {
  HttpClientResponse& response = exchange_->response;
  response.status = 0;
  response.headers.clear();
  response.body.clear();
  response.error = timed_out_
                       ? "timed out after " + std::to_string(exchange_->timeout.count()) + " ms"
                       : what + ": " + ec.message();
  response.maybe_sent = maybe_sent && written_;
  close();
  end(Outcome::kFailed, false);
}

void Connection::end(Outcome outcome, bool reusable) {
  ++generation_;
  deadline_.cancel();
  buffer_.clear();
  auto finished = std::move(finished_);
  finished_ = nullptr;
  idle_since = std::chrono::steady_clock::now();
  finished(shared_from_this(), std::move(exchange_), outcome, reusable);
}

bool Connection::usable_when_idle() {
  if (!opened_) return false;
  const int fd = socket().native_handle();
  if (fd < 0) return false;
  pollfd watched{.fd = fd, .events = POLLIN | POLLRDHUP, .revents = 0};
  if (::poll(&watched, 1, 0) < 0) return false;
  if ((watched.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0) return false;
  // Plain HTTP: a byte nobody asked for means the stream is out of step. TLS: records may
  // arrive unasked (TLS 1.3 session tickets) and are read with the next answer.
  return (watched.revents & POLLIN) == 0 || tls_.has_value();
}

void Connection::close() {
  beast::error_code ignored;
  resolver_.cancel();
  if (tls_ || plain_) {
    socket().close(ignored);
  }
  opened_ = false;
}

}  // namespace corebot::net::detail
