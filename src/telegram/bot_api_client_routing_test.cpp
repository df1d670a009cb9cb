// Which client carries a Bot API call: JSON calls go through the KeepAliveClient (issue 16),
// uploads and every call when none is given through libcurl. Against our own HttpServer over
// loopback; the loop runs on its own thread.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <future>
#include <thread>

#include "net/event_loop.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/keepalive_client.hpp"
#include "net/loop_test_support.hpp"
#include "telegram/bot_api_client.hpp"

namespace corebot::telegram {
namespace {

using namespace std::chrono_literals;

class BotApiRouting : public ::testing::Test {
 protected:
  BotApiRouting() {
    // Answers with what it saw: the path and the request's content type.
    server_ = std::make_unique<net::HttpServer>(
        loop_, net::HttpServerOptions{}, [](net::HttpRequest request, net::Respond respond) {
          boost::json::object result{
              {"path", request.path},
              {"type", std::string(request.header("content-type").value_or(""))}};
          respond(net::HttpResponse{.body = boost::json::serialize(
                                        boost::json::object{{"ok", true}, {"result", result}})});
        });
    server_->start();
    origin_ = "http://127.0.0.1:" + std::to_string(server_->port());
    curl_ = std::make_unique<net::HttpClient>(loop_);
    keepalive_ = std::make_unique<net::KeepAliveClient>(
        loop_, net::KeepAliveClientOptions{.origin = origin_});
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~BotApiRouting() override {
    curl_->shutdown();
    net::run_on_loop(
        loop_,
        [this] {
          keepalive_->shutdown();
          server_->stop();
        },
        20s);
    loop_.stop();
    thread_.join();
  }

  ApiResult call(BotApiClient& client, ApiRequest request) {
    auto promise = std::make_shared<std::promise<ApiResult>>();
    auto future = promise->get_future();
    client.call(std::move(request), [promise](ApiResult r) { promise->set_value(std::move(r)); });
    EXPECT_EQ(future.wait_for(20s), std::future_status::ready);
    return future.get();
  }

  std::uint64_t keepalive_requests() {
    std::uint64_t n = 0;
    net::run_on_loop(
        loop_, [&] { n = keepalive_->stats().requests; }, 20s);
    return n;
  }

  net::EventLoop loop_;
  std::unique_ptr<net::HttpServer> server_;
  std::string origin_;
  std::unique_ptr<net::HttpClient> curl_;
  std::unique_ptr<net::KeepAliveClient> keepalive_;
  std::thread thread_;
};

TEST_F(BotApiRouting, JsonCallsTakeTheKeepAliveClientAndUploadsLibcurl) {
  BotApiClient client(*curl_, {.base_url = origin_, .token = "1:T"}, keepalive_.get());
  ApiResult json = call(client, {.method = "sendMessage", .params = {{"chat_id", 1}}});
  ASSERT_TRUE(json.ok) << json.error.description;
  EXPECT_EQ(json.result.at("path"), "/bot1:T/sendMessage");
  EXPECT_EQ(json.result.at("type"), "application/json");
  EXPECT_EQ(keepalive_requests(), 1u);

  ApiResult upload =
      call(client, {.method = "sendDocument",
                    .params = {{"chat_id", 1}},
                    .files = {{.field = "document", .filename = "a.txt", .data = "hello"}}});
  ASSERT_TRUE(upload.ok) << upload.error.description;
  EXPECT_TRUE(upload.result.at("type").as_string().starts_with("multipart/form-data"));
  EXPECT_EQ(keepalive_requests(), 1u) << "the upload went through libcurl";
}

TEST_F(BotApiRouting, WithoutAKeepAliveClientEveryCallTakesLibcurl) {
  BotApiClient client(*curl_, {.base_url = origin_, .token = "1:T"});
  ApiResult json = call(client, {.method = "getMe"});
  ASSERT_TRUE(json.ok) << json.error.description;
  EXPECT_EQ(json.result.at("path"), "/bot1:T/getMe");
  EXPECT_EQ(keepalive_requests(), 0u);
}

TEST_F(BotApiRouting, ATransportFailureAfterTheRequestLeftMayHaveBeenDelivered) {
  // A server that drops the connection once it has the request: Telegram may have acted on it.
  // Servers and clients are made and destroyed on the loop thread, as their contracts ask.
  std::unique_ptr<net::HttpServer> dropping;
  std::unique_ptr<net::KeepAliveClient> keepalive;
  std::string origin;
  net::run_on_loop(
      loop_,
      [&] {
        dropping = std::make_unique<net::HttpServer>(
            loop_, net::HttpServerOptions{}, [](net::HttpRequest, net::Respond respond) {
              respond(net::HttpResponse{.drop_connection = true});
            });
        dropping->start();
        origin = "http://127.0.0.1:" + std::to_string(dropping->port());
        keepalive = std::make_unique<net::KeepAliveClient>(
            loop_, net::KeepAliveClientOptions{.origin = origin});
      },
      20s);
  BotApiClient client(*curl_, {.base_url = origin, .token = "1:T"}, keepalive.get());
  ApiResult result = call(client, {.method = "sendMessage", .params = {{"chat_id", 1}}});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error.error_code, 0);
  EXPECT_TRUE(result.error.maybe_delivered);
  net::run_on_loop(
      loop_,
      [&] {
        keepalive.reset();
        dropping.reset();
      },
      20s);
}

}  // namespace
}  // namespace corebot::telegram
