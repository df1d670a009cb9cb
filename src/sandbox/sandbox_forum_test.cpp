// Forum topics and pins in the sandbox (bot_api_forum.cpp), over HTTP like sandbox_test.cpp:
// a forum made by the control API, topics created, edited, closed, reopened and deleted by the
// bot, message_thread_id on sends and copies, and the control API's views.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <future>
#include <thread>

#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/sandbox_server_fixture.hpp"

namespace corebot::sandbox {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

using server_test::kToken;
using server_test::kWait;
using server_test::Reply;

class ForumTest : public server_test::SandboxServerFixture {
 protected:
  static const json::object& result(const Reply& r) { return r.body.at("result").as_object(); }

  // The operators' forum: made by a member's first message with is_forum.
  void make_forum() {
    Reply r = control("POST", "/control/updates/message",
                      {{"token", kToken},
                       {"user_id", 7},
                       {"chat_id", kForum},
                       {"is_forum", true},
                       {"text", "hello"}});
    ASSERT_EQ(r.status, 200) << json::serialize(r.body);
  }

  std::int64_t create_topic(std::string_view name) {
    Reply r = call("createForumTopic", {{"chat_id", kForum}, {"name", name}});
    EXPECT_EQ(r.status, 200) << json::serialize(r.body);
    return r.status == 200 ? result(r).at("message_thread_id").as_int64() : 0;
  }

  json::array messages(std::int64_t chat) {
    Reply r =
        control("GET", "/control/chats/messages?token=123:ABC&chat_id=" + std::to_string(chat));
    return r.body.at("result").as_array();
  }

