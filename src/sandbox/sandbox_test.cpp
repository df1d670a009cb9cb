// The Sandbox served in-process on an EventLoop thread, exercised over HTTP with net::HttpClient.
// The test thread waits on futures with generous deadlines; limits use the manual clock.
#include "sandbox/sandbox.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <future>
#include <thread>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "sandbox/sandbox_server_fixture.hpp"

namespace corebot::sandbox {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

using server_test::kToken;
using server_test::kWait;
using server_test::Reply;
class SandboxTest : public server_test::SandboxServerFixture {};

TEST_F(SandboxTest, TokenAndMethodChecks) {
  Reply me = call("getMe");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body.at("result").at("id").as_int64(), 123);
  EXPECT_TRUE(me.body.at("result").at("is_bot").as_bool());

  Reply unauthorized = call("getMe", {}, "999:NOPE");
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(json::serialize(unauthorized.body),
            R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  EXPECT_EQ(call("getMe", {}, "not-a-token").status, 401);

  Reply unknown = call("sendTelepathy");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(description(unknown), "Not Found");

  Reply missing = call("sendMessage", {{"text", "hi"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(description(missing), "Bad Request: chat_id is empty");
  EXPECT_EQ(description(call("sendMessage", {{"chat_id", 555}, {"text", "hi"}})),
            "Bad Request: chat not found");

  auto bad_json = send({.method = "POST",
                        .url = url("/bot123:ABC/sendMessage"),
                        .body = "{not json",
                        .content_type = "application/json"});
  EXPECT_EQ(to_reply(bad_json).status, 400);
}

TEST_F(SandboxTest, QueryAndFormParameters) {
  user_says("/start");
  auto get = send({.url = url("/bot123:ABC/sendMessage?chat_id=1001&text=hello")});
  EXPECT_EQ(to_reply(get).status, 200);
  auto form = send({.method = "POST",
                    .url = url("/bot123:ABC/sendMessage"),
                    .body = "chat_id=1001&text=hi%20there&reply_markup=%7Bbad",
                    .content_type = "application/x-www-form-urlencoded"});
  Reply r = to_reply(form);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(description(r), "Bad Request: can't parse reply keyboard markup JSON object");
}

TEST_F(SandboxTest, LongPollingHoldsUntilAMessageArrives) {
  auto poll = start_call("getUpdates", {{"timeout", 30}});
  // Held: no answer while nothing happens (a bounded check, not a wait for progress).
  ASSERT_EQ(poll.wait_for(300ms), std::future_status::timeout);
  Reply sent = user_says("/start");
  ASSERT_EQ(sent.status, 200);
  Reply updates = to_reply(poll);
  ASSERT_EQ(updates.status, 200);
  const json::array& result = updates.body.at("result").as_array();
  ASSERT_EQ(result.size(), 1u);
  const json::object& message = result[0].at("message").as_object();
  EXPECT_EQ(message.at("text").as_string(), "/start");
  EXPECT_EQ(message.at("entities").at(0).at("type").as_string(), "bot_command");
  EXPECT_EQ(result[0].at("update_id").as_int64(),
            sent.body.at("result").at("update_id").as_int64());
}

TEST_F(SandboxTest, OffsetConfirmsUpdates) {
  user_says("one");
  user_says("two");
  Reply first = call("getUpdates");
  const json::array& all = first.body.at("result").as_array();
  ASSERT_EQ(all.size(), 2u);
  const std::int64_t last = all[1].at("update_id").as_int64();
  EXPECT_EQ(call("getUpdates", {{"offset", last}}).body.at("result").as_array().size(), 1u);
  EXPECT_TRUE(call("getUpdates", {{"offset", last + 1}}).body.at("result").as_array().empty());
  user_says("three");
  Reply tail = call("getUpdates", {{"offset", -1}});
  ASSERT_EQ(tail.body.at("result").as_array().size(), 1u);
  EXPECT_EQ(tail.body.at("result").at(0).at("message").at("text").as_string(), "three");
}

TEST_F(SandboxTest, ASecondPollTerminatesTheFirst) {
  auto first = start_call("getUpdates", {{"timeout", 30}});
  ASSERT_EQ(first.wait_for(200ms), std::future_status::timeout);
  auto second = start_call("getUpdates", {{"timeout", 30}});
  Reply terminated = to_reply(first);
  EXPECT_EQ(terminated.status, 409);
  EXPECT_EQ(description(terminated),
            "Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running");
  user_says("hi");
  EXPECT_EQ(to_reply(second).status, 200);
}

TEST_F(SandboxTest, PrivateChatLimitWithManualClock) {
  user_says("/start");
  EXPECT_EQ(call("sendMessage", {{"chat_id", 1001}, {"text", "a"}}).status, 200);
  Reply limited = call("sendMessage", {{"chat_id", 1001}, {"text", "b"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(description(limited), "Too Many Requests: retry after 1");
  EXPECT_EQ(limited.body.at("parameters").at("retry_after").as_int64(), 1);
  EXPECT_EQ(net::find_header(limited.headers, "retry-after").value_or(""), "1");
  control("POST", "/control/clock/advance", {{"ms", 1000}});
  EXPECT_EQ(call("sendMessage", {{"chat_id", 1001}, {"text", "b"}}).status, 200);
  // Only delivered messages are in the chat.
  Reply messages = control("GET", "/control/chats/messages?token=123:ABC&chat_id=1001");
  EXPECT_EQ(messages.body.at("result").as_array().size(), 3u);
}

TEST_F(SandboxTest, BlockedUserAnswers403) {
  user_says("/start");
  control("POST", "/control/users/block",
          {{"token", kToken}, {"user_id", 1001}, {"blocked", true}});
  Reply r = call("sendMessage", {{"chat_id", 1001}, {"text", "a"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(description(r), "Forbidden: bot was blocked by the user");
}

// copyMessages per the Bot API: ids strictly increasing, missing ones skipped, one MessageId each,
// nothing says "forwarded", and the album is one send for the limits.
TEST_F(SandboxTest, CopyMessagesCopiesAnAlbumWithoutForwardOrigin) {
  control("POST", "/control/users", {{"token", kToken}, {"user_ids", json::array{1001, 1002}}});
  const auto first = user_says("one").body.at("result").at("message_id").as_int64();
  const auto second = user_says("two").body.at("result").at("message_id").as_int64();
  Reply r = call("copyMessages", {{"chat_id", 1002},
                                  {"from_chat_id", 1001},
                                  {"message_ids", json::array{first, second, second + 50}}});
  ASSERT_EQ(r.status, 200) << description(r);
  ASSERT_EQ(r.body.at("result").as_array().size(), 2u);
  EXPECT_TRUE(r.body.at("result").at(0).as_object().contains("message_id"));
  Reply chat =
      control("GET", "/control/chats/messages?token=" + std::string(kToken) + "&chat_id=1002");
  const auto& messages = chat.body.at("result").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].at("text"), "one");
  EXPECT_EQ(messages[1].at("text"), "two");
  EXPECT_FALSE(messages[0].as_object().contains("forward_origin"));
  EXPECT_EQ(description(call("copyMessages", {{"chat_id", 1002},
                                              {"from_chat_id", 1001},
                                              {"message_ids", json::array{second, first}}})),
            "Bad Request: message identifiers must be specified in a strictly increasing order");
  EXPECT_EQ(
      call("copyMessages",
           {{"chat_id", 1002}, {"from_chat_id", 1001}, {"message_ids", json::array{second + 50}}})
          .status,
      400);
}

TEST_F(SandboxTest, CallbackButtonsEditsAndAnswers) {
  user_says("/start");
  json::object keyboard{{"inline_keyboard", json::array{json::array{json::object{
                                                {"text", "Go"}, {"callback_data", "go"}}}}}};
  EXPECT_EQ(
      description(call("sendMessage",
                       {{"chat_id", 1001},
                        {"text", "x"},
                        {"reply_markup",
                         {{"inline_keyboard",
                           json::array{json::array{json::object{
                               {"text", "Long"}, {"callback_data", std::string(65, 'a')}}}}}}}})),
      "Bad Request: BUTTON_DATA_INVALID");
  Reply sent =
      call("sendMessage", {{"chat_id", 1001}, {"text", "Menu"}, {"reply_markup", keyboard}});
  ASSERT_EQ(sent.status, 200);
  const std::int64_t id = sent.body.at("result").at("message_id").as_int64();

  Reply press = control("POST", "/control/updates/callback",
                        {{"token", kToken}, {"user_id", 1001}, {"message_id", id}, {"data", "go"}});
  ASSERT_EQ(press.status, 200);
  const std::string query_id(press.body.at("result").at("callback_query_id").as_string());
  EXPECT_EQ(control("POST", "/control/updates/callback",
                    {{"token", kToken}, {"user_id", 1001}, {"message_id", id}, {"data", "nope"}})
                .status,
            400);
  EXPECT_EQ(call("answerCallbackQuery", {{"callback_query_id", query_id}}).status, 200);
  EXPECT_EQ(description(call("answerCallbackQuery", {{"callback_query_id", query_id}})),
            "Bad Request: query is too old and response timeout expired or query ID is invalid");

  EXPECT_EQ(
      description(call(
          "editMessageText",
          {{"chat_id", 1001}, {"message_id", id}, {"text", "Menu"}, {"reply_markup", keyboard}})),
      "Bad Request: message is not modified: specified new message content and reply markup "
      "are exactly the same as a current content and reply markup of the message");
  EXPECT_EQ(
      call("editMessageText", {{"chat_id", 1001}, {"message_id", id}, {"text", "Done"}}).status,
      200);
  EXPECT_EQ(description(call("editMessageText",
                             {{"chat_id", 1001}, {"message_id", 999}, {"text", "Done"}})),
            "Bad Request: message to edit not found");
  Reply view = control("GET", "/control/chats/messages?token=123:ABC&chat_id=1001");
  const json::object& edited = view.body.at("result").at(1).as_object();
  EXPECT_EQ(edited.at("text").as_string(), "Done");
  EXPECT_TRUE(edited.at("edited").as_bool());
  EXPECT_EQ(edited.at("edit_count").as_int64(), 1);
  EXPECT_EQ(call("deleteMessage", {{"chat_id", 1001}, {"message_id", id}}).status, 200);
  view = control("GET", "/control/chats/messages?token=123:ABC&chat_id=1001");
  EXPECT_TRUE(view.body.at("result").at(1).at("deleted").as_bool());
}

TEST_F(SandboxTest, UploadsGetFileIdsThatCanBeReused) {
  user_says("/start");
  net::HttpClientRequest upload{.method = "POST", .url = url("/bot123:ABC/sendDocument")};
  upload.parts = {
      {.name = "chat_id", .data = "1001"},
      {.name = "caption", .data = "report"},
      {.name = "document", .filename = "r.txt", .content_type = "text/plain", .data = "hello"}};
  auto future = send(std::move(upload));
  Reply sent = to_reply(future);
  ASSERT_EQ(sent.status, 200) << json::serialize(sent.body);
  const json::object& document = sent.body.at("result").at("document").as_object();
  EXPECT_EQ(document.at("file_name").as_string(), "r.txt");
  const std::string file_id(document.at("file_id").as_string());
  control("POST", "/control/clock/advance", {{"ms", 1000}});
  EXPECT_EQ(call("sendDocument", {{"chat_id", 1001}, {"document", file_id}}).status, 200);
  EXPECT_EQ(description(call("sendDocument", {{"chat_id", 1001}, {"document", "bogus"}})),
            "Bad Request: wrong file identifier/HTTP URL specified");
  Reply file = call("getFile", {{"file_id", file_id}});
  auto download =
      send({.url = url("/file/bot123:ABC/" +
                       std::string(file.body.at("result").at("file_path").as_string()))});
  ASSERT_EQ(download.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(download.get().body, "hello");
}

TEST_F(SandboxTest, UserUploadsGetFileIdsTheBotCanDownloadAndSendBack) {
  // "aGVsbG8=" is "hello": the photo's bytes.
  Reply photo = control("POST", "/control/updates/message",
                        {{"token", kToken},
                         {"user_id", 1001},
                         {"text", "my roof"},
                         {"photo", {{"data", "aGVsbG8="}}}});
  ASSERT_EQ(photo.status, 200) << json::serialize(photo.body);
  const std::string file_id(photo.body.at("result").at("file_id").as_string());
  Reply updates = call("getUpdates");
  const json::object& message = updates.body.at("result").at(0).at("message").as_object();
  EXPECT_EQ(message.at("photo").as_array().back().at("file_id").as_string(), file_id);
  EXPECT_EQ(message.at("caption").as_string(), "my roof");
  EXPECT_FALSE(message.contains("text"));

  Reply file = call("getFile", {{"file_id", file_id}});
  ASSERT_EQ(file.status, 200) << json::serialize(file.body);
  auto download =
      send({.url = url("/file/bot123:ABC/" +
                       std::string(file.body.at("result").at("file_path").as_string()))});
  ASSERT_EQ(download.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(download.get().body, "hello");
  Reply sent = call("sendPhoto", {{"chat_id", 1001}, {"photo", file_id}});
  EXPECT_EQ(sent.status, 200) << json::serialize(sent.body);

  Reply document = control(
      "POST", "/control/updates/message",
      {{"token", kToken},
       {"user_id", 1001},
       {"document", {{"data", "aGVsbG8="}, {"file_name", "cv.txt"}, {"mime_type", "text/plain"}}}});
  ASSERT_EQ(document.status, 200);
  Reply voice = control(
      "POST", "/control/updates/message",
      {{"token", kToken}, {"user_id", 1001}, {"voice", {{"data", "aGVsbG8="}, {"duration", 3}}}});
  ASSERT_EQ(voice.status, 200);
  Reply more = call("getUpdates",
                    {{"offset", updates.body.at("result").at(0).at("update_id").as_int64() + 1}});
  const json::array& got = more.body.at("result").as_array();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].at("message").at("document").at("file_name").as_string(), "cv.txt");
  EXPECT_EQ(got[1].at("message").at("voice").at("duration").as_int64(), 3);
  control("POST", "/control/clock/advance", {{"ms", 1000}});
  EXPECT_EQ(call("sendDocument",
                 {{"chat_id", 1001},
                  {"document", std::string(document.body.at("result").at("file_id").as_string())}})
                .status,
            200);

  EXPECT_EQ(control("POST", "/control/updates/message",
                    {{"token", kToken}, {"user_id", 1001}, {"photo", {{"data", "*not base64*"}}}})
                .status,
            400);
  EXPECT_EQ(control("POST", "/control/updates/message",
                    {{"token", kToken}, {"user_id", 1001}, {"photo", "AgAC-made-up-id"}})
                .status,
            400);
}

TEST_F(SandboxTest, WebhookDeliveryWithSecretAndRetry) {
  std::promise<std::pair<std::string, std::string>> delivered;
  int attempts = 0;
  on_loop([&] {
    hook_ = std::make_unique<net::HttpServer>(
        loop_, net::HttpServerOptions{}, [&](net::HttpRequest request, net::Respond respond) {
          net::HttpResponse response;
          if (++attempts == 1) {
            response.status = 500;  // the first push fails and is retried
          } else {
            delivered.set_value(
                {std::string(request.header("x-telegram-bot-api-secret-token").value_or("")),
                 request.body});
          }
          respond(std::move(response));
        });
    hook_->start();
  });
  const std::string hook_url = "http://127.0.0.1:" + std::to_string(hook_->port()) + "/hook";
  EXPECT_EQ(call("setWebhook", {{"url", hook_url}, {"secret_token", "s3cr3t"}}).status, 200);
  Reply conflict = call("getUpdates");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(description(conflict),
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
            "delete the webhook first");

  user_says("/start");
  auto future = delivered.get_future();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  auto [secret, body] = future.get();
  EXPECT_EQ(secret, "s3cr3t");
  EXPECT_EQ(json::parse(body).at("message").at("text").as_string(), "/start");

  Reply info = call("getWebhookInfo");
  EXPECT_EQ(info.body.at("result").at("url").as_string(), hook_url);
  EXPECT_EQ(info.body.at("result").at("last_error_message").as_string(),
            "Wrong response from the webhook: 500 Internal Server Error");
  EXPECT_EQ(call("deleteWebhook").status, 200);
  EXPECT_EQ(call("getUpdates").status, 200);
}

TEST_F(SandboxTest, FaultsDropAndStatus) {
  // curl retries a request once when a reused connection closes without an answer, so the drop
  // lasts until cleared.
  control("POST", "/control/faults", {{"method", "getMe"}, {"kind", "drop"}, {"count", 0}});
  auto dropped = start_call("getMe", {});
  ASSERT_EQ(dropped.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(dropped.get().status, 0);
  EXPECT_EQ(call("getChat", {{"chat_id", 1}}).status, 400);  // other methods are not affected
  EXPECT_EQ(control("DELETE", "/control/faults").status, 200);

  control("POST", "/control/faults", {{"method", "*"}, {"kind", "status"}, {"status", 502}});
  Reply bad_gateway = call("getMe");
  EXPECT_EQ(bad_gateway.status, 502);
  EXPECT_EQ(description(bad_gateway), "Bad Gateway");
  EXPECT_EQ(call("getMe").status, 200);

  control("POST", "/control/faults", {{"kind", "429"}, {"retry_after", 7}});
  Reply limited = call("getMe");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body.at("parameters").at("retry_after").as_int64(), 7);
  EXPECT_EQ(control("POST", "/control/faults", {{"kind", "nonsense"}}).status, 400);
}

// Issue 10: a 429 storm on some chats only, through the control API.
TEST_F(SandboxTest, FaultsLimitedToChats) {
  control("POST", "/control/faults",
          {{"method", "sendMessage"},
           {"kind", "429"},
           {"chats", json::array{5, -100}},
           {"count", 0},
           {"for_ms", 600000}});
  EXPECT_EQ(call("sendMessage", {{"chat_id", 5}, {"text", "x"}}).status, 429);
  EXPECT_EQ(call("sendMessage", {{"chat_id", "-100"}, {"text", "x"}}).status, 429);
  EXPECT_NE(call("sendMessage", {{"chat_id", 6}, {"text", "x"}}).status, 429);
  EXPECT_EQ(call("getMe").status, 200);
  Reply bad = control("POST", "/control/faults", {{"kind", "429"}, {"chat_share", 2}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(description(bad),
            "Bad Request: chat_share must be a number in (0, 1], e.g. 0.2 for 20 %");
}

TEST_F(SandboxTest, CallLogRecordsEveryCallAndLongPolls) {
  call("getMe");
  call("sendMessage", {{"text", "x"}});
  Reply calls = control("GET", "/control/calls?token=123:ABC&since=0");
  const json::array& list = calls.body.at("result").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("method").as_string(), "getMe");
  EXPECT_TRUE(list[0].at("ok").as_bool());
  EXPECT_EQ(list[1].at("http_status").as_int64(), 400);
  EXPECT_EQ(list[1].at("description").as_string(), "Bad Request: chat_id is empty");
  const std::int64_t seq = list[1].at("seq").as_int64();

  auto waiting =
      send({.url = url("/control/calls?token=123:ABC&wait_ms=15000&since=" + std::to_string(seq))});
  ASSERT_EQ(waiting.wait_for(200ms), std::future_status::timeout);
  call("getMe");
  Reply next = to_reply(waiting);
  ASSERT_EQ(next.body.at("result").as_array().size(), 1u);
  EXPECT_EQ(next.body.at("result").at(0).at("method").as_string(), "getMe");
}

TEST_F(SandboxTest, UsersRouteCreatesChatsWithoutUpdates) {
  Reply created =
      control("POST", "/control/users", {{"token", kToken}, {"first_id", 5000}, {"count", 3}});
  EXPECT_EQ(created.body.at("result").at("created").as_int64(), 3);
  EXPECT_EQ(
      control("POST", "/control/users", {{"token", kToken}, {"user_ids", json::array{7001, 7002}}})
          .body.at("result")
          .at("created")
          .as_int64(),
      2);
  // No update was queued, and the chats accept sends as if the users had written before.
  EXPECT_EQ(call("getUpdates").body.at("result").as_array().size(), 0u);
  EXPECT_EQ(call("sendMessage", {{"chat_id", 5002}, {"text", "news"}}).status, 200);
  EXPECT_EQ(call("sendMessage", {{"chat_id", 7002}, {"text", "news"}}).status, 200);
  EXPECT_EQ(call("sendMessage", {{"chat_id", 5003}, {"text", "news"}}).status, 400);
  EXPECT_EQ(
      control("POST", "/control/users", {{"token", kToken}, {"user_ids", json::array{0}}}).status,
      400);
  EXPECT_EQ(control("POST", "/control/users", {{"token", kToken}, {"first_id", 1}}).status, 400);
  EXPECT_EQ(
      control("POST", "/control/users", {{"token", "9:Z"}, {"first_id", 1}, {"count", 1}}).status,
      400);
}

TEST_F(SandboxTest, StatsCountCallsAndBotMessagesPerChatRange) {
  control("POST", "/control/users", {{"token", kToken}, {"first_id", 5000}, {"count", 3}});
  user_says("/start", 1001);
  EXPECT_EQ(call("sendMessage", {{"chat_id", 5000}, {"text", "a"}}).status, 200);
  control("POST", "/control/clock/advance", {{"ms", 7}});
  EXPECT_EQ(call("sendMessage", {{"chat_id", 5001}, {"text", "b"}}).status, 200);
  EXPECT_EQ(call("sendMessage", {{"chat_id", 5001}, {"text", "c"}}).status, 429);
  EXPECT_EQ(call("sendMessage", {{"chat_id", 1001}, {"text", "hi"}}).status, 200);

  Reply all = control("GET", "/control/stats?token=123:ABC");
  const json::object& r = all.body.at("result").as_object();
  EXPECT_EQ(r.at("calls").at("sendMessage").at("200").as_int64(), 3);
  EXPECT_EQ(r.at("calls").at("sendMessage").at("429").as_int64(), 1);
  EXPECT_EQ(r.at("too_many_requests").as_int64(), 1);
  EXPECT_EQ(r.at("pending_updates").as_int64(), 1);
  EXPECT_EQ(r.at("chats").as_int64(), 4);
  EXPECT_EQ(r.at("bot_messages").as_int64(), 3);
  EXPECT_EQ(r.at("user_messages").as_int64(), 1);

  Reply range = control("GET", "/control/stats?token=123:ABC&chat_min=5000&chat_max=5002");
  const json::object& q = range.body.at("result").as_object();
  EXPECT_EQ(q.at("chats").as_int64(), 3);
  EXPECT_EQ(q.at("chats_with_bot_messages").as_int64(), 2);
  EXPECT_EQ(q.at("bot_messages").as_int64(), 2);
  EXPECT_EQ(q.at("last_bot_message_us").as_int64() - q.at("first_bot_message_us").as_int64(), 7000);
  EXPECT_EQ(control("GET", "/control/stats?token=123:ABC&chat_min=x").status, 400);

  // A cleared chat counts nothing of what it held.
  EXPECT_EQ(control("POST", "/control/chats/clear", {{"token", kToken}, {"chat_id", 5001}}).status,
            200);
  Reply cleared = control("GET", "/control/stats?token=123:ABC&chat_min=5000&chat_max=5002");
  const json::object& c = cleared.body.at("result").as_object();
  EXPECT_EQ(c.at("chats_with_bot_messages").as_int64(), 1);
  EXPECT_EQ(c.at("bot_messages").as_int64(), 1);
  EXPECT_EQ(c.at("last_bot_message_us").as_int64(), c.at("first_bot_message_us").as_int64());
}

TEST_F(SandboxTest, MessagesAndCallsCarryMicrosecondTimes) {
  user_says("/start");
  control("POST", "/control/clock/advance", {{"ms", 3}});
  call("sendMessage", {{"chat_id", 1001}, {"text", "hi"}});
  Reply messages = control("GET", "/control/chats/messages?token=123:ABC&chat_id=1001");
  const json::array& list = messages.body.at("result").as_array();
  ASSERT_EQ(list.size(), 2u);
  const std::int64_t user_us = list[0].at("date_us").as_int64();
  const std::int64_t bot_us = list[1].at("date_us").as_int64();
  EXPECT_EQ(bot_us - user_us, 3000);
  EXPECT_EQ(list[1].at("date_ms").as_int64(), bot_us / 1000);
  Reply calls = control("GET", "/control/calls?token=123:ABC&since=0");
  const json::object& entry = calls.body.at("result").as_array().back().as_object();
  EXPECT_EQ(entry.at("time_us").as_int64(), bot_us);
  EXPECT_EQ(entry.at("time_ms").as_int64(), bot_us / 1000);
}

TEST_F(SandboxTest, ControlApiRejectsBadInput) {
  EXPECT_EQ(control("GET", "/control/health").status, 200);
  EXPECT_EQ(control("POST", "/control/bots", {{"token", "nope"}}).status, 400);
  EXPECT_EQ(control("POST", "/control/bots", {{"token", "77:XY"}, {"username", "x_bot"}}).status,
            200);
  EXPECT_EQ(call("getMe", {}, "77:XY").body.at("result").at("username").as_string(), "x_bot");
  EXPECT_EQ(
      control("POST", "/control/updates/message", {{"token", kToken}, {"user_id", "x"}}).status,
      400);
  EXPECT_EQ(control("POST", "/control/updates/raw", {{"token", kToken}, {"update", 5}}).status,
            400);
  Reply raw = control("POST", "/control/updates/raw",
                      {{"token", kToken}, {"update", {{"weird_kind", {{"a", 1}}}}}});
  EXPECT_EQ(raw.status, 200);
  Reply updates = call("getUpdates");
  EXPECT_TRUE(updates.body.at("result").at(0).as_object().contains("weird_kind"));
  EXPECT_EQ(control("POST", "/control/nowhere").status, 404);
}

TEST_F(SandboxTest, HostileInputGets400sNotCrashes) {
  user_says("/start");
  const std::string bodies[] = {
      R"({"chat_id":1e400,"text":"x"})",
      R"({"chat_id":18446744073709551616,"text":"x"})",
      R"({"chat_id":1001,"text":{"a":[1,2]}})",
      R"({"chat_id":1001,"text":"x","reply_markup":{"inline_keyboard":[[{"text":1}]]}})",
      R"({"chat_id":1001,"text":"x","reply_markup":{"inline_keyboard":"no"}})",
      R"({"chat_id":1001,"text":"x","reply_markup":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
      R"([1,2,3])",
      "\xff\xfe",
      R"({"chat_id":1001,"text":")" + std::string(5000, 'a') + R"("})",
  };
  for (const std::string& body : bodies) {
    auto future = send({.method = "POST",
                        .url = url("/bot123:ABC/sendMessage"),
                        .body = body,
                        .content_type = "application/json"});
    Reply r = to_reply(future);
    EXPECT_EQ(r.status, 400) << body.substr(0, 80);
    EXPECT_FALSE(r.body.at("ok").as_bool());
  }
  auto multipart = send({.method = "POST",
                         .url = url("/bot123:ABC/sendMessage"),
                         .body = "--x\r\nbroken",
                         .content_type = "multipart/form-data; boundary=x"});
  EXPECT_EQ(to_reply(multipart).status, 400);
  EXPECT_EQ(description(call("sendMessage", {{"chat_id", 1001}, {"text", std::string(4097, 'a')}})),
            "Bad Request: message is too long");
  EXPECT_EQ(call("getMe").status, 200);
}

TEST_F(SandboxTest, GroupLimitIsTwentyPerMinute) {
  control("POST", "/control/updates/message",
          {{"token", kToken}, {"user_id", 1001}, {"chat_id", -100}, {"text", "hi"}});
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(call("sendMessage", {{"chat_id", -100}, {"text", "m"}}).status, 200) << i;
  }
  Reply limited = call("sendMessage", {{"chat_id", -100}, {"text", "m"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body.at("parameters").at("retry_after").as_int64(), 60);
  control("POST", "/control/clock/advance", {{"ms", 60000}});
  EXPECT_EQ(call("sendMessage", {{"chat_id", -100}, {"text", "m"}}).status, 200);
}

}  // namespace
}  // namespace corebot::sandbox
