#include "net/keepalive_client.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>
#include <charconv>
#include <deque>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "net/keepalive_connection.hpp"

// The pool: which connection carries which request, in what order, and how many are open. Every
// member of State is touched on the loop thread only; send() from elsewhere hops over first.

namespace corebot::net {

using detail::Connection;
using detail::Exchange;
using detail::Outcome;

namespace {

constexpr char kCancelled[] = "cancelled";

detail::Origin parse_origin(const KeepAliveClientOptions& options) {
  const std::string_view url = options.origin;
  detail::Origin origin;
  origin.verify_tls = options.verify_tls;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
    origin.port = "80";
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    origin.tls = true;
    origin.port = "443";
  } else {
    throw std::invalid_argument(
        "KeepAliveClient: the origin must start with http:// or https://: " + std::string(url));
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    throw std::invalid_argument("KeepAliveClient: the origin must be scheme://host[:port]: " +
                                std::string(url));
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.front() == '[') {  // [IPv6]
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      throw std::invalid_argument("KeepAliveClient: unclosed [ in the origin: " + std::string(url));
    }
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        throw std::invalid_argument("KeepAliveClient: bad origin: " + std::string(url));
      }
      port = after.substr(1);
    }
  } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      throw std::invalid_argument("KeepAliveClient: bad port in the origin: " + std::string(url));
    }
    origin.port = std::string(port);
  }
  if (host.empty()) throw std::invalid_argument("KeepAliveClient: no host: " + std::string(url));
  origin.host = std::string(host);
  origin.prefix = std::string(url.substr(0, url.size() - (url.ends_with('/') ? 1 : 0)));
  return origin;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The request's head, or an empty string with `error` set when the request cannot be sent here.
std::string build_head(const HttpClientRequest& request, const detail::Origin& origin,
                       const KeepAliveClientOptions& options, std::string& error) {
  if (!request.parts.empty()) {
    error = "multipart requests are sent with HttpClient, not KeepAliveClient";
    return {};
  }
  const std::string_view url = request.url;
  if (!url.starts_with(origin.prefix) ||
      (url.size() > origin.prefix.size() && url[origin.prefix.size()] != '/' &&
       url[origin.prefix.size()] != '?')) {
    error = "the URL is not on this client's origin " + origin.prefix;
    return {};
  }
  std::string_view target = url.substr(origin.prefix.size());
  if (const std::size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  if (!is_token(request.method) || has_line_break(target) || target.find(' ') != target.npos) {
    error = "a malformed method or URL";
    return {};
  }
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name) || has_line_break(value)) {
      error = "a malformed header: " + name;
      return {};
    }
  }
  const bool has_payload = !request.body.empty() || request.method == "POST" ||
                           request.method == "PUT" || request.method == "PATCH";
  std::string head;
  head.reserve(160 + target.size() + request.content_type.size());
  head.append(request.method).append(" ");
  head.append(target.empty() ? std::string_view("/") : target).append(" HTTP/1.1\r\nHost: ");
  head.append(origin.prefix.substr(origin.prefix.find("://") + 3)).append("\r\n");
  if (!options.user_agent.empty())
    head.append("User-Agent: ").append(options.user_agent).append("\r\n");
  if (has_payload) {
    if (!request.content_type.empty()) {
      if (has_line_break(request.content_type)) {
        error = "a malformed content type";
        return {};
      }
      head.append("Content-Type: ").append(request.content_type).append("\r\n");
    }
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  for (const auto& [name, value] : request.headers) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

}  // namespace

struct KeepAliveClient::State : std::enable_shared_from_this<State> {
  State(EventLoop& l, KeepAliveClientOptions o)
      : loop(l),
        io(*static_cast<boost::asio::io_context*>(l.native_handle())),
        options(std::move(o)),
        origin(parse_origin(options)) {}

  EventLoop& loop;
  boost::asio::io_context& io;
  KeepAliveClientOptions options;
  detail::Origin origin;
  std::optional<boost::asio::ssl::context> tls;
  std::shared_ptr<std::atomic<std::size_t>> in_flight =
      std::make_shared<std::atomic<std::size_t>>(0);

