// The server's limits against clients that misbehave on purpose: too many connections, headers
// that never finish, bodies nobody asked for. Raw sockets, so a test controls every byte; the
// loop runs on its own thread and the test waits for conditions with generous deadlines.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "net/loop_test_support.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = 20s;

// A TCP client that sends exactly what it is told.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }
  void send(std::string_view data) const {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads until `done(received)` or the peer closes or `wait` passes. Returns what arrived.
  std::string read(const std::function<bool(const std::string&)>& done,
                   std::chrono::milliseconds wait = kWait) {
    const auto deadline = Clock::now() + wait;
    while (!done(received_) && !eof_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        eof_ = true;
      } else {
        received_.append(buffer, static_cast<std::size_t>(n));
      }
    }
    return received_;
  }
  // Reads one whole response (a body-less one or one with Content-Length ≤ what arrived).
  std::string response(std::chrono::milliseconds wait = kWait) {
    return read([](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; }, wait);
  }
  // True when the server closed the connection within `wait`.
  bool closed_by_server(std::chrono::milliseconds wait = kWait) {
    read([](const std::string&) { return false; }, wait);
    return eof_;
  }
  void forget_received() { received_.clear(); }

 private:
  int fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

std::string get(std::string_view path) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

class HttpLimitsTest : public ::testing::Test {
 protected:
  ~HttpLimitsTest() override {
    if (!loop_thread_.joinable()) return;
    on_loop([&] { server_->stop(); });
    loop_.stop();
    loop_thread_.join();
  }

  void start(HttpServerOptions options) {
    server_ = std::make_unique<HttpServer>(loop_, std::move(options),
                                           [this](HttpRequest request, Respond respond) {
                                             ++handled_;
                                             last_body_size_ = request.body.size();
                                             respond({.body = "handled " + request.path});
                                           });
    server_->start();
    loop_thread_ = std::thread([this] { loop_.run(); });
  }

  void on_loop(const std::function<void()>& fn) { ASSERT_TRUE(run_on_loop(loop_, fn, kWait)); }
  HttpServerStats stats() {
    HttpServerStats s;
    on_loop([&] { s = server_->stats(); });
    return s;
  }
  // Waits until `condition(stats())` holds; false after kWait.
  bool wait_stats(const std::function<bool(const HttpServerStats&)>& condition) {
    const auto deadline = Clock::now() + kWait;
    while (Clock::now() < deadline) {
      if (condition(stats())) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  std::uint16_t port() const { return server_->port(); }

  EventLoop loop_;
  std::unique_ptr<HttpServer> server_;
  std::thread loop_thread_;
  std::atomic<int> handled_{0};
  std::atomic<std::size_t> last_body_size_{0};
};

bool starts_with_status(const std::string& response, int status) {
  return response.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0;
}

TEST_F(HttpLimitsTest, AtTheConnectionCapAcceptingPausesAndResumesWhenOneCloses) {
  start({.header_timeout = 60s, .max_sessions = 2});
  RawClient a(port()), b(port());
  ASSERT_TRUE(a.connected() && b.connected());
  ASSERT_TRUE(wait_stats([](const auto& s) { return s.sessions == 2 && s.accepting_paused; }));

  RawClient c(port());  // the kernel's backlog takes it; the server does not
  ASSERT_TRUE(c.connected());
  c.send(get("/c"));
  EXPECT_EQ(c.response(300ms), "") << "served beyond the cap";
  auto s = stats();
  EXPECT_EQ(s.accepted, 2u);
  EXPECT_EQ(s.sessions, 2u);
  EXPECT_EQ(s.paused, 1u);

  a.close();
  EXPECT_TRUE(starts_with_status(c.response(), 200));
  EXPECT_TRUE(wait_stats([](const auto& s) { return s.accepted == 3u; }));
  EXPECT_EQ(handled_.load(), 1);
}

TEST_F(HttpLimitsTest, AtTheCapAnIdleKeepAliveConnectionGivesItsSlotUp) {
  start({.header_timeout = 60s, .max_sessions = 2});
  RawClient a(port());
  a.send(get("/a"));
  ASSERT_TRUE(starts_with_status(a.response(), 200));  // now idle, kept alive
  RawClient b(port());
  RawClient c(port());
  c.send(get("/c"));
  EXPECT_TRUE(starts_with_status(c.response(), 200));
  EXPECT_TRUE(a.closed_by_server());
  // b still holds a slot without a request, so accepting is paused again: c, idle after its
  // answer, gives its slot up in turn.
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(stats().idle_closed, 2u);
}

TEST_F(HttpLimitsTest, AConnectionThatSendsNoCompleteHeaderIsClosedAtTheHeaderDeadline) {
  start({.idle_timeout = 60s, .header_timeout = 200ms});
  RawClient silent(port());
  RawClient partial(port());
  partial.send("POST /telegram HTTP/1.1\r\nHost: test\r\n");  // and never the blank line
  EXPECT_TRUE(silent.closed_by_server());
  EXPECT_TRUE(partial.closed_by_server());
  EXPECT_EQ(silent.read([](const auto&) { return false; }, 0ms), "") << "closed without answer";
  EXPECT_EQ(stats().header_timeouts, 2u);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpLimitsTest, KeepAliveIdleUsesTheIdleTimeoutThenTheHeaderDeadlineApplies) {
  start({.idle_timeout = 60s, .header_timeout = 100ms});
  RawClient client(port());
  client.send(get("/1"));
  ASSERT_TRUE(starts_with_status(client.response(), 200));
  client.forget_received();
  // Idle for longer than the header deadline: still open (the idle timeout is a minute).
  EXPECT_FALSE(client.closed_by_server(500ms));
  client.send(get("/2"));
  ASSERT_TRUE(starts_with_status(client.response(), 200));
  // Once the next request has started, its header block must finish within the deadline.
  client.send("GET /3 HTTP/1.1\r\n");
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handled_.load(), 2);
  EXPECT_EQ(stats().header_timeouts, 1u);
}

TEST_F(HttpLimitsTest, TheCheckRefusesOnTheHeadersWithoutWaitingForTheBody) {
  std::atomic<int> checked{0};
  HttpServerOptions options{.max_body_bytes = 64u << 20};
  options.check = [&](const HttpRequest& head) {
    ++checked;
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.method, "POST");
    EXPECT_EQ(head.path, "/admin/broadcast");
    EXPECT_EQ(head.header("content-length"), "62914560");
    HeadDecision decision;
    if (head.header("authorization") != "Bearer right") {
      decision.refuse = HttpResponse{.status = 401, .body = "wrong token"};
    }
    return decision;
  };
  start(options);
  // 60 MiB announced, none sent: the 401 comes at once, not after 60 MiB.
  RawClient client(port());
  client.send(
      "POST /admin/broadcast HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer wrong\r\n"
      "Content-Length: 62914560\r\n\r\n");
  const std::string response =
      client.read([](const std::string& s) { return s.find("wrong token") != std::string::npos; });
  EXPECT_TRUE(starts_with_status(response, 401)) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_TRUE(client.closed_by_server());

