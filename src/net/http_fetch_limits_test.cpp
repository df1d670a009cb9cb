// fetch(): the size limit, timeouts and connection failures.
#include <gtest/gtest.h>

#include "net/http_fetch_test_support.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;
using namespace fetch_test;

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

}  // namespace
}  // namespace corebot::net
