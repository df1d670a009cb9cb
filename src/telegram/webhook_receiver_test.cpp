// WebhookReceiver's request handling and webhook registration, called directly (no server, no
// sockets) on a manual executor and a fake transport.
#include "telegram/webhook_receiver.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "telegram/receiver_test_support.hpp"

namespace corebot::telegram {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::error;
using testing::expected_delays;
using testing::ok;

constexpr std::uint64_t kSeed = 11;
constexpr const char* kSecret = "s3cret-Token_1";
constexpr const char* kUpdate = R"({"update_id":42,"message":{"text":"hi"}})";

net::HttpRequest request(std::string body, std::optional<std::string> secret = kSecret,
                         std::string method = "POST", std::string path = "/telegram") {
  net::HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  r.body = std::move(body);
  r.remote_address = "192.0.2.1";
  if (secret) r.headers.emplace_back("x-telegram-bot-api-secret-token", *secret);
  return r;
}

class WebhookReceiverTest : public ::testing::Test, protected testing::ReceiverHarness {
 protected:
  WebhookReceiver& make() {
    options_.backoff_seed = kSeed;
    receiver_ = std::make_unique<WebhookReceiver>(executor, transport.fn(), options_, deliver_fn(),
                                                  fatal_fn());
    return *receiver_;
  }
  net::Respond respond() {
    return [this](net::HttpResponse r) { responses_.push_back(std::move(r)); };
  }
  // Sends one request and returns the status it got at once (0: no answer yet).
  int status_of(net::HttpRequest r) {
    const std::size_t before = responses_.size();
    receiver_->handle(std::move(r), respond());
    return responses_.size() > before ? responses_.back().status : 0;
  }

  WebhookOptions options_{.path = "/telegram",
                          .public_url = "https://bot.example/telegram",
                          .secret = kSecret,
                          .allowed_updates = {"message", "callback_query"}};
  std::vector<net::HttpResponse> responses_;
  std::unique_ptr<WebhookReceiver> receiver_;
};

TEST_F(WebhookReceiverTest, AnswersOkOnlyAfterTheUpdateWasHandled) {
  make();
  EXPECT_EQ(status_of(request(kUpdate)), 0);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0], json::parse(kUpdate));
  executor.advance(1h);
  EXPECT_TRUE(responses_.empty());
  handled[0]();
  ASSERT_EQ(responses_.size(), 1u);
  EXPECT_EQ(responses_[0].status, 200);
  EXPECT_EQ(receiver_->rejected(), 0u);
}

TEST_F(WebhookReceiverTest, WrongOrMissingSecretIsRefusedAndNothingDelivered) {
  make();
  EXPECT_EQ(status_of(request(kUpdate, "s3cret-Token_2")), 401);
  EXPECT_EQ(status_of(request(kUpdate, "s3cret-Token_1x")), 401);
  EXPECT_EQ(status_of(request(kUpdate, "")), 401);
  EXPECT_EQ(status_of(request(kUpdate, std::nullopt)), 401);
  EXPECT_TRUE(delivered.empty());
  EXPECT_EQ(receiver_->rejected(), 4u);
}

// A flood of strangers must not flood the log (issue 10): 10 lines a minute, and raw bytes from
// the request never reach the log as they are.
TEST_F(WebhookReceiverTest, RefusalsAreLoggedAtMostTenTimesAMinute) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  make();
  for (int i = 0; i < 30; ++i) EXPECT_EQ(status_of(request(kUpdate, "wrong")), 401);
  EXPECT_EQ(sink->last_formatted().size(), 10u);
  EXPECT_EQ(receiver_->rejected(), 30u);
  spdlog::set_default_logger(previous);
}

TEST_F(WebhookReceiverTest, TheSecretIsCheckedOnTheHeadersBeforeTheBodyIsRead) {
  // The server asks check_head with the headers only: a wrong secret is refused there, so a
  // stranger's 1 MiB body is never read into memory.
  options_.max_body_bytes = 4096;
  make();
  auto wrong = receiver_->check_head(request("", "s3cret-Token_2"));
  ASSERT_TRUE(wrong.refuse.has_value());
  EXPECT_EQ(wrong.refuse->status, 401);
  auto missing = receiver_->check_head(request("", std::nullopt));
  ASSERT_TRUE(missing.refuse.has_value());
  EXPECT_EQ(missing.refuse->status, 401);
  EXPECT_EQ(receiver_->rejected(), 2u);
  auto elsewhere = receiver_->check_head(request("", kSecret, "POST", "/other"));
  ASSERT_TRUE(elsewhere.refuse.has_value());
  EXPECT_EQ(elsewhere.refuse->status, 404);
  auto get = receiver_->check_head(request("", kSecret, "GET"));
  ASSERT_TRUE(get.refuse.has_value());
  EXPECT_EQ(get.refuse->status, 405);

  auto right = receiver_->check_head(request("", kSecret));
  EXPECT_FALSE(right.refuse.has_value());
  EXPECT_EQ(right.max_body_bytes, std::optional<std::size_t>(4096));
  EXPECT_EQ(receiver_->rejected(), 2u);
  EXPECT_TRUE(delivered.empty());
}