  // The right token: the server waits for the body, which is then read and handled.
  RawClient good(port());
  good.send(
      "POST /admin/broadcast HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer right\r\n"
      "Content-Length: 62914560\r\n\r\n");
  EXPECT_EQ(good.response(200ms), "");
  good.send(std::string(62914560, 'x'));
  EXPECT_TRUE(starts_with_status(good.response(), 200));
  EXPECT_EQ(last_body_size_.load(), 62914560u);
  EXPECT_EQ(checked.load(), 2);
  EXPECT_EQ(handled_.load(), 1);
  EXPECT_EQ(stats().refused, 1u);
}

TEST_F(HttpLimitsTest, ARoutesOwnBodyLimitGives413BeforeTheBodyIsRead) {
  HttpServerOptions options;
  options.check = [](const HttpRequest& head) {
    HeadDecision decision;
    if (head.path == "/health") decision.max_body_bytes = 0;
    if (head.path == "/small") decision.max_body_bytes = 10;
    return decision;
  };
  start(options);
  RawClient announced(port());  // 2 MiB announced to /health, none sent
  announced.send("POST /health HTTP/1.1\r\nHost: test\r\nContent-Length: 2097152\r\n\r\n");
  EXPECT_TRUE(starts_with_status(announced.response(), 413));

  RawClient chunked(port());  // no length announced: counted as it arrives
  chunked.send(
      "POST /small HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n8\r\n world!!\r\n0\r\n\r\n");
  EXPECT_TRUE(starts_with_status(chunked.response(), 413));

  RawClient fits(port());
  fits.send("POST /small HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n0123456789");
  EXPECT_TRUE(starts_with_status(fits.response(), 200));
  fits.forget_received();
  fits.send(get("/health"));  // no body at all is fine
  EXPECT_TRUE(starts_with_status(fits.response(), 200));
  EXPECT_EQ(handled_.load(), 2);
  EXPECT_EQ(stats().too_large, 2u);
}

TEST_F(HttpLimitsTest, ACheckThatThrowsGives500AndTheHandlerIsNotCalled) {
  HttpServerOptions options;
  options.check = [](const HttpRequest&) -> HeadDecision { throw std::runtime_error("bug"); };
  start(options);
  RawClient client(port());
  client.send(get("/"));
  EXPECT_TRUE(starts_with_status(client.response(), 500));
  EXPECT_EQ(handled_.load(), 0);
}

}  // namespace
}  // namespace corebot::net
