// KeepAliveClient against our own HttpServer over loopback (plain HTTP; TLS has
// keepalive_client_tls_test.cpp). The loop runs on its own thread; the test thread waits on
// futures with generous deadlines. Where a test needs the server to have done something (closed
// an idle connection), it waits for that state, never for a length of time.
#include "net/keepalive_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "corebot/ascii.hpp"
#include "net/client_test_support.hpp"
#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "net/loop_test_support.hpp"

namespace corebot::net {
namespace {

using namespace std::chrono_literals;

HttpResponse echo(const HttpRequest& request) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.headers = {{"X-Method", request.method},
                      {"X-Target", request.target},
                      {"X-Content-Type", std::string(request.header("content-type").value_or(""))},
                      {"X-User-Agent", std::string(request.header("user-agent").value_or(""))}};
  response.body = request.body;
  return response;
}

class KeepAliveClientTest : public KeepAliveFixture<HttpServer> {
 protected:
  void start(HttpHandler handler, HttpServerOptions server_options = {},
             KeepAliveClientOptions client_options = {}) {
    server_ = std::make_unique<HttpServer>(loop_, server_options, std::move(handler));
    server_->start();
    if (client_options.origin.empty()) client_options.origin = origin();
    client_ = std::make_unique<KeepAliveClient>(loop_, client_options);
    run_loop();
  }

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  std::future<HttpClientResponse> send(HttpClientRequest request) {
    return send_request(*client_, std::move(request));
  }

  static HttpClientResponse wait(std::future<HttpClientResponse>& future) {
    return wait_response(future);
  }

  HttpClientResponse fetch(HttpClientRequest request) {
    auto future = send(std::move(request));
    return wait(future);
  }

  HttpClientResponse post(std::string_view path, std::string body) {
    return fetch({.method = "POST",
                  .url = origin() + std::string(path),
                  .body = std::move(body),
                  .content_type = "application/json"});
  }

  KeepAliveClientStats client_stats() {
    KeepAliveClientStats stats;
    on_loop([&] { stats = client_->stats(); });
    return stats;
  }

  HttpServerStats server_stats() {
    HttpServerStats stats;
    on_loop([&] { stats = server_->stats(); });
    return stats;
  }
};

TEST_F(KeepAliveClientTest, PostsTheBodyAndReadsTheAnswer) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  HttpClientResponse response = post("/bot1:A/sendMessage?x=1", R"({"chat_id":1})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"chat_id":1})");
  EXPECT_EQ(find_header(response.headers, "x-method"), "POST");
  EXPECT_EQ(find_header(response.headers, "x-target"), "/bot1:A/sendMessage?x=1");
  EXPECT_EQ(find_header(response.headers, "x-content-type"), "application/json");
  EXPECT_EQ(find_header(response.headers, "x-user-agent"), "corebot/0.1");
  // Header names arrive lower-case whatever the server wrote.
  for (const auto& [name, value] : response.headers) EXPECT_EQ(name, ascii::lower(name)) << name;
  EXPECT_FALSE(response.maybe_sent);
}

TEST_F(KeepAliveClientTest, AGetWithoutBodyAndAnEmptyPostBothArrive) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  HttpClientResponse get = fetch({.url = origin() + "/health"});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(find_header(get.headers, "x-method"), "GET");
  HttpClientResponse empty_post = post("/", "");
  EXPECT_EQ(empty_post.status, 200);
  EXPECT_EQ(empty_post.body, "");
  // An origin URL without a path asks for "/".
  HttpClientResponse root = fetch({.url = origin()});
  EXPECT_EQ(find_header(root.headers, "x-target"), "/");
}

TEST_F(KeepAliveClientTest, SequentialRequestsShareOneConnection) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(post("/n", std::to_string(i)).body, std::to_string(i));
  }
  EXPECT_EQ(server_stats().accepted, 1u);
  const KeepAliveClientStats stats = client_stats();
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_EQ(stats.reused, 9u);
  EXPECT_EQ(stats.requests, 10u);
  EXPECT_EQ(stats.open, 1u);
  EXPECT_EQ(stats.idle, 1u);
  EXPECT_EQ(client_->in_flight(), 0u);
}

// An answer the server wrote in one piece is read in one receive (a system call), not in
// 512-byte pieces: a send's answer is 0.5-2 KiB (ReceiveBuffer in keepalive_connection.hpp).
TEST_F(KeepAliveClientTest, AnAnswerOfAFewKilobytesIsReadInOneReceive) {
  start([](HttpRequest, Respond respond) {
    HttpResponse response;
    response.content_type = "application/json";
    response.body = std::string(3000, 'x');
    respond(std::move(response));
  });
  ASSERT_EQ(post("/first", "{}").status, 200);  // opens the connection
  const std::uint64_t before = client_stats().receives;
  const HttpClientResponse answer = post("/second", "{}");
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body.size(), 3000u);
  EXPECT_EQ(client_stats().receives - before, 1u);
  EXPECT_EQ(client_stats().reused, 1u);
}

