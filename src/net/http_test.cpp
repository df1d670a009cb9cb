// The server and the client against each other over loopback. The loop runs on its own thread;
// the test thread waits on futures with generous deadlines, never on sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "net/client_test_support.hpp"
#include "net/event_loop.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/loop_test_support.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 20s;

class HttpTest : public ::testing::Test {
 protected:
  ~HttpTest() override { teardown(); }

  void start(HttpHandler handler, HttpServerOptions options = {},
             HttpClientOptions client_options = {}) {
    server_ = std::make_unique<HttpServer>(loop_, options, std::move(handler));
    server_->start();
    client_ = std::make_unique<HttpClient>(loop_, client_options);
    loop_thread_ = std::thread([this] { loop_.run(); });
  }

  // Runs fn on the loop thread and waits for it; the server is not thread-safe.
  void on_loop(const std::function<void()>& fn) { ASSERT_TRUE(run_on_loop(loop_, fn, kWait)); }

  void teardown() {
    if (!loop_thread_.joinable()) return;
    client_->shutdown();
    on_loop([&] { server_->stop(); });
    loop_.stop();
    loop_thread_.join();
  }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }

  std::future<HttpClientResponse> send(HttpClientRequest request) {
    return send_request(*client_, std::move(request));
  }

  HttpClientResponse fetch(HttpClientRequest request) {
    auto future = send(std::move(request));
    return wait_response(future);
  }

  HttpClientResponse get(std::string_view path) { return fetch({.url = url(path)}); }

  EventLoop loop_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
  std::thread loop_thread_;
};

TEST_F(HttpTest, GetWithQueryAndHeaders) {
  start([](HttpRequest request, Respond respond) {
    HttpResponse response;
    response.headers = {{"X-Echo-Path", request.path},
                        {"X-Echo-Query", request.query},
                        {"X-Echo-Custom", std::string(request.header("X-Custom").value_or(""))}};
    response.body = R"({"method":")" + request.method + R"("})";
    respond(std::move(response));
  });
  HttpClientRequest request{.url = url("/a%20b/c?x=1&y=%41")};
  request.headers = {{"X-Custom", "hello"}};
  const auto response = fetch(request);
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, R"({"method":"GET"})");
  EXPECT_EQ(find_header(response.headers, "content-type"), "application/json");
  EXPECT_EQ(find_header(response.headers, "content-length"), "16");
  EXPECT_EQ(find_header(response.headers, "x-echo-path"), "/a b/c");
  EXPECT_EQ(find_header(response.headers, "x-echo-query"), "x=1&y=%41");
  EXPECT_EQ(find_header(response.headers, "x-echo-custom"), "hello");
  for (const auto& [name, value] : response.headers) {
    EXPECT_EQ(name, url_decode(name)) << "header names are lower-case";
    for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
  }
}

TEST_F(HttpTest, PostJsonAndOtherMethods) {
  start([](HttpRequest request, Respond respond) {
    respond({.status = 201,
             .content_type = "text/plain",
             .body = request.method + " " +
                     std::string(request.header("content-type").value_or("")) + " " +
                     request.body});
  });
  auto response = fetch({.method = "POST",
                         .url = url("/json"),
                         .body = R"({"a":1})",
                         .content_type = "application/json"});
  EXPECT_EQ(response.status, 201) << response.error;
  EXPECT_EQ(response.body, R"(POST application/json {"a":1})");
  EXPECT_EQ(find_header(response.headers, "content-type"), "text/plain");

  response = fetch({.method = "PUT", .url = url("/"), .body = "x", .content_type = "a/b"});
  EXPECT_EQ(response.body, "PUT a/b x");
  response = fetch({.method = "DELETE", .url = url("/")});
  EXPECT_EQ(response.body, "DELETE  ");
}

