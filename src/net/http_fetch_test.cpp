// fetch() against servers on loopback: HttpServer (on an EventLoop thread) for ordinary answers,
// and a raw POSIX-socket server for what HttpServer cannot do (no Content-Length, a lying or
// custom status line, no answer at all). Deadlines are generous relative to what is asserted;
// no test sleeps or relies on timing luck.
#include "net/http_fetch.hpp"

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
#include "net/http_server.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = 20s;
constexpr auto kGenerousTimeout = 10s;

bool starts_with(std::string_view s, std::string_view prefix) {
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
RawServer::Handler canned(std::string answer) {
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

void expect_failed(const FetchResult& result, std::string_view error) {
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.not_modified);
  EXPECT_EQ(result.error, error);
  EXPECT_TRUE(result.body.empty()) << "a failed download keeps no body";
}

HttpResponse redirect(int status, std::string location) {
  HttpResponse response{.status = status, .content_type = "text/html"};
  response.headers = {{"Location", std::move(location)}};
  response.body = "<a>moved</a>";
  return response;
}

// ---------------------------------------------------------------------------------------------
// Successful downloads.

TEST_F(FetchTest, OkWithBodyAndHeaders) {
  start([](HttpRequest, Respond respond) {
    HttpResponse response{.status = 200, .content_type = "Text/CSV; charset=UTF-8"};
    response.headers = {{"Content-Disposition", R"(attachment; filename="report.csv")"},
                        {"ETag", R"(W/"abc-123")"},
                        {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}};
    response.body = "a,b\n1,2\n";
    respond(std::move(response));
  });
  const FetchResult result = fetch(request("/sheet.csv?x=1"));
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_FALSE(result.not_modified);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.body, "a,b\n1,2\n");
  EXPECT_EQ(result.final_url, url("/sheet.csv?x=1"));
  EXPECT_EQ(result.content_type, "text/csv");
  EXPECT_EQ(result.file_name, "report.csv");
  EXPECT_EQ(result.etag, R"(W/"abc-123")");
  EXPECT_EQ(result.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");

  const auto requests = seen();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/sheet.csv?x=1");
  EXPECT_EQ(requests[0].header("user-agent"), "corebot/0.1");
  // curl's default: every encoding it can decode.
  EXPECT_NE(requests[0].header("accept-encoding").value_or("").find("gzip"),
            std::string_view::npos);
  EXPECT_FALSE(requests[0].header("if-none-match").has_value());
  EXPECT_FALSE(requests[0].header("if-modified-since").has_value());
}

TEST_F(FetchTest, EmptyAndBinaryBodiesAndUpperCaseScheme) {
  const std::string binary("\0\x01\xff\r\n\0end", 9);
  start([&](HttpRequest request, Respond respond) {
    if (request.path == "/empty") {
      respond({.status = 204, .content_type = ""});
    } else {
      respond({.status = 200, .content_type = "application/octet-stream", .body = binary});
    }
  });
  const FetchResult empty = fetch(request("/empty"));
  EXPECT_TRUE(empty.ok) << empty.error;
  EXPECT_EQ(empty.status, 204);
  EXPECT_EQ(empty.body, "");
  EXPECT_EQ(empty.content_type, "");
  EXPECT_EQ(empty.file_name, "");
  EXPECT_EQ(empty.etag, "");

  FetchRequest upper = request("/binary");
  upper.url.replace(0, 4, "HTTP");
  upper.user_agent = "custom-agent/2";
  const FetchResult result = fetch(upper);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, binary);
  EXPECT_EQ(result.content_type, "application/octet-stream");
  EXPECT_EQ(seen().back().header("user-agent"), "custom-agent/2");
}

