// to_request / parse_result of the generated method structs.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "telegram/methods.hpp"

namespace corebot::telegram::api {
namespace {

namespace json = boost::json;

TEST(Methods, SendMessageWithAnInlineKeyboard) {
  InlineKeyboardButton yes;
  yes.text = "Yes";
  yes.callback_data = "vote:yes";
  InlineKeyboardButton site;
  site.text = "Site";
  site.url = "https://example.org";
  auto keyboard = std::make_shared<InlineKeyboardMarkup>();
  keyboard->inline_keyboard = {{yes, site}};

  SendMessage call;
  call.chat_id = std::int64_t{-1001234567890};
  call.text = "Vote?";
  call.parse_mode = "HTML";
  call.reply_markup = keyboard;
  const ApiRequest r = call.to_request();

  EXPECT_EQ(r.method, "sendMessage");
  EXPECT_TRUE(r.files.empty());
  EXPECT_EQ(json::value(r.params), json::parse(R"({
    "chat_id": -1001234567890, "text": "Vote?", "parse_mode": "HTML",
    "reply_markup": {"inline_keyboard": [[
      {"text": "Yes", "callback_data": "vote:yes"},
      {"text": "Site", "url": "https://example.org"}]]}
  })"));
}

TEST(Methods, SendMessageToAChannelUsername) {
  const auto r = SendMessage{.chat_id = "@corebot_news", .text = "hi"}.to_request();
  EXPECT_EQ(r.params.at("chat_id"), "@corebot_news");
  EXPECT_FALSE(r.params.contains("reply_markup"));
}

TEST(Methods, SendPhotoUploadsAFile) {
  SendPhoto call;
  call.chat_id = std::int64_t{42};
  call.photo = InputFile{"cat.jpg", "image/jpeg", std::string("\xff\xd8\xff\xe0 jpeg", 9)};
  call.caption = "A cat";
  const ApiRequest r = call.to_request();
  EXPECT_EQ(r.method, "sendPhoto");
  EXPECT_EQ(json::value(r.params), json::parse(R"({"chat_id": 42, "caption": "A cat"})"));
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].field, "photo");
  EXPECT_EQ(r.files[0].filename, "cat.jpg");
  EXPECT_EQ(r.files[0].content_type, "image/jpeg");
  EXPECT_EQ(r.files[0].data.size(), 9u);
}

TEST(Methods, SendPhotoByFileIdIsPlainJson) {
  SendPhoto call;
  call.chat_id = std::int64_t{42};
  call.photo = std::string("AgACAgIAAxkBAAI");
  const ApiRequest r = call.to_request();
  EXPECT_TRUE(r.files.empty());
  EXPECT_EQ(r.params.at("photo"), "AgACAgIAAxkBAAI");
}

TEST(Methods, SendMediaGroupAttachesNestedFiles) {
  InputMediaPhoto first;
  first.media = InputFile{"a.jpg", "image/jpeg", "AAA"};
  InputMediaPhoto second;
  second.media = std::string("https://example.org/b.jpg");
  InputMediaPhoto third;
  third.media = InputFile{"c.jpg", "", "CCC"};
  SendMediaGroup call;
  call.chat_id = std::int64_t{1};
  call.media = {first, second, third};
  const ApiRequest r = call.to_request();
  EXPECT_EQ(r.params.at("media"), json::parse(R"([
    {"type": "photo", "media": "attach://file0"},
    {"type": "photo", "media": "https://example.org/b.jpg"},
    {"type": "photo", "media": "attach://file1"}])"));
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].field, "file0");
  EXPECT_EQ(r.files[0].data, "AAA");
  EXPECT_EQ(r.files[1].field, "file1");
  EXPECT_EQ(r.files[1].filename, "c.jpg");
}

TEST(Methods, ParsesResults) {
  const Message m = SendMessage::parse_result(
      json::parse(R"({"message_id": 5, "date": 1, "chat": {"id": 1, "type": "private"}})"));
  EXPECT_EQ(m.message_id, 5);
  EXPECT_TRUE(AnswerCallbackQuery::parse_result(json::value(true)));
  const auto updates =
      GetUpdates::parse_result(json::parse(R"([{"update_id": 1}, {"update_id": 2}])"));
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].update_id, 2);
  // editMessageText returns Message, or True for inline messages.
  const auto edited = EditMessageText::parse_result(json::value(true));
  ASSERT_TRUE(std::holds_alternative<bool>(edited));
  EXPECT_THROW((void)GetMe::parse_result(json::value(1)), ParseError);
}

TEST(Methods, GetUpdatesCarriesItsLongPollTimeout) {
  GetUpdates call;
  call.offset = 100;
  call.timeout = 25;
  call.allowed_updates = std::vector<std::string>{"message", "callback_query"};
  EXPECT_EQ(json::value(call.to_request().params), json::parse(R"({"offset": 100, "timeout": 25,
                             "allowed_updates": ["message", "callback_query"]})"));
}

}  // namespace
}  // namespace corebot::telegram::api
