// Internal to src/net: one connection of KeepAliveClient's pool. It opens itself (resolve,
// connect, TLS handshake) on its first exchange, carries one request at a time, and tells the pool
// afterwards whether it may carry another. The pool (keepalive_client.cpp) owns the queue, the
// limits and the callbacks; this file owns the sockets, the bytes and the deadline.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/http_client.hpp"

namespace corebot::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Origin {
  bool tls = false;
  bool verify_tls = true;
  std::string host;    // as in the URL; IPv6 without brackets
  std::string port;    // "443" when the URL has none
  std::string prefix;  // "scheme://authority", what request URLs start with
};

// One request on its way: the bytes to send and, once known, the answer.
struct Exchange {
  std::string head;  // request line and header block, CRLF-terminated
  std::string body;
  bool head_only = false;  // a HEAD request: the answer has no body
  std::chrono::milliseconds timeout{0};
  HttpClient::Callback done;
  HttpClientResponse response;
};

// How an exchange ended, for the pool.
enum class Outcome {
  kAnswered,  // response.status set; see `reusable`
  kFailed,    // response.error set; response.maybe_sent says whether it was written whole
};

// The buffer answers are read into. Beast reads max(512, the buffer's free capacity) at a time,
// and the parser consumes what it parsed, so a buffer left to grow by itself stayed at 512 bytes:
// every answer over that (a send's answer is 0.5-2 KiB) took two or more receives, each one a
// system call (docs/benchmarks.md, issue 16). Starting at kReceiveChunk reads such an answer in
// one. prepare() is where beast starts each read, so it also counts them for the client's stats.
class ReceiveBuffer : public beast::flat_buffer {
 public:
  static constexpr std::size_t kReceiveChunk = 4096;
  ReceiveBuffer() { reserve(kReceiveChunk); }
  mutable_buffers_type prepare(std::size_t n) {
    ++receives;
    return beast::flat_buffer::prepare(n);
  }
  std::uint64_t receives = 0;  // reads started since the last take
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Finished = std::function<void(std::shared_ptr<Connection>, std::unique_ptr<Exchange>,
                                      Outcome, bool reusable)>;

  Connection(asio::io_context& io, asio::ssl::context* tls, const Origin& origin,
             std::size_t max_response_bytes);

  // Sends `exchange` (opening the connection first when needed) and hands it back to
  // `finished` once, from an Asio handler: the connection owns the exchange meanwhile, so a pool
  // that is gone cannot leave it dangling.
  void start(std::unique_ptr<Exchange> exchange, Finished finished);
  // An idle connection the server has not closed and that sent nothing unasked: a non-blocking
  // peek that finds no byte and no end of stream.
  [[nodiscard]] bool usable_when_idle();
  // Closes the socket; a pending operation ends with an error.
  void close();

  [[nodiscard]] bool opened() const { return opened_; }
  // Reads from the network since the last call (KeepAliveClientStats::receives).
  std::uint64_t take_receives() { return std::exchange(buffer_.receives, 0); }
  std::chrono::steady_clock::time_point idle_since;

 private:
  void resolve();
  void connect(const tcp::resolver::results_type& endpoints);
  void handshake();
  void write();
  void read();
  void on_read(beast::error_code ec);
  void fail(const std::string& what, beast::error_code ec, bool maybe_sent);
  void end(Outcome outcome, bool reusable);
  tcp::socket& socket();
  template <class Fn>
  void with_stream(Fn&& fn);

  asio::io_context& io_;
  asio::ssl::context* tls_context_;
  Origin origin_;
  std::size_t max_response_bytes_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  std::optional<tcp::socket> plain_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  ReceiveBuffer buffer_;
  std::optional<beast::http::response_parser<beast::http::string_body>> parser_;
  std::unique_ptr<Exchange> exchange_;
  Finished finished_;
  bool opened_ = false;
  bool written_ = false;  // the current request was written whole
  bool timed_out_ = false;
  std::uint64_t generation_ = 0;  // counts exchanges, so a stale deadline is ignored
};

}  // namespace corebot::net::detail
