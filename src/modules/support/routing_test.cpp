// The pure routing of operators' group messages and the customer card (routing.hpp).
#include "modules/support/routing.hpp"

#include <gtest/gtest.h>

namespace corebot::modules::support {
namespace {
namespace json = boost::json;

TEST(SupportRouting, ATopicMessageGoesByItsThreadEvenWhenItRepliesToAnotherMessage) {
  const json::object m{{"message_id", 50},
                       {"message_thread_id", 7},
                       {"is_topic_message", true},
                       {"reply_to_message", {{"message_id", 12}}},
                       {"text", "hi"}};
  const GroupRoute r = route_group_message(m, "");
  EXPECT_EQ(r.via, GroupRoute::Via::kTopic);
  EXPECT_EQ(r.key, 7);
  EXPECT_TRUE(r.relay);
  EXPECT_FALSE(r.close);
}

TEST(SupportRouting, APlainGroupReplyGoesByTheRepliedMessage) {
  const json::object m{
      {"message_id", 50}, {"reply_to_message", {{"message_id", 12}}}, {"photo", json::array{}}};
  const GroupRoute r = route_group_message(m, "");
  EXPECT_EQ(r.via, GroupRoute::Via::kReply);
  EXPECT_EQ(r.key, 12);
  EXPECT_TRUE(r.relay);
}

TEST(SupportRouting, NoTopicAndNoReplyIsForNobody) {
  EXPECT_EQ(route_group_message({{"message_id", 1}, {"text", "lunch?"}}, "").via,
            GroupRoute::Via::kNone);
  // A thread id without is_topic_message (a reply thread in a plain supergroup) is no topic.
  EXPECT_EQ(
      route_group_message({{"message_id", 1}, {"message_thread_id", 3}, {"text", "x"}}, "").via,
      GroupRoute::Via::kNone);
}

TEST(SupportRouting, CommandsAndServiceMessagesAreNotRelayed) {
  const json::object close{
      {"message_id", 2}, {"message_thread_id", 7}, {"is_topic_message", true}, {"text", "/close"}};
  const GroupRoute r = route_group_message(close, "close");
  EXPECT_TRUE(r.close);
  EXPECT_FALSE(r.relay);
  EXPECT_FALSE(route_group_message(close, "admin").relay);
  const json::object pinned{{"message_id", 3},
                            {"message_thread_id", 7},
                            {"is_topic_message", true},
                            {"pinned_message", {{"message_id", 2}}}};
  EXPECT_FALSE(route_group_message(pinned, "").relay);
  EXPECT_TRUE(copyable({{"voice", {{"file_id", "v"}}}}));
  EXPECT_TRUE(takes_caption({{"document", {{"file_id", "d"}}}}));
  EXPECT_FALSE(takes_caption({{"text", "x"}}));
}

TEST(SupportRouting, ConversationRoundTripsThroughItsDocument) {
  Conversation c{42, true, -100, 9, 3, "Ann", 1000, 0};
  const Conversation back = conversation_from(to_json(c));
  EXPECT_EQ(back.user_id, 42);
  EXPECT_TRUE(back.open);
  EXPECT_EQ(back.group_id, -100);
  EXPECT_EQ(back.topic_id, 9);
  EXPECT_EQ(back.seq, 3);
  EXPECT_EQ(to_json(c).at("_id").as_string(), "42");
}

TEST(SupportRouting, CardAndTopicName) {
  UserRecord u{.id = 42,
               .first_name = "Ann",
               .last_name = "Lee",
               .username = "ann",
               .language_code = "ru",
               .first_seen_ms = 1767225600000,  // 2026-01-01
               .tags = {"vip", "b2b"}};
  EXPECT_EQ(topic_name(u), "Ann Lee (@ann)");
  const std::string card = card_text(u, "en");
  EXPECT_NE(card.find("Ann Lee"), std::string::npos) << card;
  EXPECT_NE(card.find("@ann · language: ru · id 42"), std::string::npos) << card;
  EXPECT_NE(card.find("Tags: vip, b2b"), std::string::npos) << card;
  EXPECT_NE(card.find("2026-01-01"), std::string::npos) << card;
  EXPECT_NE(card_text(u, "ru").find("язык: ru"), std::string::npos);
  UserRecord nameless{.id = 7};
  EXPECT_EQ(topic_name(nameless), "id 7");
  EXPECT_EQ(topic_name(UserRecord{.id = 1, .first_name = std::string(200, 'x')}).size(), 128u);
  EXPECT_EQ(cut("жжж", 2), "жж");
  EXPECT_EQ(link_id(-100, 5), "-100:5");
}

}  // namespace
}  // namespace corebot::modules::support