TEST_F(FetchTest, BodyUpToTheLimitIsAccepted) {
  start([](HttpRequest request, Respond respond) {
    const std::size_t size = std::stoul(request.query);
    respond({.status = 200, .content_type = "text/plain", .body = std::string(size, 'x')});
  });
  FetchRequest exact = request("/?4096");
  exact.max_bytes = 4096;
  const FetchResult result = fetch(exact);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, std::string(4096, 'x'));

  FetchRequest large = request("/?5242880");  // 5 MiB under the default 20 MiB
  const FetchResult big = fetch(large);
  EXPECT_TRUE(big.ok) << big.error;
  EXPECT_EQ(big.body.size(), 5u << 20);
}

// ---------------------------------------------------------------------------------------------
// Redirects.

TEST_F(FetchTest, RedirectChainIsFollowedAndOnlyTheFinalHeadersCount) {
  start([this](HttpRequest request, Respond respond) {
    const auto with_junk = [](HttpResponse response) {
      // Headers of the intermediate answers must not leak into the result.
      response.headers.emplace_back("ETag", R"("redirect")");
      response.headers.emplace_back("Last-Modified", "Thu, 01 Jan 1970 00:00:00 GMT");
      response.headers.emplace_back("Content-Disposition", R"(attachment; filename="moved.html")");
      return response;
    };
    if (request.path == "/a") return respond(with_junk(redirect(301, url("/b"))));  // absolute
    if (request.path == "/b") return respond(with_junk(redirect(302, "/c?step=3")));
    if (request.path == "/c") return respond(with_junk(redirect(303, "d")));  // relative
    if (request.path == "/d") return respond(with_junk(redirect(307, "/e")));
    if (request.path == "/e") return respond(with_junk(redirect(308, "/final")));
    respond({.status = 200, .content_type = "text/csv", .body = "done"});
  });
  const FetchResult result = fetch(request("/a"));
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "done");
  EXPECT_EQ(result.final_url, url("/final"));
  EXPECT_EQ(result.content_type, "text/csv");
  EXPECT_EQ(result.etag, "");
  EXPECT_EQ(result.last_modified, "");
  EXPECT_EQ(result.file_name, "");

  std::vector<std::string> targets;
  for (const auto& r : seen()) {
    targets.push_back(r.target);
    EXPECT_EQ(r.method, "GET") << r.target;
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"/a", "/b", "/c?step=3", "/d", "/e", "/final"}));
}

TEST_F(FetchTest, RedirectsUpToTheLimit) {
  // /hop/N redirects to /hop/N-1; /hop/0 answers.
  start([](HttpRequest request, Respond respond) {
    const int n = std::stoi(request.path.substr(5));
    if (n == 0) return respond({.status = 200, .content_type = "text/plain", .body = "end"});
    respond(redirect(302, "/hop/" + std::to_string(n - 1)));
  });
  const FetchResult five = fetch(request("/hop/5"));
  EXPECT_TRUE(five.ok) << five.error;
  EXPECT_EQ(five.final_url, url("/hop/0"));

  expect_failed(fetch(request("/hop/6")), "too many redirects (more than 5)");

  FetchRequest two = request("/hop/2");
  two.max_redirects = 2;
  EXPECT_TRUE(fetch(two).ok);
  two.url = url("/hop/3");
  expect_failed(fetch(two), "too many redirects (more than 2)");

  FetchRequest none = request("/hop/1");
  none.max_redirects = 0;
  expect_failed(fetch(none), "too many redirects (more than 0)");
}

TEST_F(FetchTest, RedirectLoopStops) {
  start([](HttpRequest, Respond respond) { respond(redirect(302, "/loop")); });
  const FetchResult result = fetch(request("/loop"));
  expect_failed(result, "too many redirects (more than 5)");
  EXPECT_EQ(result.status, 302);  // the last answer
  EXPECT_LE(seen().size(), 7u);
}

class FetchRedirectProtocolTest : public FetchTest,
                                  public ::testing::WithParamInterface<std::string> {};