TEST_F(KeepAliveClientTest, ConcurrentRequestsWaitForAConnectionBeyondTheCap) {
  // The server holds every answer until the test releases them.
  std::vector<Respond> held;
  start([&held](HttpRequest /*request*/, Respond respond) { held.push_back(std::move(respond)); },
        {}, {.max_connections = 2});
  std::vector<std::future<HttpClientResponse>> futures;
  for (int i = 0; i < 5; ++i) futures.push_back(send({.method = "POST", .url = origin() + "/"}));
  // Two requests reach the server, three wait in the client.
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  std::size_t arrived = 0;
  while (arrived < 2 && std::chrono::steady_clock::now() < deadline) {
    on_loop([&] { arrived = held.size(); });
  }
  ASSERT_EQ(arrived, 2u);
  EXPECT_EQ(client_stats().waiting, 3u);
  EXPECT_EQ(client_->in_flight(), 5u);
  // Each answer frees a connection for the next waiting request, in order.
  std::size_t answered = 0;
  while (answered < 5 && std::chrono::steady_clock::now() < deadline) {
    on_loop([&] {
      for (; answered < held.size(); ++answered) {
        held[answered](HttpResponse{.body = std::to_string(answered)});
      }
    });
  }
  for (auto& future : futures) EXPECT_EQ(wait(future).status, 200);
  EXPECT_EQ(server_stats().accepted, 2u);
  EXPECT_EQ(client_stats().connects, 2u);
}

TEST_F(KeepAliveClientTest, AConnectionTheServerClosedWhileIdleIsNotUsed) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); },
        {.idle_timeout = 20ms});
  EXPECT_EQ(post("/", "1").status, 200);
  // Wait for the server to close the idle connection (its state, not a sleep).
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (server_stats().sessions != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(server_stats().sessions, 0u);
  HttpClientResponse second = post("/", "2");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "2");
  const KeepAliveClientStats stats = client_stats();
  EXPECT_EQ(stats.stale_closed, 1u);
  EXPECT_EQ(stats.connects, 2u);
  EXPECT_EQ(stats.failed, 0u);
}

TEST_F(KeepAliveClientTest, IdleConnectionsOlderThanTheIdleTimeoutAreClosedBeforeUse) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); }, {},
        {.idle_timeout = 0ms});
  EXPECT_EQ(post("/", "1").status, 200);
  EXPECT_EQ(post("/", "2").status, 200);
  const KeepAliveClientStats stats = client_stats();
  EXPECT_EQ(stats.connects, 2u);
  EXPECT_EQ(stats.stale_closed, 1u);
  EXPECT_EQ(stats.reused, 0u);
}

TEST_F(KeepAliveClientTest, AnAnswerThatClosesTheConnectionIsNotReused) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  HttpClientResponse first = fetch(
      {.method = "POST", .url = origin() + "/", .headers = {{"Connection", "close"}}, .body = "x"});
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(client_stats().open, 0u);
  EXPECT_EQ(post("/", "y").body, "y");
  EXPECT_EQ(client_stats().connects, 2u);
}

TEST_F(KeepAliveClientTest, ATimeoutAfterTheRequestWentOutSaysItMayHaveBeenSent) {
  std::vector<Respond> never;  // the server keeps the request and never answers
  start(
      [&never](HttpRequest /*request*/, Respond respond) { never.push_back(std::move(respond)); });
  HttpClientResponse response =
      fetch({.method = "POST", .url = origin() + "/slow", .body = "{}", .timeout = 100ms});
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("timed out after 100 ms"), std::string::npos) << response.error;
  EXPECT_TRUE(response.maybe_sent);
  EXPECT_EQ(client_stats().failed, 1u);
  EXPECT_EQ(client_stats().open, 0u);
}

TEST_F(KeepAliveClientTest, ARefusedConnectionWasNotSent) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  // A port nobody listens on: bound, then closed.
  std::uint16_t closed_port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  KeepAliveClient refused(loop_, {.origin = "http://127.0.0.1:" + std::to_string(closed_port)});
  auto future = send_request(
      refused, {.method = "POST", .url = "http://127.0.0.1:" + std::to_string(closed_port) + "/x"});
  HttpClientResponse response = wait(future);
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("could not connect"), std::string::npos) << response.error;
  EXPECT_FALSE(response.maybe_sent);
  on_loop([&] { refused.shutdown(); });
}

TEST_F(KeepAliveClientTest, AConnectionDroppedWithoutAnAnswerMayHaveCarriedTheRequest) {
  int requests = 0;  // loop thread only
  start([&requests](HttpRequest request, Respond respond) {
    if (++requests == 1) return respond(HttpResponse{.drop_connection = true});
    respond(echo(request));
  });
  HttpClientResponse response = post("/", "{}");
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("no answer"), std::string::npos) << response.error;
  EXPECT_TRUE(response.maybe_sent);
  // The next request gets a fresh connection and works.
  EXPECT_EQ(post("/", "{}").status, 200);
  EXPECT_EQ(client_stats().connects, 2u);
}

