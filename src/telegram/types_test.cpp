// from_json / to_json of the generated types on realistic updates.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "telegram/types.hpp"

namespace corebot::telegram::api {
namespace {

namespace json = boost::json;

constexpr const char* kTextUpdate = R"({
  "update_id": 700000001,
  "message": {
    "message_id": 42,
    "from": {"id": 123456789, "is_bot": false, "first_name": "Ann", "language_code": "en",
             "some_future_field": {"x": 1}},
    "chat": {"id": 123456789, "type": "private", "first_name": "Ann"},
    "date": 1700000000,
    "text": "/start hello https://example.org",
    "entities": [
      {"offset": 0, "length": 6, "type": "bot_command"},
      {"offset": 13, "length": 19, "type": "url"}
    ],
    "forward_origin": {"type": "user", "date": 1690000000,
                       "sender_user": {"id": 5, "is_bot": false, "first_name": "Bo"}},
    "reply_to_message": {"message_id": 41, "date": 1699999999,
                         "chat": {"id": 123456789, "type": "private"}, "text": "earlier"}
  }
})";

TEST(Types, ParsesAMessageWithEntities) {
  const Update u = Update::from_json(json::parse(kTextUpdate));
  EXPECT_EQ(u.update_id, 700000001);
  ASSERT_TRUE(u.message);
  const Message& m = *u.message;
  EXPECT_EQ(m.message_id, 42);
  EXPECT_EQ(m.date, 1700000000);
  ASSERT_TRUE(m.from);
  EXPECT_EQ(m.from->id, 123456789);
  EXPECT_FALSE(m.from->is_bot);
  EXPECT_EQ(m.from->language_code, "en");
  EXPECT_FALSE(m.from->last_name.has_value());
  ASSERT_TRUE(m.chat);
  EXPECT_EQ(m.chat->type, "private");
  EXPECT_EQ(m.text, "/start hello https://example.org");
  ASSERT_TRUE(m.entities.has_value());
  ASSERT_EQ(m.entities->size(), 2u);
  EXPECT_EQ((*m.entities)[0].type, "bot_command");
  EXPECT_EQ((*m.entities)[1].offset, 13);
  ASSERT_TRUE(m.reply_to_message);
  EXPECT_EQ(m.reply_to_message->text, "earlier");
  ASSERT_TRUE(m.forward_origin);
  const auto* origin = m.forward_origin->get_if<MessageOriginUser>();
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->sender_user->first_name, "Bo");
  EXPECT_EQ(m.forward_origin->get_if<MessageOriginChat>(), nullptr);
  EXPECT_FALSE(u.callback_query);
}

TEST(Types, ParsesACallbackQuery) {
  const auto u = from_json<Update>(json::parse(R"({
    "update_id": 2,
    "callback_query": {
      "id": "4382bfdwdsb323b2d9", "chat_instance": "-77",
      "from": {"id": 7, "is_bot": false, "first_name": "C"},
      "data": "menu:open:3",
      "message": {"message_id": 9, "date": 0, "chat": {"id": -100123, "type": "supergroup"}}
    }
  })"));
  ASSERT_TRUE(u.callback_query);
  EXPECT_EQ(u.callback_query->data, "menu:open:3");
  ASSERT_TRUE(u.callback_query->message);
  // date 0: the message is no longer accessible.
  const auto* gone = u.callback_query->message->get_if<InaccessibleMessage>();
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->chat->id, -100123);
  EXPECT_EQ(u.callback_query->message->get_if<Message>(), nullptr);
}

TEST(Types, ToleratesUnknownFieldsAndUnknownUpdateKinds) {
  const auto u = Update::from_json(json::parse(R"({
    "update_id": 3, "brand_new_kind": {"id": 1, "anything": [1, 2, 3]}, "another": true
  })"));
  EXPECT_EQ(u.update_id, 3);
  EXPECT_FALSE(u.message);
  EXPECT_FALSE(u.callback_query);
}

TEST(Types, KeepsAnUnknownSubtypeAsRawJson) {
  const auto v = json::parse(R"({"type": "hologram", "date": 1, "beam": 7})");
  const auto origin = MessageOrigin::from_json(v);
  EXPECT_FALSE(origin.known());
  EXPECT_EQ(origin.raw, v);
  EXPECT_EQ(origin.to_json(), v);
}

TEST(Types, DiscriminatesChatMembersByStatus) {
  const auto m = ChatMember::from_json(json::parse(R"({
    "status": "kicked", "until_date": 0, "user": {"id": 1, "is_bot": false, "first_name": "X"}
  })"));
  ASSERT_NE(m.get_if<ChatMemberBanned>(), nullptr);
  EXPECT_EQ(m.get_if<ChatMemberBanned>()->user->id, 1);
}

TEST(Types, RoundTrips) {
  const auto original = json::parse(kTextUpdate);
  const Update u = Update::from_json(original);
  const json::value back = u.to_json();
  // Unknown fields are dropped; everything known survives.
  auto expected = original;
  expected.at("message").at("from").as_object().erase("some_future_field");
  EXPECT_EQ(back, expected) << json::serialize(back);
  EXPECT_EQ(Update::from_json(back).to_json(), back);
}

TEST(Types, RichTextHoldsStringsArraysAndObjects) {
  const auto v = json::parse(R"(["plain", {"type": "bold", "text": "strong"}, ["nested"]])");
  const auto text = RichText::from_json(v);
  const auto* items = std::get_if<std::vector<RichText>>(&text.value);
  ASSERT_NE(items, nullptr);
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ(std::get<std::string>((*items)[0].value), "plain");
  EXPECT_NE((*items)[1].get_if<RichTextBold>(), nullptr);
  EXPECT_EQ(text.to_json(), v);
}

TEST(Types, ReportsAMissingRequiredField) {
  try {
    (void)Message::from_json(json::parse(R"({"message_id": 1, "date": 2})"));
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.type(), "Message");
    EXPECT_EQ(e.field(), "chat");
    EXPECT_STREQ(e.what(), "Message.chat: missing required field");
  }
}

TEST(Types, ReportsAWrongType) {
  try {
    (void)User::from_json(json::parse(R"({"id": "seven", "is_bot": false, "first_name": "A"})"));
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.type(), "User");
    EXPECT_EQ(e.field(), "id");
    EXPECT_STREQ(e.what(), "User.id: expected an integer");
  }
  EXPECT_THROW((void)User::from_json(json::parse("[1]")), ParseError);
  // An error deep inside names the innermost type and field.
  try {
    (void)Update::from_json(json::parse(
        R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"type": "x"}}})"));
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_STREQ(e.what(), "Chat.id: missing required field");
  }
}

TEST(Types, SubtypesCarryTheirTag) {
  InputMediaPhoto photo;
  photo.media = std::string("AgACAgIAAxkBAAI");
  EXPECT_EQ(photo.type, "photo");
  const InputMedia media = photo;
  EXPECT_EQ(media.to_json(), json::parse(R"({"type": "photo", "media": "AgACAgIAAxkBAAI"})"));
}

}  // namespace
}  // namespace corebot::telegram::api