  // Loop thread only.
  std::vector<std::shared_ptr<Connection>> idle;  // the most recently used at the back
  std::unordered_map<Connection*, std::shared_ptr<Connection>> busy;
  std::deque<std::unique_ptr<Exchange>> waiting;
  std::size_t open = 0;  // idle + busy
  bool stopped = false;
  KeepAliveClientStats counters;

  void set_up_tls();
  void submit(std::unique_ptr<Exchange> exchange);
  void run_on(std::shared_ptr<Connection> connection, std::unique_ptr<Exchange> exchange);
  void open_for(std::unique_ptr<Exchange> exchange);
  void on_finished(const std::shared_ptr<Connection>& connection,
                   std::unique_ptr<Exchange> exchange, Outcome outcome, bool reusable);
  void next_waiting();
  void close_stale();
  void complete(std::unique_ptr<Exchange> exchange);
  void fail_later(std::unique_ptr<Exchange> exchange, std::string error);
  void stop();
};

void KeepAliveClient::State::set_up_tls() {
  namespace ssl = boost::asio::ssl;
  tls.emplace(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  if (!options.verify_tls) {
    tls->set_verify_mode(ssl::verify_none);
    return;
  }
  tls->set_verify_mode(ssl::verify_peer);
  try {
    if (options.ca_file.empty()) {
      tls->set_default_verify_paths();
    } else {
      tls->load_verify_file(options.ca_file);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(
        "KeepAliveClient: cannot load the trusted CAs" +
        (options.ca_file.empty() ? std::string() : " from " + options.ca_file) + ": " + e.what());
  }
}

void KeepAliveClient::State::submit(std::unique_ptr<Exchange> exchange) {
  if (stopped) return fail_later(std::move(exchange), kCancelled);
  close_stale();
  while (!idle.empty()) {
    std::shared_ptr<Connection> connection = std::move(idle.back());
    idle.pop_back();
    if (connection->usable_when_idle()) {
      ++counters.reused;
      return run_on(std::move(connection), std::move(exchange));
    }
    connection->close();
    --open;
    ++counters.stale_closed;
  }
  if (open < options.max_connections) return open_for(std::move(exchange));
  waiting.push_back(std::move(exchange));
}

void KeepAliveClient::State::open_for(std::unique_ptr<Exchange> exchange) {
  ++open;
  ++counters.connects;
  run_on(
      std::make_shared<Connection>(io, tls ? &*tls : nullptr, origin, options.max_response_bytes),
      std::move(exchange));
}

void KeepAliveClient::State::run_on(std::shared_ptr<Connection> connection,
                                    std::unique_ptr<Exchange> exchange) {
  Connection* key = connection.get();
  busy.emplace(key, connection);
  connection->start(std::move(exchange),
                    [self = shared_from_this()](
                        std::shared_ptr<Connection> c, std::unique_ptr<Exchange> e, Outcome outcome,
                        bool reusable) { self->on_finished(c, std::move(e), outcome, reusable); });
}

void KeepAliveClient::State::on_finished(const std::shared_ptr<Connection>& connection,
                                         std::unique_ptr<Exchange> exchange, Outcome outcome,
                                         bool reusable) {
  // After stop() the connection was already dropped from `busy` and from `open`.
  const bool counted = busy.erase(connection.get()) > 0;
  counters.receives += connection->take_receives();
  if (stopped) {
    exchange->response.status = 0;
    exchange->response.error = kCancelled;
    exchange->response.body.clear();
    exchange->response.headers.clear();
    return complete(std::move(exchange));
  }
  if (!counted) return complete(std::move(exchange));
  if (outcome == Outcome::kAnswered) {
    ++counters.requests;
    if (connection->opened() && reusable) {
      if (!waiting.empty()) {
        std::unique_ptr<Exchange> next = std::move(waiting.front());
        waiting.pop_front();
        ++counters.reused;
        run_on(connection, std::move(next));
      } else {
        idle.push_back(connection);
      }
    } else {
      --open;
      next_waiting();
    }
    return complete(std::move(exchange));
  }
  --open;
  ++counters.failed;
  next_waiting();
  complete(std::move(exchange));
}

void KeepAliveClient::State::next_waiting() {
  if (waiting.empty() || open >= options.max_connections) return;
  std::unique_ptr<Exchange> next = std::move(waiting.front());
  waiting.pop_front();
  open_for(std::move(next));
}

void KeepAliveClient::State::close_stale() {
  // The oldest idle connections are at the front.
  const auto now = std::chrono::steady_clock::now();
  std::size_t stale = 0;
  while (stale < idle.size() && now - idle[stale]->idle_since >= options.idle_timeout) {
    idle[stale]->close();
    ++stale;
  }
  if (stale == 0) return;
  idle.erase(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(stale));
  open -= stale;
  counters.stale_closed += stale;
}

void KeepAliveClient::State::complete(std::unique_ptr<Exchange> exchange) {
  HttpClient::Callback done = std::move(exchange->done);
  HttpClientResponse response = std::move(exchange->response);
  exchange.reset();
  in_flight->fetch_sub(1);
  if (done) done(std::move(response));
}

void KeepAliveClient::State::fail_later(std::unique_ptr<Exchange> exchange, std::string error) {
  exchange->response = HttpClientResponse{.status = 0, .error = std::move(error)};
  boost::asio::post(io, [self = shared_from_this(), exchange = std::move(exchange)]() mutable {
    self->complete(std::move(exchange));
  });
}

void KeepAliveClient::State::stop() {
  if (stopped) return;
  stopped = true;
  for (auto& connection : idle) connection->close();
  idle.clear();
  // Busy connections end with an error once their pending operation sees the closed socket;
  // on_finished then reports "cancelled". Dropping them here breaks the State <-> Connection
  // reference cycle even when the loop never runs again.
  for (auto& [key, connection] : busy) connection->close();
  busy.clear();
  open = 0;
  while (!waiting.empty()) {
    fail_later(std::move(waiting.front()), kCancelled);
    waiting.pop_front();
  }
}

KeepAliveClient::KeepAliveClient(EventLoop& loop, KeepAliveClientOptions options)
    : state_(std::make_shared<State>(loop, std::move(options))) {
  if (state_->origin.tls) state_->set_up_tls();
}

KeepAliveClient::~KeepAliveClient() { shutdown(); }

std::string KeepAliveClient::origin_of(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return {};
  const std::size_t path = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, path));
}