TEST_F(KeepAliveClientTest, AnAnswerOverTheSizeLimitFailsAndClosesTheConnection) {
  start([](HttpRequest /*request*/,
           Respond respond) { respond(HttpResponse{.body = std::string(5000, 'x')}); },
        {}, {.max_response_bytes = 1000});
  HttpClientResponse response = post("/", "");
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("larger than 1000 bytes"), std::string::npos) << response.error;
  EXPECT_EQ(client_stats().open, 0u);
}

TEST_F(KeepAliveClientTest, RequestsItCannotSendFailWithoutReachingTheServer) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  const std::vector<HttpClientRequest> refused = {
      {.method = "POST", .url = origin() + "/", .parts = {{.name = "photo", .data = "bytes"}}},
      {.method = "POST", .url = "http://127.0.0.2:1/x"},
      {.method = "POST", .url = origin() + "0/x"},  // another port that starts the same
      {.method = "POST", .url = origin() + "/", .headers = {{"X-A", "1\r\nX-Injected: 2"}}},
      {.method = "POST", .url = origin() + "/", .headers = {{"Bad Name", "1"}}},
      {.method = "POST", .url = origin() + "/a b"},
      {.method = "PO ST", .url = origin() + "/"},
      {.method = "POST", .url = origin() + "/", .content_type = "text/plain\r\nX-Injected: 1"},
  };
  for (const HttpClientRequest& request : refused) {
    HttpClientResponse response = fetch(request);
    EXPECT_EQ(response.status, 0) << request.url;
    EXPECT_FALSE(response.error.empty());
    EXPECT_FALSE(response.maybe_sent);
  }
  EXPECT_EQ(server_stats().accepted, 0u);
  EXPECT_EQ(client_->in_flight(), 0u);
}

TEST_F(KeepAliveClientTest, TheCallbackNeverRunsInsideSend) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  on_loop([&] {
    auto inside = std::make_shared<bool>(true);
    // Refused at once (multipart), yet the callback must wait for send() to return.
    client_->send({.method = "POST", .url = origin() + "/", .parts = {{.name = "a"}}},
                  [inside, done](HttpClientResponse) { done->set_value(*inside); });
    *inside = false;
  });
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(future.get());
}

TEST_F(KeepAliveClientTest, ACallbackMaySendTheNextRequest) {
  start([](HttpRequest request, Respond respond) { respond(echo(request)); });
  auto promise = std::make_shared<std::promise<HttpClientResponse>>();
  auto future = promise->get_future();
  KeepAliveClient* client = client_.get();
  const std::string url = origin() + "/";
  client_->send({.method = "POST", .url = url, .body = "1"}, [client, url,
                                                              promise](HttpClientResponse first) {
    client->send({.method = "POST", .url = url, .body = first.body + "2"},
                 [promise](HttpClientResponse second) { promise->set_value(std::move(second)); });
  });
  EXPECT_EQ(wait(future).body, "12");
  EXPECT_EQ(client_stats().connects, 1u);
}

TEST_F(KeepAliveClientTest, ShutdownCancelsWhatIsInFlightOrWaitingAndWhatComesLater) {
  std::vector<Respond> never;
  start([&never](HttpRequest /*request*/, Respond respond) { never.push_back(std::move(respond)); },
        {}, {.max_connections = 1});
  auto first = send({.method = "POST", .url = origin() + "/"});
  auto second = send({.method = "POST", .url = origin() + "/"});
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  std::size_t arrived = 0;
  while (arrived < 1 && std::chrono::steady_clock::now() < deadline) {
    on_loop([&] { arrived = never.size(); });
  }
  ASSERT_EQ(arrived, 1u);
  on_loop([&] { client_->shutdown(); });
  auto later = send({.method = "POST", .url = origin() + "/"});
  for (auto* future : {&first, &second, &later}) {
    HttpClientResponse response = wait(*future);
    EXPECT_EQ(response.status, 0);
    EXPECT_EQ(response.error, "cancelled");
  }
  EXPECT_EQ(client_->in_flight(), 0u);
}

TEST(KeepAliveClientOrigin, MalformedOriginsAreRefusedWhenMade) {
  EventLoop loop;
  for (const char* origin : {"ftp://host", "http://", "http://host/path", "http://host:0",
                             "http://host:70000", "http://host:8x", "http://[::1", "host:80"}) {
    EXPECT_THROW(KeepAliveClient(loop, {.origin = origin}), std::invalid_argument) << origin;
  }
  KeepAliveClient ipv6(loop, {.origin = "http://[::1]:8081"});
  EXPECT_TRUE(ipv6.serves("http://[::1]:8081/bot1/getMe"));
  EXPECT_FALSE(ipv6.serves("http://[::1]:80810/bot1/getMe"));
  KeepAliveClient slash(loop, {.origin = "https://api.telegram.org/"});
  EXPECT_TRUE(slash.serves("https://api.telegram.org/bot1/getMe"));
  EXPECT_FALSE(slash.serves("https://api.telegram.org.evil/bot1/getMe"));
}

}  // namespace
}  // namespace corebot::net