TEST_P(FetchRedirectProtocolTest, RedirectToOtherProtocolIsRefused) {
  const std::string location = GetParam();
  start([location](HttpRequest request, Respond respond) {
    if (request.path == "/start") return respond(redirect(302, "/jump"));
    respond(redirect(301, location));
  });
  const FetchResult result = fetch(request("/start"));
  expect_failed(result,
                "the server redirected to a link that is not a web page (only http:// and "
                "https:// links are supported)");
  EXPECT_EQ(result.status, 301);
  EXPECT_EQ(seen().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Fetch, FetchRedirectProtocolTest,
                         ::testing::Values("file:///etc/passwd", "ftp://127.0.0.1/secret",
                                           "FILE:///etc/hostname", "gopher://127.0.0.1/",
                                           "dict://127.0.0.1:2628/d:x", "ldap://127.0.0.1/"));

TEST(FetchLinkTest, NonWebLinksAreRefusedWithoutTouchingThem) {
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "", "example.com/data.csv",
                          "javascript:alert(1)", "httpx://example.com/", " http://example.com/",
                          "/etc/passwd", "scp://host/file"}) {
    FetchRequest request;
    request.url = url;
    const FetchResult result = fetch(request);
    EXPECT_FALSE(result.ok) << url;
    EXPECT_EQ(result.error, "only http:// and https:// links are supported") << url;
    EXPECT_EQ(result.status, 0) << url;
    EXPECT_EQ(result.body, "") << url;
  }
}

// ---------------------------------------------------------------------------------------------
// Error statuses.

TEST_F(FetchTest, ErrorStatusesAreNamed) {
  start([](HttpRequest request, Respond respond) {
    HttpResponse response{.status = std::stoi(request.path.substr(1)),
                          .content_type = "text/html",
                          .body = "<h1>error page</h1>"};
    response.headers = {{"ETag", R"("err")"}};
    respond(std::move(response));
  });
  const std::vector<std::pair<int, std::string>> cases = {
      {404, "the server answered 404 Not Found"},
      {403, "the server answered 403 Forbidden"},
      {410, "the server answered 410 Gone"},
      {429, "the server answered 429 Too Many Requests"},
      {500, "the server answered 500 Internal Server Error"},
      {503, "the server answered 503 Service Unavailable"},
  };
  for (const auto& [status, message] : cases) {
    const FetchResult result = fetch(request("/" + std::to_string(status)));
    expect_failed(result, message);
    EXPECT_EQ(result.status, status);
    EXPECT_EQ(result.final_url, url("/" + std::to_string(status)));
  }
}

TEST_F(FetchTest, ErrorStatusAfterRedirect) {
  start([](HttpRequest request, Respond respond) {
    if (request.path == "/old") return respond(redirect(301, "/gone"));
    respond({.status = 404, .content_type = "text/plain", .body = "no"});
  });
  const FetchResult result = fetch(request("/old"));
  expect_failed(result, "the server answered 404 Not Found");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.final_url, url("/gone"));
}

TEST(FetchRawTest, ReasonPhraseComesFromTheStatusLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HTTP/1.1 404 Gone Fishing\r\nContent-Length: 2\r\n\r\nno",
       "the server answered 404 Gone Fishing"},
      {"HTTP/1.1 410\r\nContent-Length: 0\r\n\r\n", "the server answered 410 Gone"},
      {"HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n", "the server answered 599"},
      {"HTTP/1.0 502 Bad Gateway\r\n\r\nupstream down", "the server answered 502 Bad Gateway"},
      // A 3xx without Location is final too.
      {"HTTP/1.1 300 Multiple Choices\r\nContent-Length: 5\r\n\r\nchoose",
       "the server answered 300 Multiple Choices"},
      {"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", "the server answered 302 Found"},
  };
  for (const auto& [answer, message] : cases) {
    RawServer server(canned(answer));
    FetchRequest request;
    request.url = server.url();
    const FetchResult result = fetch(request);
    expect_failed(result, message);
    EXPECT_EQ(result.status, std::stoi(answer.substr(9, 3)));
  }
}

// ---------------------------------------------------------------------------------------------
// Conditional requests.

class FetchConditionalTest : public FetchTest {
 protected:
  static constexpr char kEtag[] = R"("v1")";
  static constexpr char kDate[] = "Wed, 21 Oct 2015 07:28:00 GMT";

