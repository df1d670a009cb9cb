#include "sandbox/state.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace corebot::sandbox {
namespace {

namespace json = boost::json;

TEST(State, TokensMustLookLikeTelegrams) {
  EXPECT_TRUE(SandboxState::valid_token("123:ABC"));
  EXPECT_TRUE(SandboxState::valid_token("123456:AA-b_c9"));
  EXPECT_FALSE(SandboxState::valid_token("123"));
  EXPECT_FALSE(SandboxState::valid_token(":ABC"));
  EXPECT_FALSE(SandboxState::valid_token("12a:ABC"));
  EXPECT_FALSE(SandboxState::valid_token("123:"));
  EXPECT_FALSE(SandboxState::valid_token("123:AB/C"));
}

TEST(State, UpdatesAreConfirmedByOffset) {
  core::ManualClock clock;
  SandboxState state(clock);
  Bot& bot = state.add_bot("1:A");
  int notified = 0;
  bot.on_update = [&](Bot&) { ++notified; };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(bot.enqueue("message", {}), i + 1);
  EXPECT_EQ(notified, 5);
  auto first = bot.confirm_and_peek(0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]->update_id, 1);
  EXPECT_EQ(first[0]->body.at("update_id").as_int64(), 1);
  auto rest = bot.confirm_and_peek(3, 100);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0]->update_id, 3);
  auto last = bot.confirm_and_peek(-1, 100);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0]->update_id, 5);
  EXPECT_EQ(bot.confirm_and_peek(INT64_MIN, 100).size(), 1u);
  EXPECT_TRUE(bot.confirm_and_peek(6, 100).empty());
}

TEST(State, AllowedUpdatesFilterNewUpdates) {
  core::ManualClock clock;
  SandboxState state(clock);
  Bot& bot = state.add_bot("1:A");
  EXPECT_FALSE(bot.enqueue("chat_member", {}));  // not delivered by default
  bot.set_allowed_updates({"callback_query"});
  EXPECT_FALSE(bot.enqueue("message", {}));
  EXPECT_TRUE(bot.enqueue("callback_query", {}));
  EXPECT_TRUE(bot.enqueue("whatever", {}, /*bypass_filter=*/true));
}

TEST(State, RawUpdatesKeepTheirId) {
  core::ManualClock clock;
  SandboxState state(clock);
  Bot& bot = state.add_bot("1:A");
  EXPECT_EQ(bot.enqueue("raw", json::object{{"update_id", 100}}, true), 100);
  EXPECT_EQ(bot.enqueue("message", {}), 101);
}

// A raw update may bring an id lower than one already queued; confirming past it drops it too,
// wherever it sits in the queue (Telegram drops every update below the offset).
TEST(State, AnOffsetConfirmsALowerRawIdQueuedLater) {
  core::ManualClock clock;
  SandboxState state(clock);
  Bot& bot = state.add_bot("1:A");
  EXPECT_EQ(bot.enqueue("message", {}), 1);
  EXPECT_EQ(bot.enqueue("raw", json::object{{"update_id", 10}}, true), 10);
  EXPECT_EQ(bot.enqueue("raw", json::object{{"update_id", 5}}, true), 5);
  EXPECT_EQ(bot.enqueue("message", {}), 11);
  auto left = bot.confirm_and_peek(7, 100);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0]->update_id, 10);
  EXPECT_EQ(left[1]->update_id, 11);
}

TEST(State, MessagesAndEvents) {
  core::ManualClock clock;
  SandboxState state(clock);
  Bot& bot = state.add_bot("1:A", "demo_bot", "Demo");
  Chat& chat = bot.ensure_chat(1001);
  bot.ensure_user(1001).first_name = "Ann";
  Message m;
  m.from_bot = true;
  m.text = "hello";
  const auto id = bot.add_message(chat, m).message_id;
  EXPECT_EQ(id, 1);
  Message* stored = bot.find_message(1001, id);
  ASSERT_NE(stored, nullptr);
  json::object j = bot.message_json(*stored);
  EXPECT_EQ(j.at("text").as_string(), "hello");
  EXPECT_EQ(j.at("chat").as_object().at("first_name").as_string(), "Ann");
  EXPECT_EQ(j.at("from").as_object().at("username").as_string(), "demo_bot");
  bot.message_edited(*stored);
  bot.message_deleted(*stored);
  EXPECT_EQ(bot.find_message(1001, id), nullptr);
  auto events = bot.events.since("1:A", 0);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].as_object().at("kind").as_string(), "message");
  EXPECT_EQ(events[2].as_object().at("kind").as_string(), "deleted");
}

TEST(State, FeedWakesWaitersOfTheirKey) {
  Feed feed;
  int a = 0;
  int b = 0;
  feed.wait("a", [&] { ++a; });
  auto id = feed.wait("b", [&] { ++b; });
  feed.add("a", {});
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  feed.cancel(id);
  feed.add("b", {});
  EXPECT_EQ(b, 0);
  EXPECT_EQ(feed.since("a", 0).size(), 1u);
  EXPECT_EQ(feed.since("b", 1).size(), 1u);
  EXPECT_EQ(feed.since("b", 2).size(), 0u);
}

// A pipelining bot is handed an update again while it still has it: the text is made once.
TEST(State, AnUpdatesTextIsItsBodySerializedOnce) {
  core::ManualClock clock;
  SandboxState state(clock);
  Bot& bot = state.add_bot("1:A");
  bot.enqueue("message", json::object{{"message", json::object{{"text", "hi"}}}});
  const Update& update = *bot.confirm_and_peek(0, 1).at(0);
  const std::string& text = update.text();
  EXPECT_EQ(json::parse(text), json::value(update.body));
  EXPECT_EQ(update.text().data(), text.data()) << "served again from the same string";
}

// A feed entry is stored as given; its seq is added where it is read.
TEST(State, FeedEntriesGetTheirSeqWhenRead) {
  Feed feed;
  feed.add("a", json::object{{"kind", "x"}});
  feed.add("a", json::object{{"kind", "y"}});
  const auto entries = feed.since("a", 0);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].as_object().at("seq").as_int64(), 1);
  EXPECT_EQ(entries[1].as_object().at("seq").as_int64(), 2);
  EXPECT_EQ(entries[1].as_object().at("kind").as_string(), "y");
  EXPECT_EQ(feed.since("a", 1, [](const json::object& e) { return !e.contains("seq"); }).size(),
            1u);
}

TEST(State, Utf16Length) {
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("\xD0\xAF"), 1u);          // Cyrillic Ya
  EXPECT_EQ(utf16_length("\xF0\x9F\x98\x80"), 2u);  // an emoji: a surrogate pair
}

}  // namespace
}  // namespace corebot::sandbox