TEST_F(HttpTest, MultipartUploadArrivesParsed) {
  std::promise<std::optional<std::vector<MultipartPart>>> received;
  start([&](HttpRequest request, Respond respond) {
    received.set_value(parse_multipart(request.header("content-type").value_or(""), request.body));
    respond({});
  });
  std::string binary(100000, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  HttpClientRequest request{.method = "POST", .url = url("/sendPhoto")};
  request.parts = {
      {.name = "chat_id", .data = "42"},
      {.name = "photo", .filename = "cat.png", .content_type = "image/png", .data = binary}};
  EXPECT_EQ(fetch(request).status, 200);
  auto parts = received.get_future().get();
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "chat_id");
  EXPECT_EQ((*parts)[0].data, "42");
  EXPECT_EQ((*parts)[1].name, "photo");
  EXPECT_EQ((*parts)[1].filename, "cat.png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_TRUE((*parts)[1].data == binary);
}

TEST_F(HttpTest, HandlerMayRespondLaterFromAnyThread) {
  std::promise<Respond> held;
  start([&](HttpRequest, Respond respond) { held.set_value(std::move(respond)); });
  auto response = send({.url = url("/getUpdates?timeout=50")});
  auto respond_future = held.get_future();
  ASSERT_EQ(respond_future.wait_for(kWait), std::future_status::ready);
  Respond respond = respond_future.get();
  EXPECT_EQ(client_->in_flight(), 1u);
  EXPECT_NE(response.wait_for(0s), std::future_status::ready);
  // Called from the test thread on purpose: Respond hops to the loop itself.
  respond({.body = "late"});
  respond({.body = "twice"});  // ignored
  ASSERT_EQ(response.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(response.get().body, "late");
}

TEST_F(HttpTest, DelayedResponseViaLoopTimer) {
  start([this](HttpRequest, Respond respond) {
    loop_.after(50ms, [respond] { respond({.body = "timer"}); });
  });
  EXPECT_EQ(get("/").body, "timer");
}

TEST_F(HttpTest, SequentialRequestsReuseOneConnection) {
  std::mutex mutex;
  std::set<std::uint16_t> ports;
  start([&](HttpRequest request, Respond respond) {
    {
      std::lock_guard lock(mutex);
      ports.insert(request.remote_port);
    }
    EXPECT_EQ(request.remote_address, "127.0.0.1");
    respond({.body = request.path});
  });
  for (int i = 0; i < 5; ++i) {
    const auto response = get("/" + std::to_string(i));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "/" + std::to_string(i));
  }
  std::lock_guard lock(mutex);
  EXPECT_EQ(ports.size(), 1u);
}

TEST_F(HttpTest, HeadAnnouncesLengthWithoutBodyAndKeepsTheConnectionUsable) {
  start([](HttpRequest request, Respond respond) { respond({.body = request.method + "-body"}); });
  const auto head = fetch({.method = "HEAD", .url = url("/")});
  EXPECT_EQ(head.status, 200) << head.error;
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(find_header(head.headers, "content-length"), "9");
  EXPECT_EQ(get("/").body, "GET-body");
}

TEST_F(HttpTest, DropConnectionGivesStatusZero) {
  start([](HttpRequest, Respond respond) { respond({.drop_connection = true}); });
  const auto response = get("/");
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST_F(HttpTest, OversizedBodyGets413) {
  std::atomic<int> handled{0};
  start(
      [&](HttpRequest, Respond respond) {
        ++handled;
        respond({});
      },
      {.max_body_bytes = 1024});
  for (const std::size_t size : {std::size_t{4096}, std::size_t{4} << 20}) {
    const auto response =
        fetch({.method = "POST", .url = url("/"), .body = std::string(size, 'x')});
    EXPECT_EQ(response.status, 413) << size << " " << response.error;
  }
  EXPECT_EQ(fetch({.method = "POST", .url = url("/"), .body = std::string(1024, 'x')}).status, 200);
  EXPECT_EQ(handled.load(), 1);
}

TEST_F(HttpTest, ClientTimeoutGivesStatusZero) {
  std::vector<Respond> never_answered;  // touched on the loop thread only
  start([&](HttpRequest, Respond respond) { never_answered.push_back(std::move(respond)); });
  const auto response = fetch({.url = url("/"), .timeout = 200ms});
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
  EXPECT_TRUE(response.maybe_sent) << "the server had the request: it may have acted on it";
  on_loop([&] { never_answered.clear(); });
}

TEST_F(HttpTest, ManyConcurrentRequestsAllComplete) {
  start([this](HttpRequest request, Respond respond) {
    // Answer some later, so responses complete out of order.
    if (request.path.back() % 3 == 0) {
      loop_.after(1ms, [respond, body = request.path] { respond({.body = body}); });
    } else {
      respond({.body = request.path});
    }
  });
  constexpr int kCount = 200;
  std::vector<std::future<HttpClientResponse>> responses;
  for (int i = 0; i < kCount; ++i) responses.push_back(send({.url = url("/" + std::to_string(i))}));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(responses[i].wait_for(kWait), std::future_status::ready) << i;
    const auto response = responses[i].get();
    EXPECT_EQ(response.status, 200) << i << " " << response.error;
    EXPECT_EQ(response.body, "/" + std::to_string(i));
  }
  EXPECT_EQ(client_->in_flight(), 0u);
}

TEST_F(HttpTest, ThrowingHandlerGives500) {
  start([](HttpRequest, Respond) { throw std::runtime_error("bug"); });
  EXPECT_EQ(get("/").status, 500);
}

TEST_F(HttpTest, ServerStopClosesPendingRequestsAndLateRespondIsHarmless) {
  std::promise<Respond> held;
  start([&](HttpRequest, Respond respond) { held.set_value(std::move(respond)); });
  auto response = send({.url = url("/")});
  auto respond = held.get_future().get();
  on_loop([&] { server_->stop(); });
  ASSERT_EQ(response.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(response.get().status, 0);
  respond({.body = "too late"});
  on_loop([] {});  // let the late respond run
}

TEST_F(HttpTest, ShutdownCancelsInFlightRequests) {
  std::promise<void> arrived;
  std::vector<Respond> never_answered;
  start([&](HttpRequest, Respond respond) {
    never_answered.push_back(std::move(respond));
    arrived.set_value();
  });
  auto response = send({.url = url("/")});
  arrived.get_future().wait();
  client_->shutdown();
  ASSERT_EQ(response.wait_for(kWait), std::future_status::ready);
  const auto cancelled = response.get();
  EXPECT_EQ(cancelled.status, 0);
  EXPECT_EQ(cancelled.error, "cancelled");
  // After shutdown new requests are cancelled at once.
  const auto late = fetch({.url = url("/")});
  EXPECT_EQ(late.error, "cancelled");
  on_loop([&] { never_answered.clear(); });
}

TEST_F(HttpTest, ConnectionRefusedGivesStatusZero) {
  start([](HttpRequest, Respond respond) { respond({}); });
  const std::uint16_t port = server_->port();
  on_loop([&] { server_->stop(); });
  const auto response = fetch({.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
  EXPECT_FALSE(response.maybe_sent) << "a refused connection carried nothing";
}

TEST(HttpServer, StartFailsWithAClearMessageWhenThePortIsTaken) {
  EventLoop loop;
  HttpServer first(loop, {}, [](HttpRequest, Respond respond) { respond({}); });
  first.start();
  HttpServer second(loop, {.port = first.port()},
                    [](HttpRequest, Respond respond) { respond({}); });
  try {
    second.start();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string expected =
        "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": ";
    EXPECT_EQ(std::string(e.what()).substr(0, expected.size()), expected) << e.what();
  }
  HttpServer bad_host(loop, {.host = "no-such-host.invalid"}, [](HttpRequest, Respond) {});
  EXPECT_THROW(bad_host.start(), std::runtime_error);
}

}  // namespace
}  // namespace corebot::net