  void SetUp() override {
    start([](HttpRequest request, Respond respond) {
      HttpResponse response{.status = 200, .content_type = "text/csv", .body = "fresh"};
      response.headers = {{"ETag", kEtag}, {"Last-Modified", kDate}};
      if (request.path == "/always-304" || request.header("if-none-match") == kEtag ||
          request.header("if-modified-since") == kDate) {
        response.status = 304;
        response.body.clear();
      }
      respond(std::move(response));
    });
  }
};

TEST_F(FetchConditionalTest, MatchingEtagIsNotModified) {
  FetchRequest conditional = request("/data");
  conditional.if_none_match = kEtag;
  const FetchResult result = fetch(conditional);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_TRUE(result.not_modified);
  EXPECT_EQ(result.status, 304);
  EXPECT_EQ(result.body, "");
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.etag, kEtag);
  EXPECT_EQ(result.last_modified, kDate);
  EXPECT_EQ(seen().back().header("if-none-match"), kEtag);
  EXPECT_FALSE(seen().back().header("if-modified-since").has_value());
}

TEST_F(FetchConditionalTest, MatchingDateIsNotModified) {
  FetchRequest conditional = request("/data");
  conditional.if_modified_since = kDate;
  const FetchResult result = fetch(conditional);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_TRUE(result.not_modified);
  EXPECT_EQ(seen().back().header("if-modified-since"), kDate);
}

TEST_F(FetchConditionalTest, ChangedContentIsDownloaded) {
  FetchRequest conditional = request("/data");
  conditional.if_none_match = R"("v0")";
  conditional.if_modified_since = "Tue, 20 Oct 2015 07:28:00 GMT";
  const FetchResult result = fetch(conditional);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_FALSE(result.not_modified);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "fresh");
  EXPECT_EQ(result.etag, kEtag);
}

TEST_F(FetchConditionalTest, NotModifiedWithoutConditionIsAnError) {
  const FetchResult result = fetch(request("/always-304"));
  expect_failed(result, "the server answered 304 Not Modified");
  EXPECT_EQ(result.status, 304);
}

TEST_F(FetchConditionalTest, LineBreaksCannotInjectHeaders) {
  FetchRequest conditional = request("/data");
  conditional.if_none_match = "\"v0\"\r\nX-Injected: 1";
  const FetchResult result = fetch(conditional);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_FALSE(seen().back().header("x-injected").has_value());
  EXPECT_FALSE(seen().back().header("if-none-match").has_value());
}

// curl follows any 3xx with a Location header, 304 included; fetch() must not.
TEST(FetchRawTest, NotModifiedWithLocationIsNotFollowed) {
  RawServer server(
      canned("HTTP/1.1 304 Not Modified\r\nLocation: /elsewhere\r\nETag: \"v1\"\r\n\r\n"));
  FetchRequest request;
  request.url = server.url("/data");
  request.timeout = kGenerousTimeout;
  request.if_none_match = R"("v1")";
  const FetchResult result = fetch(request);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_TRUE(result.not_modified);
  EXPECT_EQ(result.status, 304);
  EXPECT_EQ(result.etag, R"("v1")");
  EXPECT_EQ(result.final_url, server.url("/data"));
  EXPECT_EQ(server.connections(), 1);
}

// ---------------------------------------------------------------------------------------------
// Size limit.

TEST_F(FetchTest, ContentLengthOverTheLimitIsRefused) {
  start([](HttpRequest, Respond respond) {
    respond({.status = 200, .content_type = "text/plain", .body = std::string(4097, 'x')});
  });
  FetchRequest limited = request("/big");
  limited.max_bytes = 4096;
  const FetchResult result = fetch(limited);
  expect_failed(result, "the file is larger than 4 KiB");
  EXPECT_EQ(result.status, 200);
}

// The announced length alone is enough: the server never sends the body, and the refusal comes
// long before the (generous) timeout would.
struct LimitCase {
  std::size_t max_bytes;
  std::string message;
};

