// fetch(): downloads, redirects, error statuses, conditional requests, threads.
#include <gtest/gtest.h>

#include "net/http_fetch_test_support.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;
using namespace fetch_test;

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
