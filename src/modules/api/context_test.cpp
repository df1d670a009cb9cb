#include "corebot/context.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/fakes/recording_sender.hpp"

namespace corebot {
namespace {
namespace json = boost::json;

json::object parse(std::string_view s) { return json::parse(s).as_object(); }

TEST(Context, ReadsCommandWithBotNameAndArgs) {
  testing::RecordingSender sender;
  Context ctx(parse(R"({"update_id":7,"message":{"message_id":1,"date":0,
      "chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"A",
      "language_code":"de"},"text":"/start@demo_bot  promo page"}})"),
              sender);
  EXPECT_EQ(ctx.update_id(), 7);
  EXPECT_EQ(ctx.kind(), "message");
  EXPECT_EQ(ctx.chat_id(), 42);
  EXPECT_EQ(ctx.user_id(), 42);
  EXPECT_EQ(ctx.language_code(), "de");
  EXPECT_EQ(ctx.command(), "start");
  EXPECT_EQ(ctx.command_args(), "promo page");
}

TEST(Context, PlainTextIsNotACommand) {
  testing::RecordingSender sender;
  Context ctx(parse(R"({"update_id":1,"message":{"chat":{"id":5},"text":"hello /start"}})"),
              sender);
  EXPECT_EQ(ctx.text(), "hello /start");
  EXPECT_TRUE(ctx.command().empty());
}

TEST(Context, CallbackQueryAnswersOnce) {
  testing::RecordingSender sender;
  Context ctx(parse(R"({"update_id":2,"callback_query":{"id":"cb1","from":{"id":9},
      "data":"menu:about","message":{"message_id":33,"chat":{"id":-100}}}})"),
              sender);
  EXPECT_EQ(ctx.kind(), "callback_query");
  EXPECT_EQ(ctx.callback_data(), "menu:about");
  EXPECT_EQ(ctx.callback_message_id(), 33);
  EXPECT_EQ(ctx.chat_id(), -100);
  ctx.answer_callback("hi");
  ctx.answer_callback("again");
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_EQ(sender.calls[0].params.at("text").as_string(), "hi");
}

TEST(Context, UnknownKindAndMissingFieldsAreTolerated) {
  testing::RecordingSender sender;
  Context ctx(parse(R"({"update_id":3,"future_kind":{"weird":true}})"), sender);
  EXPECT_EQ(ctx.kind(), "future_kind");
  EXPECT_FALSE(ctx.chat_id());
  ctx.reply("nobody to reply to");
  EXPECT_TRUE(sender.calls.empty());
  Context wrong_types(parse(R"({"update_id":4,"message":{"chat":{"id":"x"},"text":5}})"), sender);
  EXPECT_FALSE(wrong_types.chat_id());
  EXPECT_TRUE(wrong_types.text().empty());
}

TEST(Context, ReplyGoesToTheChatAtInteractivePriority) {
  testing::RecordingSender sender;
  Context ctx(parse(R"({"update_id":5,"message":{"chat":{"id":77},"text":"hi"}})"), sender);
  ctx.reply("hello", {{"parse_mode", "HTML"}});
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "sendMessage");
  EXPECT_EQ(sender.calls[0].priority, Priority::kInteractive);
  EXPECT_EQ(sender.calls[0].params.at("chat_id").as_int64(), 77);
  EXPECT_EQ(sender.calls[0].params.at("parse_mode").as_string(), "HTML");
}

// The update's Context waits for each of its calls (to end the update after them), but only a
// module that passed `done` reads the answer: the others need not have it parsed.
TEST(Context, AReplyWithoutACallbackDoesNotAskForTheAnswer) {
  testing::RecordingSender sender;
  auto ctx = std::make_shared<Context>(
      parse(R"({"update_id":6,"message":{"chat":{"id":77},"text":"hi"}})"), sender);
  ctx->reply("no callback");
  ctx->reply("callback", {}, [](const CallResult&) {});
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_FALSE(sender.calls[0].wants_result);
  EXPECT_TRUE(sender.calls[0].done) << "the Context still learns that the call ended";
  EXPECT_TRUE(sender.calls[1].wants_result);
}

}  // namespace
}  // namespace corebot