void PrintTo(const LimitCase& c, std::ostream* os) { *os << c.max_bytes; }

class FetchAnnouncedLengthTest : public ::testing::TestWithParam<LimitCase> {};

TEST_P(FetchAnnouncedLengthTest, RefusedByContentLengthBeforeTheBody) {
  const std::size_t announced = GetParam().max_bytes + 1;
  RawServer server([announced](RawConnection& connection) {
    connection.read_request();
    connection.write("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: " +
                     std::to_string(announced) + "\r\n\r\nabc");
    connection.wait_for_close();
  });
  FetchRequest request;
  request.url = server.url("/huge");
  request.timeout = kGenerousTimeout;
  request.max_bytes = GetParam().max_bytes;
  const FetchResult result = fetch(request);
  expect_failed(result, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(Fetch, FetchAnnouncedLengthTest,
                         ::testing::Values(LimitCase{20u << 20, "the file is larger than 20 MiB"},
                                           LimitCase{3u << 19, "the file is larger than 1.5 MiB"},
                                           // Rounded down: the file is larger than that too.
                                           LimitCase{(20u << 20) - 1,
                                                     "the file is larger than 19.9 MiB"},
                                           LimitCase{64u << 10, "the file is larger than 64 KiB"},
                                           LimitCase{1000, "the file is larger than 1000 bytes"},
                                           LimitCase{0, "the file is larger than 0 bytes"}));

// A body without Content-Length (chunked, or until the connection closes) is cut off as it
// streams: the server could send far more, but the client stops reading.
class FetchStreamingTest : public ::testing::TestWithParam<bool> {};

TEST_P(FetchStreamingTest, StreamedBodyOverTheLimitIsRefused) {
  const bool chunked = GetParam();
  constexpr std::size_t kCap = 256u << 20;  // what the server would send if left alone
  std::atomic<std::size_t> sent{0};
  std::atomic<bool> finished{false};
  RawServer server([&](RawConnection& connection) {
    connection.read_request();
    connection.write(chunked ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    const std::string data(16384, 'z');
    const std::string chunk = chunked ? "4000\r\n" + data + "\r\n" : data;
    while (sent < kCap) {
      if (!connection.write(chunk)) return;
      sent += data.size();
    }
    finished = true;
  });
  FetchRequest request;
  request.url = server.url("/stream");
  request.timeout = 60s;
  request.max_bytes = 1u << 20;
  const FetchResult result = fetch(request);
  expect_failed(result, "the file is larger than 1 MiB");
  EXPECT_EQ(result.status, 200);
  EXPECT_FALSE(finished) << "the client read the whole stream";
}

INSTANTIATE_TEST_SUITE_P(Fetch, FetchStreamingTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Chunked" : "UntilClose"; });

TEST(FetchRawTest, StreamedBodyAtTheLimitIsAccepted) {
  RawServer server([](RawConnection& connection) {
    connection.read_request();
    connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 4; ++i) connection.write("400\r\n" + std::string(1024, 'k') + "\r\n");
    connection.write("0\r\n\r\n");
    connection.wait_for_close();
  });
  FetchRequest request;
  request.url = server.url();
  request.timeout = kGenerousTimeout;
  request.max_bytes = 4096;
  const FetchResult result = fetch(request);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, std::string(4096, 'k'));

  request.max_bytes = 4095;
  expect_failed(fetch(request), "the file is larger than 3.9 KiB");
}

// gzip of 100000 'a' bytes (133 bytes on the wire).
const std::string& gzipped_a100000() {
  static const std::string data(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xed\xc1\x31\x01\x00\x00\x00\xc2\xa0\xac\xeb\x5f"
      "\xc2\x1a\x1e\x40\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xaf\x06\x87\xfa\xe2\x1b\xa0\x86\x01"
      "\x00",
      133);
  return data;
}

TEST_F(FetchTest, CompressedBodyIsDecodedAndLimitedByItsDecodedSize) {
  start([](HttpRequest request, Respond respond) {
    HttpResponse response{.status = 200, .content_type = "text/plain"};
    if (request.header("accept-encoding").value_or("").find("gzip") != std::string_view::npos) {
      response.headers = {{"Content-Encoding", "gzip"}};
      response.body = gzipped_a100000();
    } else {
      response.body = std::string(100000, 'a');
    }
    respond(std::move(response));
  });
  FetchRequest roomy = request("/z");
  roomy.max_bytes = 100000;
  const FetchResult result = fetch(roomy);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, std::string(100000, 'a'));

  FetchRequest tight = request("/z");
  tight.max_bytes = 64u << 10;  // far above the 133 bytes on the wire
  expect_failed(fetch(tight), "the file is larger than 64 KiB");
}

// ---------------------------------------------------------------------------------------------
// Timeouts and connection failures.

TEST(FetchRawTest, TimeoutWhenTheServerNeverAnswers) {
  std::atomic<bool> got_request{false};
  RawServer server([&](RawConnection& connection) {
    got_request = !connection.read_request().empty();
    connection.wait_for_close();
  });
  FetchRequest request;
  request.url = server.url("/silent");
  request.timeout = 300ms;
  const auto started = Clock::now();
  const FetchResult result = fetch(request);
  const auto elapsed = Clock::now() - started;
  expect_failed(result, "the download took longer than 300 ms");
  EXPECT_EQ(result.status, 0);
  EXPECT_TRUE(got_request);
  // Loose lower bound: curl's millisecond timers may fire a fraction early by our clock.
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, kGenerousTimeout);
}