  static constexpr std::int64_t kForum = -100500;
};

TEST_F(ForumTest, ControlApiMakesAForumAndTopicsNeedOne) {
  // A plain group is no forum.
  control("POST", "/control/updates/message",
          {{"token", kToken}, {"user_id", 7}, {"chat_id", -5}, {"text", "hi"}});
  EXPECT_EQ(description(call("createForumTopic", {{"chat_id", -5}, {"name", "x"}})),
            "Bad Request: the chat is not a forum");
  EXPECT_EQ(
      description(call("sendMessage", {{"chat_id", -5}, {"text", "x"}, {"message_thread_id", 3}})),
      "Bad Request: message thread not found");

  make_forum();
  Reply chat = call("getChat", {{"chat_id", kForum}});
  EXPECT_EQ(result(chat).at("type").as_string(), "supergroup");
  EXPECT_TRUE(result(chat).at("is_forum").as_bool());
  // A user may write only into a topic that exists.
  Reply unknown = control("POST", "/control/updates/message",
                          {{"token", kToken},
                           {"user_id", 7},
                           {"chat_id", kForum},
                           {"message_thread_id", 99},
                           {"text", "x"}});
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(ForumTest, TopicLifecycleAndSendsIntoTopics) {
  make_forum();
  EXPECT_EQ(description(call("createForumTopic", {{"chat_id", kForum}, {"name", ""}})),
            "Bad Request: parameter \"name\" is required");
  EXPECT_EQ(
      description(call("createForumTopic", {{"chat_id", kForum}, {"name", std::string(129, 'a')}})),
      "Bad Request: TOPIC_TITLE_TOO_LONG");
  EXPECT_EQ(description(call("createForumTopic",
                             {{"chat_id", kForum}, {"name", "a"}, {"icon_color", 123}})),
            "Bad Request: TOPIC_ICON_COLOR_INVALID");

  Reply created =
      call("createForumTopic", {{"chat_id", kForum}, {"name", "Ann"}, {"icon_color", 16766590}});
  ASSERT_EQ(created.status, 200);
  const std::int64_t topic = result(created).at("message_thread_id").as_int64();
  EXPECT_EQ(result(created).at("name").as_string(), "Ann");
  EXPECT_EQ(result(created).at("icon_color").as_int64(), 16766590);
  // The topic's id is its forum_topic_created service message.
  json::array all = messages(kForum);
  EXPECT_EQ(all.back().at("message_id").as_int64(), topic);
  EXPECT_EQ(all.back().at("service").as_string(), "forum_topic_created");
  EXPECT_EQ(all.back().at("message_thread_id").as_int64(), topic);

  Reply sent =
      call("sendMessage", {{"chat_id", kForum}, {"text", "card"}, {"message_thread_id", topic}});
  ASSERT_EQ(sent.status, 200);
  EXPECT_EQ(result(sent).at("message_thread_id").as_int64(), topic);
  EXPECT_TRUE(result(sent).at("is_topic_message").as_bool());
  EXPECT_EQ(result(sent).at("chat").at("type").as_string(), "supergroup");

  // A user's message in the topic carries the thread and replies to the topic's start.
  Reply wrote = control("POST", "/control/updates/message",
                        {{"token", kToken},
                         {"user_id", 7},
                         {"chat_id", kForum},
                         {"message_thread_id", topic},
                         {"text", "answer"}});
  ASSERT_EQ(wrote.status, 200) << json::serialize(wrote.body);
  Reply updates = call("getUpdates");
  const json::object& last = updates.body.at("result").as_array().back().at("message").as_object();
  EXPECT_EQ(last.at("message_thread_id").as_int64(), topic);
  EXPECT_TRUE(last.at("is_topic_message").as_bool());
  EXPECT_EQ(last.at("reply_to_message").at("message_id").as_int64(), topic);

  // Copying a private message into the topic.
  Reply photo = control("POST", "/control/updates/message",
                        {{"token", kToken}, {"user_id", 8}, {"photo", {{"data", "aGVsbG8="}}}});
  ASSERT_EQ(photo.status, 200);
  Reply copied = call("copyMessage", {{"chat_id", kForum},
                                      {"from_chat_id", 8},
                                      {"message_id", result(photo).at("message_id")},
                                      {"message_thread_id", topic}});
  ASSERT_EQ(copied.status, 200) << json::serialize(copied.body);
  all = messages(kForum);
  EXPECT_EQ(all.back().at("message_thread_id").as_int64(), topic);
  EXPECT_TRUE(all.back().as_object().contains("photo"));

  // Pin, unpin.
  const std::int64_t card = result(sent).at("message_id").as_int64();
  EXPECT_EQ(call("pinChatMessage", {{"chat_id", kForum}, {"message_id", card}}).status, 200);
  all = messages(kForum);
  EXPECT_EQ(all.back().at("service").as_string(), "pinned_message");
  EXPECT_EQ(all.back().at("message_thread_id").as_int64(), topic);
  bool pinned = false;
  for (const auto& m : all) {
    if (m.at("message_id").as_int64() == card) pinned = m.as_object().contains("pinned");
  }
  EXPECT_TRUE(pinned);
  EXPECT_EQ(call("unpinChatMessage", {{"chat_id", kForum}, {"message_id", card}}).status, 200);
  EXPECT_EQ(description(call("unpinChatMessage", {{"chat_id", kForum}, {"message_id", card}})),
            "Bad Request: message to unpin not found");
  EXPECT_EQ(description(call("pinChatMessage", {{"chat_id", kForum}, {"message_id", 9999}})),
            "Bad Request: message to pin not found");

  // Edit, close, reopen.
  EXPECT_EQ(call("editForumTopic",
                 {{"chat_id", kForum}, {"message_thread_id", topic}, {"name", "Ann (closed)"}})
                .status,
            200);
  EXPECT_EQ(description(call(
                "editForumTopic",
                {{"chat_id", kForum}, {"message_thread_id", topic}, {"name", "Ann (closed)"}})),
            "Bad Request: TOPIC_NOT_MODIFIED");
  EXPECT_EQ(call("closeForumTopic", {{"chat_id", kForum}, {"message_thread_id", topic}}).status,
            200);
  EXPECT_EQ(
      description(call("closeForumTopic", {{"chat_id", kForum}, {"message_thread_id", topic}})),
      "Bad Request: TOPIC_NOT_MODIFIED");
  EXPECT_EQ(description(call("sendMessage",
                             {{"chat_id", kForum}, {"text", "x"}, {"message_thread_id", topic}})),
            "Bad Request: TOPIC_CLOSED");
  EXPECT_EQ(description(call("copyMessage", {{"chat_id", kForum},
                                             {"from_chat_id", 8},
                                             {"message_id", result(photo).at("message_id")},
                                             {"message_thread_id", topic}})),
            "Bad Request: TOPIC_CLOSED");
  Reply topics = control("GET", "/control/chats/topics?token=123:ABC&chat_id=-100500");
  ASSERT_EQ(topics.body.at("result").as_array().size(), 1u);
  EXPECT_EQ(topics.body.at("result").at(0).at("name").as_string(), "Ann (closed)");
  EXPECT_EQ(topics.body.at("result").at(0).at("id").as_int64(), topic);
  EXPECT_TRUE(topics.body.at("result").at(0).at("closed").as_bool());
  EXPECT_EQ(call("reopenForumTopic", {{"chat_id", kForum}, {"message_thread_id", topic}}).status,
            200);
  EXPECT_EQ(messages(kForum).back().at("service").as_string(), "forum_topic_reopened");
  EXPECT_EQ(
      call("sendMessage", {{"chat_id", kForum}, {"text", "again"}, {"message_thread_id", topic}})
          .status,
      200);

  // Delete: the topic and its messages go; sends into it fail.
  const std::int64_t other = create_topic("Bob");
  EXPECT_EQ(call("deleteForumTopic", {{"chat_id", kForum}, {"message_thread_id", topic}}).status,
            200);
  EXPECT_EQ(description(call("sendMessage",
                             {{"chat_id", kForum}, {"text", "x"}, {"message_thread_id", topic}})),
            "Bad Request: message thread not found");
  for (const auto& m : messages(kForum)) {
    const json::value* thread = m.as_object().if_contains("message_thread_id");
    if (thread && thread->as_int64() == topic) {
      EXPECT_TRUE(m.at("deleted").as_bool());
    }
  }
  topics = control("GET", "/control/chats/topics?token=123:ABC&chat_id=-100500");
  ASSERT_EQ(topics.body.at("result").as_array().size(), 1u);
  EXPECT_EQ(topics.body.at("result").at(0).at("message_thread_id").as_int64(), other);
}

TEST_F(ForumTest, ForwardIntoTopicTakesTheNewThread) {
  make_forum();
  const std::int64_t a = create_topic("A");
  const std::int64_t b = create_topic("B");
  Reply sent =
      call("sendMessage", {{"chat_id", kForum}, {"text", "in a"}, {"message_thread_id", a}});
  ASSERT_EQ(sent.status, 200);
  Reply forwarded = call("forwardMessage", {{"chat_id", kForum},
                                            {"from_chat_id", kForum},
                                            {"message_id", result(sent).at("message_id")},
                                            {"message_thread_id", b}});
  ASSERT_EQ(forwarded.status, 200) << json::serialize(forwarded.body);
  EXPECT_EQ(result(forwarded).at("message_thread_id").as_int64(), b);
  // Without a thread, a send goes to the general topic: no message_thread_id.
  Reply general = call("sendMessage", {{"chat_id", kForum}, {"text", "general"}});
  EXPECT_FALSE(result(general).contains("message_thread_id"));
}

}  // namespace
}  // namespace corebot::sandbox
