#include "app/held_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "tests/fakes/inbox.hpp"
#include "tests/fakes/recording_sender.hpp"

namespace corebot::app {
namespace {
namespace json = boost::json;

struct HeldMessagesTest : ::testing::Test {
  HeldMessagesTest() {
    dir = std::filesystem::temp_directory_path() /
          ("corebot_held_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::shared_ptr<DocumentStore>(open_store("sqlite://" + (dir / "bot.db").string()));
    async = std::make_unique<AsyncStore>(
        store, [this](std::function<void()> fn) { inbox.post(std::move(fn)); });
  }
  ~HeldMessagesTest() override {
    async.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  void keep(HeldMessages& held, std::int64_t id, std::string username, std::string text) {
    std::string error = "not called";
    held.hold(HeldMessage{.user_id = id,
                          .username = std::move(username),
                          .method = "sendMessage",
                          .params = {{"text", text}},
                          .recipient = "admin Desk",
                          .reason = "Bad Request: chat not found"},
              [&](const std::string& e) { error = e; });
    ASSERT_TRUE(inbox.run_until([&] { return error != "not called"; }));
    EXPECT_EQ(error, "");
  }
  std::int64_t kept() { return store->collection(HeldMessages::kCollection).count({}); }

  std::filesystem::path dir;
  std::shared_ptr<DocumentStore> store;
  testing::Inbox inbox;
  std::unique_ptr<AsyncStore> async;
  testing::RecordingSender sender;
};

TEST_F(HeldMessagesTest, KeptMessagesLeaveInOrderWhenTheUserWritesAndSurviveARestart) {
  {
    HeldMessages held(*async, sender);
    keep(held, 1009, "", "first lead");
    keep(held, 1009, "", "second lead");
    EXPECT_EQ(held.recipients(), 1u);
  }
  EXPECT_EQ(kept(), 2);
  // A new engine: the index comes back from the store.
  HeldMessages held(*async, sender);
  bool loaded = false;
  held.load([&](const std::string& error) {
    EXPECT_EQ(error, "");
    loaded = true;
  });
  ASSERT_TRUE(inbox.run_until([&] { return loaded; }));
  held.user_seen(1001, "");  // someone else: nothing
  held.user_seen(1009, "");
  ASSERT_TRUE(inbox.run_until([&] { return sender.calls.size() == 2; }));
  EXPECT_EQ(sender.calls[0].params.at("text"), "first lead");
  EXPECT_EQ(sender.calls[1].params.at("text"), "second lead");
  EXPECT_EQ(sender.calls[0].params.at("chat_id"), 1009);
  EXPECT_EQ(sender.calls[0].priority, Priority::kNotification);
  // Accepted by Telegram: forgotten; a second message from the user sends nothing more.
  for (auto& call : sender.calls) call.done(CallResult{.ok = true});
  ASSERT_TRUE(inbox.run_until([&] { return kept() == 0; }));
  held.user_seen(1009, "");
  EXPECT_EQ(sender.calls.size(), 2u);
}

TEST_F(HeldMessagesTest, AMessageForAUsernameGoesToWhoeverWritesWithIt) {
  HeldMessages held(*async, sender);
  keep(held, 0, "@Boss", "for the boss");
  held.user_seen(1020, "someone_else");
  held.user_seen(1021, "BOSS");
  ASSERT_TRUE(inbox.run_until([&] { return sender.calls.size() == 1; }));
  EXPECT_EQ(sender.calls[0].params.at("chat_id"), 1021);
}

TEST_F(HeldMessagesTest, AFailedDeliveryIsKeptForTheNextMessage) {
  HeldMessages held(*async, sender);
  keep(held, 1009, "", "lead");
  held.user_seen(1009, "");
  ASSERT_TRUE(inbox.run_until([&] { return sender.calls.size() == 1; }));
  sender.calls[0].done(CallResult{.ok = false, .error_code = 400, .description = "chat not found"});
  EXPECT_EQ(kept(), 1);
  held.user_seen(1009, "");
  ASSERT_TRUE(inbox.run_until([&] { return sender.calls.size() == 2; }));
}

}  // namespace
}  // namespace corebot::app