bool KeepAliveClient::serves(std::string_view url) const {
  const std::string& prefix = state_->origin.prefix;
  return url.starts_with(prefix) &&
         (url.size() == prefix.size() || url[prefix.size()] == '/' || url[prefix.size()] == '?');
}

void KeepAliveClient::send(HttpClientRequest request, HttpClient::Callback done) {
  State& s = *state_;
  auto exchange = std::make_unique<Exchange>();
  exchange->done = std::move(done);
  exchange->timeout = request.timeout;
  exchange->head_only = request.method == "HEAD";
  s.in_flight->fetch_add(1);
  std::string error;
  exchange->head = build_head(request, s.origin, s.options, error);
  if (exchange->head.empty()) return s.fail_later(std::move(exchange), std::move(error));
  exchange->body = std::move(request.body);
  if (s.io.get_executor().running_in_this_thread()) return s.submit(std::move(exchange));
  boost::asio::post(s.io, [state = state_, exchange = std::move(exchange)]() mutable {
    state->submit(std::move(exchange));
  });
}

std::size_t KeepAliveClient::in_flight() const { return state_->in_flight->load(); }

KeepAliveClientStats KeepAliveClient::stats() const {
  KeepAliveClientStats out = state_->counters;
  out.open = state_->open;
  out.idle = state_->idle.size();
  out.waiting = state_->waiting.size();
  return out;
}

void KeepAliveClient::shutdown() { state_->stop(); }

}  // namespace corebot::net