TEST(FetchRawTest, TimeoutWhileTheBodyTrickles) {
  RawServer server([](RawConnection& connection) {
    connection.read_request();
    connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly the start");
    connection.wait_for_close();
  });
  FetchRequest request;
  request.url = server.url();
  request.timeout = 1500ms;
  const auto started = Clock::now();
  const FetchResult result = fetch(request);
  expect_failed(result, "the download took longer than 1.5 s");
  EXPECT_LT(Clock::now() - started, 10s);
}

TEST(FetchRawTest, ServerClosesWithoutAnswering) {
  RawServer server([](RawConnection& connection) { connection.read_request(); });
  FetchRequest request;
  request.url = server.url();
  request.timeout = kGenerousTimeout;
  const FetchResult result = fetch(request);
  expect_failed(result, "the server closed the connection without answering");
  EXPECT_EQ(result.status, 0);
}

TEST(FetchRawTest, ServerClosesInTheMiddleOfTheBody) {
  RawServer server(canned("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly the start"));
  FetchRequest request;
  request.url = server.url();
  request.timeout = kGenerousTimeout;
  const FetchResult result = fetch(request);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(starts_with(result.error, "the connection broke during the download ("))
      << result.error;
  EXPECT_EQ(result.body, "");
}

TEST(FetchRawTest, GarbageIsNotHttp) {
  RawServer server(canned("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
  FetchRequest request;
  request.url = server.url();
  request.timeout = kGenerousTimeout;
  const FetchResult result = fetch(request);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(starts_with(result.error, "the server's answer is not valid HTTP")) << result.error;
  EXPECT_EQ(result.status, 0);
}

// A listener whose accept queue is full: Linux (tcp_abort_on_overflow=0, the default) drops
// further SYNs, so a connection attempt hangs until a timeout ends it.
class FullListener {
 public:
  FullListener() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    // Backlog 0 leaves room for exactly one connection, which the filler takes (a blocking
    // connect returns once the handshake is done) and nobody accepts.
    if (listener_ < 0 || filler_ < 0 ||
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::connect(filler_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot set up a full listener");
    }
    port_ = ntohs(address.sin_port);
  }
  ~FullListener() {
    if (filler_ >= 0) ::close(filler_);
    if (listener_ >= 0) ::close(listener_);
  }
  FullListener(const FullListener&) = delete;
  FullListener& operator=(const FullListener&) = delete;

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/";
  }

 private:
  int listener_ = -1;
  int filler_ = -1;
  std::uint16_t port_ = 0;
};

TEST(FetchLinkTest, ConnectTimeout) {
  const FullListener full;
  FetchRequest request;
  request.url = full.url();
  request.connect_timeout = 300ms;
  request.timeout = kGenerousTimeout;
  const auto started = Clock::now();
  const FetchResult result = fetch(request);
  expect_failed(result, "cannot connect to the server within 300 ms");
  EXPECT_EQ(result.status, 0);
  EXPECT_LT(Clock::now() - started, kGenerousTimeout);
}

TEST(FetchLinkTest, ConnectTimeoutAfterARedirect) {
  const FullListener full;
  RawServer server(
      canned("HTTP/1.1 302 Found\r\nLocation: " + full.url() + "\r\nContent-Length: 0\r\n\r\n"));
  FetchRequest request;
  request.url = server.url("/moved");
  request.connect_timeout = 300ms;
  request.timeout = kGenerousTimeout;
  const auto started = Clock::now();
  const FetchResult result = fetch(request);
  expect_failed(result, "cannot connect to the server within 300 ms");
  EXPECT_EQ(result.final_url, full.url());
  EXPECT_LT(Clock::now() - started, kGenerousTimeout);
}

// While connecting, the overall deadline can come first; the message names the one that fired.
TEST(FetchLinkTest, OverallTimeoutWhileConnecting) {
  const FullListener full;
  FetchRequest request;
  request.url = full.url();
  request.connect_timeout = kGenerousTimeout;
  request.timeout = 300ms;
  const auto started = Clock::now();
  const FetchResult result = fetch(request);
  expect_failed(result, "the download took longer than 300 ms");
  EXPECT_LT(Clock::now() - started, kGenerousTimeout);
}

// A port that is bound but not listening refuses connections, and nobody else can take it.
TEST(FetchLinkTest, ConnectionRefused) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  FetchRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
  request.timeout = kGenerousTimeout;
  const FetchResult result = fetch(request);
  ::close(fd);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(starts_with(result.error, "cannot connect to the server (")) << result.error;
  EXPECT_EQ(result.status, 0);
}

