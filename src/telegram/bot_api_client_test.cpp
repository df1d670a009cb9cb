// BotApiClient::parse_response on the answers Telegram (and the network) give.
#include "telegram/bot_api_client.hpp"

#include <gtest/gtest.h>

#include <string>

namespace corebot::telegram {
namespace {

TEST(ParseResponse, Ok) {
  const auto r = BotApiClient::parse_response(
      200, R"({"ok":true,"result":{"id":1,"is_bot":true,"first_name":"B"}})", "");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.result.at("first_name"), "B");
}

TEST(ParseResponse, OkWithScalarResult) {
  const auto r = BotApiClient::parse_response(200, R"({"ok":true,"result":true})", "");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.result, boost::json::value(true));
}

// A success nobody reads is not parsed; anything that is not plainly one still is.
TEST(ParseResponse, AnUnreadSuccessIsNotParsed) {
  const auto sent = BotApiClient::parse_response(
      200, R"({"ok":true,"result":{"message_id":5,"text":"a long echo"}})", "", false);
  ASSERT_TRUE(sent.ok);
  EXPECT_TRUE(sent.result.is_null());
  const auto bare = BotApiClient::parse_response(200, R"({"ok":true})", "", false);
  EXPECT_TRUE(bare.ok);
  const auto refused = BotApiClient::parse_response(
      403,
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})", "",
      false);
  ASSERT_FALSE(refused.ok);
  EXPECT_EQ(refused.error.error_code, 403);
  EXPECT_EQ(refused.error.description, "Forbidden: bot was blocked by the user");
  const auto spaced = BotApiClient::parse_response(200, R"({ "ok": false })", "", false);
  EXPECT_FALSE(spaced.ok) << "not the prefix: parsed, and it says false";
}

TEST(ParseResponse, BadRequest) {
  const auto r = BotApiClient::parse_response(
      400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})", "");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.error_code, 400);
  EXPECT_EQ(r.error.description, "Bad Request: chat not found");
  EXPECT_FALSE(r.error.retryable());
  EXPECT_FALSE(r.error.transport());
  EXPECT_FALSE(r.error.retry_after);
}

TEST(ParseResponse, TooManyRequestsWithRetryAfter) {
  const auto r = BotApiClient::parse_response(
      429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7",)"
      R"("parameters":{"retry_after":7}})",
      "");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.error_code, 429);
  ASSERT_TRUE(r.error.retry_after);
  EXPECT_EQ(*r.error.retry_after, 7);
  EXPECT_TRUE(r.error.retryable());
}

TEST(ParseResponse, MigrateToChatId) {
  const auto r = BotApiClient::parse_response(
      400,
      R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a )"
      R"(supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})",
      "");
  ASSERT_FALSE(r.ok);
  ASSERT_TRUE(r.error.migrate_to_chat_id);
  EXPECT_EQ(*r.error.migrate_to_chat_id, -1001234567890);
}

TEST(ParseResponse, NonJsonBodyKeepsStatusAndExcerpt) {
  const std::string html = "<html><body>502 Bad Gateway</body></html>" + std::string(1000, 'x');
  const auto r = BotApiClient::parse_response(502, html, "");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.error_code, 502);
  EXPECT_TRUE(r.error.retryable());
  EXPECT_NE(r.error.description.find("HTTP 502"), std::string::npos);
  EXPECT_NE(r.error.description.find("502 Bad Gateway"), std::string::npos);
  EXPECT_LT(r.error.description.size(), 300u);
}

TEST(ParseResponse, JsonWithoutOkIsNotAnAnswer) {
  const auto r = BotApiClient::parse_response(200, R"({"hello":"world"})", "");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.description.find("HTTP 200"), std::string::npos);
}

TEST(ParseResponse, TransportError) {
  const auto r = BotApiClient::parse_response(0, "", "Could not resolve host: api.telegram.org");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.error_code, 0);
  EXPECT_TRUE(r.error.transport());
  EXPECT_TRUE(r.error.retryable());
  EXPECT_EQ(r.error.description, "Could not resolve host: api.telegram.org");
}

TEST(ParseResponse, ErrorWithoutDescription) {
  const auto r = BotApiClient::parse_response(500, R"({"ok":false})", "");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.error_code, 500);
  EXPECT_EQ(r.error.description, "HTTP 500");
}

}  // namespace
}  // namespace corebot::telegram
