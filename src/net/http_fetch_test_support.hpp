// Test support for fetch(): servers on loopback. HttpServer (on an EventLoop thread) for ordinary
// answers, and a raw POSIX-socket server for what HttpServer cannot do (no Content-Length, a
// lying or custom status line, no answer at all). Deadlines are generous relative to what is
// asserted; no test sleeps or relies on timing luck. Included by http_fetch_test.cpp and
// http_fetch_limits_test.cpp only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <future>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/event_loop.hpp"
#include "net/http_fetch.hpp"
#include "net/http_server.hpp"

namespace corebot::net::fetch_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = 20s;
constexpr auto kGenerousTimeout = 10s;

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// ---------------------------------------------------------------------------------------------
// A raw TCP server on 127.0.0.1: one thread, one connection at a time, handled by a function.

class RawConnection {
 public:
  RawConnection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}

  // Reads up to the end of the request head ("\r\n\r\n"); returns what was read.
  std::string read_request() {
    std::string data;
    char buffer[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
      if (!wait(POLLIN)) break;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        break;
      }
      data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
  }

  // Writes everything; false when the peer is gone (or the server stops).
  bool write(std::string_view data) {
    while (!data.empty()) {
      if (!wait(POLLOUT)) return false;
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Blocks until the peer closes the connection (or the server stops), discarding input.
  void wait_for_close() {
    char buffer[4096];
    while (wait(POLLIN)) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0) return;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return;
    }
  }

 private:
  // Waits for `events` in short slices so that a stopping server is noticed.
  bool wait(short events) {
    while (!stopping_) {
      pollfd p{fd_, events, 0};
      const int ready = ::poll(&p, 1, 20);
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
    }
    return false;
  }

  int fd_;
  const std::atomic<bool>& stopping_;
};

class RawServer {
 public:
  using Handler = std::function<void(RawConnection&)>;

  explicit RawServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~RawServer() {
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  [[nodiscard]] std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  [[nodiscard]] int connections() const { return connections_.load(); }

 private:
  void run() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      connections_.fetch_add(1);
      RawConnection connection(fd, stopping_);
      handler_(connection);
      ::close(fd);
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// A raw server that reads the request, writes `answer` and closes the connection.
inline RawServer::Handler canned(std::string answer) {
  return [answer = std::move(answer)](RawConnection& connection) {
    connection.read_request();
    connection.write(answer);
  };
}

// ---------------------------------------------------------------------------------------------
// HttpServer on its own loop thread.

class FetchTest : public ::testing::Test {
 protected:
  ~FetchTest() override { stop(); }

  void start(HttpHandler handler) {
    server_ = std::make_unique<HttpServer>(
        loop_, HttpServerOptions{},
        [this, handler = std::move(handler)](HttpRequest request, Respond respond) {
          {
            std::lock_guard lock(mutex_);
            seen_.push_back(request);
          }
          handler(std::move(request), std::move(respond));
        });
    server_->start();
    loop_thread_ = std::thread([this] { loop_.run(); });
  }

  void stop() {
    if (!loop_thread_.joinable()) return;
    std::promise<void> done;
    loop_.post([&] {
      server_->stop();
      done.set_value();
    });
    EXPECT_EQ(done.get_future().wait_for(kWait), std::future_status::ready);
    loop_.stop();
    loop_thread_.join();
  }

  [[nodiscard]] std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }

  // Requests with deadlines far beyond what any test needs, so none fires by accident.
  static FetchRequest request_for(std::string url) {
    FetchRequest request;
    request.url = std::move(url);
    request.timeout = kGenerousTimeout;
    request.connect_timeout = kGenerousTimeout;
    return request;
  }
  [[nodiscard]] FetchRequest request(std::string_view path) const { return request_for(url(path)); }

  std::vector<HttpRequest> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  EventLoop loop_;
  std::unique_ptr<HttpServer> server_;
  std::thread loop_thread_;
  std::mutex mutex_;
  std::vector<HttpRequest> seen_;
};

inline void expect_failed(const FetchResult& result, std::string_view error) {
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.not_modified);
  EXPECT_EQ(result.error, error);
  EXPECT_TRUE(result.body.empty()) << "a failed download keeps no body";
}

inline HttpResponse redirect(int status, std::string location) {
  HttpResponse response{.status = status, .content_type = "text/html"};
  response.headers = {{"Location", std::move(location)}};
  response.body = "<a>moved</a>";
  return response;
}

}  // namespace corebot::net::fetch_test