TEST(FetchLinkTest, UnknownHost) {
  FetchRequest request;
  request.url = "http://no-such-host.invalid/data.csv";  // .invalid never resolves (RFC 6761)
  request.timeout = kGenerousTimeout;
  const FetchResult result = fetch(request);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.status, 0);
  // Normally answered at once; a resolver that cannot reach its name server may time out.
  EXPECT_TRUE(starts_with(result.error, "cannot find the server (") ||
              result.error == "the download took longer than 10 s")
      << result.error;
}

TEST(FetchLinkTest, MalformedUrl) {
  FetchRequest request;
  request.url = "http://exa mple.com:99999/";
  const FetchResult result = fetch(request);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(starts_with(result.error, "the link is not a valid URL (")) << result.error;
}

TEST_F(FetchTest, TlsToAPlainServerFails) {
  start([](HttpRequest, Respond respond) { respond({.status = 200, .body = "{}"}); });
  FetchRequest secure = request("/");
  secure.url.replace(0, 4, "https");
  const FetchResult result = fetch(secure);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(starts_with(result.error, "cannot establish a secure connection to the server ("))
      << result.error;
  EXPECT_EQ(result.status, 0);
}

// ---------------------------------------------------------------------------------------------
// Threads.

TEST_F(FetchTest, ConcurrentFetchesFromManyThreads) {
  start([](HttpRequest request, Respond respond) {
    respond({.status = 200, .content_type = "text/plain", .body = "echo " + request.query});
  });
  constexpr int kThreads = 6;
  constexpr int kPerThread = 8;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        const std::string query = std::to_string(i) + "-" + std::to_string(j);
        const FetchResult result = fetch(request("/?" + query));
        if (result.ok && result.body == "echo " + query) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good, kThreads * kPerThread);
}

}  // namespace
}  // namespace corebot::net