TEST_F(WebhookReceiverTest, OtherPathIsNotFoundAndOtherMethodNotAllowed) {
  make();
  EXPECT_EQ(status_of(request(kUpdate, kSecret, "POST", "/other")), 404);
  EXPECT_EQ(status_of(request(kUpdate, std::nullopt, "POST", "/telegram/x")), 404);
  EXPECT_EQ(status_of(request(kUpdate, kSecret, "GET")), 405);
  EXPECT_EQ(status_of(request(kUpdate, kSecret, "PUT")), 405);
  EXPECT_TRUE(delivered.empty());
}

TEST_F(WebhookReceiverTest, BodyThatIsNotJsonIsDroppedWithOk) {
  // 200, not 400: Telegram re-sends a refused update, and the same broken body would come back
  // forever, holding up the updates behind it.
  make();
  EXPECT_EQ(status_of(request(R"({"update_id":)")), 200);
  EXPECT_EQ(status_of(request("")), 200);
  EXPECT_TRUE(delivered.empty());
  EXPECT_EQ(receiver_->rejected(), 2u);
}

TEST_F(WebhookReceiverTest, EmptySecretIsReplacedByARandomOne) {
  options_.secret.clear();
  make().register_webhook();
  ASSERT_EQ(calls(), 1u);
  const std::string secret(transport.params(0).at("secret_token").as_string());
  EXPECT_EQ(secret.size(), 48u);
  EXPECT_EQ(status_of(request(kUpdate, "")), 401);
  EXPECT_EQ(status_of(request(kUpdate, secret)), 0);
  EXPECT_EQ(delivered.size(), 1u);
}

TEST_F(WebhookReceiverTest, RegistersTheUrlSecretAndAllowedUpdates) {
  make().register_webhook();
  ASSERT_EQ(calls(), 1u);
  EXPECT_EQ(transport.calls[0].request.method, "setWebhook");
  EXPECT_EQ(transport.params(0).at("url"), "https://bot.example/telegram");
  EXPECT_EQ(transport.params(0).at("secret_token"), kSecret);
  EXPECT_EQ(transport.params(0).at("allowed_updates"), (json::array{"message", "callback_query"}));
  transport.reply(0, ok(true));
  executor.advance(1h);
  EXPECT_EQ(calls(), 1u);
  EXPECT_TRUE(fatal.empty());
}

TEST_F(WebhookReceiverTest, FailedSetWebhookIsRetriedAfterTheBackoffDelay) {
  make().register_webhook();
  const auto d = expected_delays(options_.backoff, kSeed, 3);
  transport.reply(0, error(0, "Could not resolve host"));
  executor.advance(d[0] - 1ns);
  EXPECT_EQ(calls(), 1u);
  executor.advance(1ns);
  ASSERT_EQ(calls(), 2u);
  EXPECT_EQ(transport.calls[1].request.method, "setWebhook");
  transport.reply(1, error(502, "Bad Gateway"));
  executor.advance(d[1] - 1ns);
  EXPECT_EQ(calls(), 2u);
  executor.advance(1ns);
  ASSERT_EQ(calls(), 3u);
  transport.reply(2, error(429, "Too Many Requests: retry after 1"));
  executor.advance(d[2]);
  ASSERT_EQ(calls(), 4u);
  transport.reply(3, ok(true));
  executor.advance(1h);
  EXPECT_EQ(calls(), 4u);
  EXPECT_TRUE(fatal.empty());
}

TEST_F(WebhookReceiverTest, SetWebhookRefusedIsFatal) {
  struct Case {
    int code;
    const char* description;
    const char* says;
  };
  for (const Case& c :
       {Case{401, "Unauthorized", "BOT_TOKEN"}, Case{404, "Not Found", "BOT_TOKEN"},
        Case{400, "Bad Request: bad webhook: HTTPS url must be provided", "bad webhook"}}) {
    transport.calls.clear();
    fatal.clear();
    make().register_webhook();
    transport.reply(0, error(c.code, c.description));
    ASSERT_EQ(fatal.size(), 1u) << c.code;
    EXPECT_NE(fatal[0].find(std::to_string(c.code)), std::string::npos) << fatal[0];
    EXPECT_NE(fatal[0].find(c.says), std::string::npos) << fatal[0];
    executor.advance(1h);
    EXPECT_EQ(calls(), 1u) << c.code;
  }
}

TEST_F(WebhookReceiverTest, StopEndsTheRetries) {
  auto& receiver = make();
  receiver.register_webhook();
  transport.reply(0, error(0, "timeout"));
  receiver.stop();
  EXPECT_EQ(executor.pending_timers(), 0u);
  executor.advance(1h);
  EXPECT_EQ(calls(), 1u);
}

TEST_F(WebhookReceiverTest, DestroyedReceiverCancelsItsTimerAndIgnoresLateAnswers) {
  make().register_webhook();
  transport.reply(0, error(0, "timeout"));
  EXPECT_EQ(executor.pending_timers(), 1u);
  receiver_.reset();
  EXPECT_EQ(executor.pending_timers(), 0u);
  make().register_webhook();
  receiver_.reset();
  transport.reply(1, error(401, "Unauthorized"));
  EXPECT_TRUE(fatal.empty());
}

}  // namespace
}  // namespace corebot::telegram
