// The support desk against fakes (tests/fakes/): the module's Bot API calls are recorded and
// answered by the test (a forum or a plain group), its store is a real SQLite file. Each test
// drives updates to the end of their work: a customer's chat is held until their message is in
// the group, so "settled" means the hold was released.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "modules/support/support_module.hpp"
#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules::support {
namespace {
namespace json = boost::json;

constexpr std::int64_t kGroup = -100;
constexpr std::int64_t kOperator = 900;
constexpr std::int64_t kAnn = 1;
constexpr std::int64_t kBob = 2;

class DeskTest : public ::testing::Test {
 protected:
  DeskTest() {
    registry.add(std::make_unique<SupportModule>());
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", "user,role\n900,operator\n901,admin\n"}},
        registry);
    services.declare(module().info());
    services.fake_settings().values = {{"group_id", kGroup}};
    services.fake_users().records[kAnn] = {
        .id = kAnn, .first_name = "Ann", .username = "ann", .language_code = "en"};
    services.fake_users().records[kBob] = {.id = kBob, .first_name = "Bob", .language_code = "ru"};
    module().start(services);
  }

  Module& module() { return *registry.modules()[0]; }
  std::vector<corebot::testing::RecordedCall>& calls() { return services.recorded.calls; }

  // Starts an update; returns what keeps it in progress (expired once its work is done).
  std::weak_ptr<Context> start(json::object body, const char* kind = "message") {
    json::object update{{"update_id", ++update_id}, {kind, std::move(body)}};
    auto ctx = std::make_shared<Context>(std::move(update), services.recorded);
    ctx->attach(content, nullptr, &services.fake_users());
    const auto key = std::make_pair(ctx->chat_id().value_or(0), ctx->user_id().value_or(0));
    ctx->load_session(sessions[key]);
    last_handled = module().on_update(*ctx);
    sessions[key] = ctx->session();
    return ctx;
  }
  // Answers every call as Telegram would, runs store results, until the updates are done.
  void settle(std::vector<std::weak_ptr<Context>> updates) {
    auto done = [&] {
      return std::all_of(updates.begin(), updates.end(), [](auto& w) { return w.expired(); });
    };
    for (int round = 0; round < 1000; ++round) {
      answer_all();
      if (done()) break;
      ASSERT_TRUE(services.run_store_until([&] { return answered < calls().size() || done(); }));
    }
    answer_all();
  }
  void settle(std::weak_ptr<Context> update) { settle(std::vector{update}); }

  std::weak_ptr<Context> customer(std::int64_t user, json::object content) {
    content["message_id"] = ++message_id;
    content["chat"] = {{"id", user}, {"type", "private"}};
    content["from"] = {{"id", user}, {"first_name", user == kAnn ? "Ann" : "Bob"}};
    return start(std::move(content));
  }
  void customer_says(std::int64_t user, std::string text) {
    settle(customer(user, {{"text", text}}));
  }
  void open(std::int64_t user) {
    settle(customer(user, {{"text", "/support"}, {"entities", command_entity(8)}}));
  }
  // An operator (or anyone) writes in the group: in `topic`, or replying to `reply_to`.
  void in_group(std::int64_t from, json::object content, std::int64_t topic,
                std::int64_t reply_to = 0) {
    content["message_id"] = ++group_message_id;
    content["chat"] = {{"id", kGroup}, {"type", forum ? "supergroup" : "group"}};
    content["from"] = {{"id", from}, {"first_name", from == kOperator ? "Olga" : "Max"}};
    if (topic != 0) {
      content["message_thread_id"] = topic;
      content["is_topic_message"] = true;
      content["reply_to_message"] = {{"message_id", topic}};
    }
    if (reply_to != 0) content["reply_to_message"] = {{"message_id", reply_to}};
    if (content.contains("text") && content.at("text").as_string().starts_with("/")) {
      content["entities"] = command_entity(content.at("text").as_string().size());
    }
    settle(start(std::move(content)));
  }
  static json::array command_entity(std::size_t length) {
    return json::array{json::object{
        {"offset", 0}, {"length", static_cast<std::int64_t>(length)}, {"type", "bot_command"}}};
  }

  // Calls made since `from`, with `method`.
  std::vector<corebot::testing::RecordedCall*> made(std::string_view method, std::size_t from = 0) {
    std::vector<corebot::testing::RecordedCall*> out;
    for (std::size_t i = from; i < calls().size(); ++i) {
      if (calls()[i].method == method) out.push_back(&calls()[i]);
    }
    return out;
  }
  std::int64_t topic_of(std::string_view name) const {
    auto it = topics.find(std::string(name));
    return it == topics.end() ? 0 : it->second;
  }

  ModuleRegistry registry;
  std::shared_ptr<const Content> content;
  corebot::testing::FakeServices services{"support"};
  std::map<std::pair<std::int64_t, std::int64_t>, json::object> sessions;
  Handled last_handled = Handled::kContinue;
  std::int64_t update_id = 0;
  std::int64_t message_id = 0;
  std::int64_t group_message_id = 5000;
  bool forum = true;
  std::map<std::string, std::string> fail;  // method -> the description it fails with, once
  std::map<std::string, std::int64_t> topics;
  std::int64_t next_id = 10;
  std::size_t answered = 0;

 private:
  void answer_all() {
    while (answered < calls().size()) {
      const std::size_t i = answered++;
      const std::string method = calls()[i].method;
      const json::object params = calls()[i].params;
      // Taken out of the record: what it captured (a held update) goes once it ran.
      CallDone done = std::move(calls()[i].done);
      calls()[i].done = nullptr;
      CallResult r;
      r.ok = true;
      if (auto f = fail.find(method); f != fail.end()) {
        r.ok = false;
        r.error_code = 400;
        r.description = "Bad Request: " + f->second;
        fail.erase(f);
      } else if (method == "getChat") {
        r.result = json::object{{"id", kGroup}, {"is_forum", forum}};
      } else if (method == "createForumTopic") {
        const std::int64_t id = ++next_id;
        topics[std::string(params.at("name").as_string())] = id;
        r.result = json::object{{"message_thread_id", id}, {"name", params.at("name")}};
      } else if (method == "sendMessage" || method == "copyMessage") {
        r.result = json::object{{"message_id", ++next_id}};
      } else {
        r.result = true;
      }
      if (done) done(r);
    }
  }
};

TEST_F(DeskTest, TwoCustomersAtOnceGetTheirOwnTopicsAndOnlyTheirOwnAnswers) {
  open(kAnn);
  open(kBob);
  const std::size_t before = calls().size();
  // Both write before anything reached the group.
  settle({customer(kAnn, {{"text", "my order is late"}}),
          customer(kBob, {{"photo", json::array{{{"file_id", "p1"}}}}, {"caption", "broken"}})});
  ASSERT_NE(topic_of("Ann (@ann)"), 0);
  ASSERT_NE(topic_of("Bob"), 0);
  const std::int64_t ann = topic_of("Ann (@ann)");
  const std::int64_t bob = topic_of("Bob");
  // Each topic got its card (pinned) and its customer's message.
  for (const auto& [topic, user] : {std::pair{ann, kAnn}, std::pair{bob, kBob}}) {
    bool card = false, copy = false;
    for (auto* c : made("sendMessage", before)) {
      if (c->params.at("chat_id") == kGroup && c->params.contains("message_thread_id") &&
          c->params.at("message_thread_id") == topic &&
          c->params.at("text").as_string().starts_with("👤")) {
        card = true;
      }
    }
    for (auto* c : made("copyMessage", before)) {
      if (c->params.at("message_thread_id") == topic) {
        copy = true;
        EXPECT_EQ(c->params.at("from_chat_id"), user);
      }
    }
    EXPECT_TRUE(card) << topic;
    EXPECT_TRUE(copy) << topic;
  }
  EXPECT_EQ(made("pinChatMessage", before).size(), 2u);
  // Every call at interactive priority.
  for (const auto& c : calls()) EXPECT_EQ(c.priority, Priority::kInteractive) << c.method;

  // The operator answers Bob first, then Ann, each in their topic.
  const std::size_t answers = calls().size();
  in_group(kOperator, {{"text", "sorry Bob"}}, bob);
  in_group(kOperator, {{"voice", {{"file_id", "v1"}}}}, ann);
  in_group(kOperator, {{"document", {{"file_id", "d1"}}}}, bob);
  auto copies = made("copyMessage", answers);
  ASSERT_EQ(copies.size(), 3u);
  EXPECT_EQ(copies[0]->params.at("chat_id"), kBob);
  EXPECT_EQ(copies[1]->params.at("chat_id"), kAnn);
  EXPECT_EQ(copies[2]->params.at("chat_id"), kBob);
  for (auto* c : copies) EXPECT_EQ(c->params.at("from_chat_id"), kGroup);

  // A second message from Ann goes to her existing topic, no new topic.
  customer_says(kAnn, "thanks");
  EXPECT_EQ(made("createForumTopic").size(), 2u);
  EXPECT_EQ(made("copyMessage").back()->params.at("message_thread_id"), ann);
}

TEST_F(DeskTest, OnlyOperatorsAreRelayedAndOnlyFromCustomerTopics) {
  open(kAnn);
  customer_says(kAnn, "hello");
  const std::int64_t ann = topic_of("Ann (@ann)");
  const std::size_t before = calls().size();
  in_group(777, {{"text", "I am just a member"}}, ann);  // no role
  in_group(kOperator, {{"text", "general chat"}}, 0);    // the General topic
  in_group(kOperator, {{"text", "an unknown topic"}}, 4242);
  in_group(kOperator, {{"text", "/admin"}}, ann);  // another module's command
  EXPECT_TRUE(made("copyMessage", before).empty());
}

TEST_F(DeskTest, CustomersOutsideSupportAreLeftToOtherModules) {
  EXPECT_EQ(customer(kAnn, {{"text", "hello"}}).expired(), true);
  EXPECT_EQ(last_handled, Handled::kContinue);
  open(kAnn);
  // Another module's command takes the customer out of the desk.
  customer(kAnn, {{"text", "/start"}, {"entities", command_entity(6)}});
  EXPECT_EQ(last_handled, Handled::kContinue);
  customer(kAnn, {{"text", "hello"}});
  EXPECT_EQ(last_handled, Handled::kContinue);
  EXPECT_TRUE(made("copyMessage").empty());
}

TEST_F(DeskTest, CloseAsksForARatingStoredOnceAndTheNextMessageReopens) {
  open(kAnn);
  customer_says(kAnn, "hello");
  const std::int64_t ann = topic_of("Ann (@ann)");
  const std::size_t before = calls().size();
  in_group(kOperator, {{"text", "/close"}}, ann);
  ASSERT_EQ(made("closeForumTopic", before).size(), 1u);
  EXPECT_EQ(made("closeForumTopic", before)[0]->params.at("message_thread_id"), ann);
  corebot::testing::RecordedCall* ask = nullptr;
  for (auto* c : made("sendMessage", before)) {
    if (c->params.at("chat_id") == kAnn) ask = c;
  }
  ASSERT_NE(ask, nullptr);
  const auto& row = ask->params.at("reply_markup").at("inline_keyboard").at(0).as_array();
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ(row[3].at("callback_data").as_string(), "support:rate:1:4");

  auto press = [&](std::int64_t user, std::string data) {
    settle(start({{"id", "q" + std::to_string(++update_id)},
                  {"from", {{"id", user}}},
                  {"data", data},
                  {"message", {{"message_id", 77}, {"chat", {{"id", user}}}, {"text", "x"}}}},
                 "callback_query"));
  };
  const std::size_t rated = calls().size();
  press(kAnn, "support:rate:1:4");
  ASSERT_EQ(made("editMessageText", rated).size(), 1u);
  EXPECT_NE(made("editMessageText", rated)[0]->params.at("text").as_string().find("4/5"),
            std::string::npos);
  press(kAnn, "support:rate:1:1");  // a second press changes nothing
  press(kBob, "support:rate:1:1");  // a forged button for a conversation Bob never had
  EXPECT_EQ(made("editMessageText", rated).size(), 1u);
  bool ratings_checked = false;
  services.store().run([](ModuleCollections& c) { return c.collection("ratings").find({}); },
                       [&](StoreResult<std::vector<json::object>> docs) {
                         ASSERT_TRUE(docs);
                         ASSERT_EQ(docs.value().size(), 1u);
                         EXPECT_EQ(docs.value()[0].at("rating").as_int64(), 4);
                         EXPECT_EQ(docs.value()[0].at("user_id").as_int64(), kAnn);
                         ratings_checked = true;
                       });
  ASSERT_TRUE(services.run_store_until([&] { return ratings_checked; }));

  // Ann writes again: her topic is reopened, not a new one.
  const std::size_t again = calls().size();
  customer_says(kAnn, "one more thing");
  EXPECT_EQ(made("createForumTopic").size(), 1u);
  ASSERT_EQ(made("reopenForumTopic", again).size(), 1u);
  EXPECT_EQ(made("copyMessage", again).back()->params.at("message_thread_id"), ann);
  // The next close asks about conversation 2.
  in_group(kOperator, {{"text", "/close"}}, ann);
  EXPECT_EQ(made("sendMessage")
                .back()
                ->params.at("reply_markup")
                .at("inline_keyboard")
                .at(0)
                .at(0)
                .at("callback_data")
                .as_string(),
            "support:rate:2:1");
}

TEST_F(DeskTest, AnAnswerThatCannotBeDeliveredIsReportedInTheTopic) {
  open(kAnn);
  customer_says(kAnn, "hello");
  const std::int64_t ann = topic_of("Ann (@ann)");
  fail["copyMessage"] = "Forbidden: bot was blocked by the user";
  const std::size_t before = calls().size();
  in_group(kOperator, {{"text", "are you there?"}}, ann);
  auto notes = made("sendMessage", before);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]->params.at("message_thread_id"), ann);
  EXPECT_NE(notes[0]->params.at("text").as_string().find("blocked"), std::string::npos);
}

TEST_F(DeskTest, ADeletedTopicIsMadeAgain) {
  open(kAnn);
  customer_says(kAnn, "hello");
  fail["copyMessage"] = "message thread not found";
  customer_says(kAnn, "are you there?");
  EXPECT_EQ(made("createForumTopic").size(), 2u);
  const std::int64_t fresh = topic_of("Ann (@ann)");
  EXPECT_EQ(made("copyMessage").back()->params.at("message_thread_id"), fresh);
  // The operator answers in the new topic and it reaches Ann.
  in_group(kOperator, {{"text", "yes"}}, fresh);
  EXPECT_EQ(made("copyMessage").back()->params.at("chat_id"), kAnn);
}

TEST_F(DeskTest, PlainGroupRepliesAreMappedThroughTheStoreAndSurviveARestart) {
  forum = false;
  open(kAnn);
  open(kBob);
  settle({customer(kAnn, {{"text", "hello from Ann"}}), customer(kBob, {{"text", "hi from Bob"}})});
  EXPECT_TRUE(made("createForumTopic").empty());
  std::int64_t ann_header = 0, bob_header = 0;
  for (std::size_t i = 0; i < calls().size(); ++i) {
    const auto& c = calls()[i];
    if (c.method != "sendMessage" || c.params.at("chat_id") != kGroup) continue;
    const std::string text(c.params.at("text").as_string());
    // The header names the customer; the answer's message id is what the fake returned.
    if (text.find("hello from Ann") != std::string::npos) ann_header = i;
    if (text.find("hi from Bob") != std::string::npos) bob_header = i;
  }
  ASSERT_NE(ann_header, 0);
  ASSERT_NE(bob_header, 0);
  EXPECT_NE(calls()[ann_header].params.at("text").as_string().find("💬 Ann (@ann, id 1)"),
            std::string::npos);
  // The fake gives message ids in call order: find them by replaying the answers' ids.
  auto id_of = [&](std::size_t index) {
    std::int64_t id = 10;
    for (std::size_t i = 0; i <= index; ++i) {
      const auto& m = calls()[i].method;
      if (m == "sendMessage" || m == "copyMessage" || m == "createForumTopic") ++id;
    }
    return id;
  };
  const std::int64_t ann_msg = id_of(ann_header);
  const std::int64_t bob_msg = id_of(bob_header);

  // A restart: a new module on the same store.
  registry = ModuleRegistry{};
  registry.add(std::make_unique<SupportModule>());
  module().start(services);

  const std::size_t before = calls().size();
  in_group(kOperator, {{"text", "to Bob"}}, 0, bob_msg);
  in_group(kOperator, {{"photo", json::array{{{"file_id", "p"}}}}}, 0, ann_msg);
  in_group(kOperator, {{"text", "replying to nothing known"}}, 0, 4999);
  in_group(kOperator, {{"text", "no reply at all"}}, 0);
  auto copies = made("copyMessage", before);
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_EQ(copies[0]->params.at("chat_id"), kBob);
  EXPECT_EQ(copies[1]->params.at("chat_id"), kAnn);
  // /close as a reply closes that customer's conversation; without a reply it explains how.
  const std::size_t closing = calls().size();
  in_group(kOperator, {{"text", "/close"}}, 0);
  EXPECT_NE(made("sendMessage", closing).back()->params.at("text").as_string().find("/close"),
            std::string::npos);
  in_group(kOperator, {{"text", "/close"}}, 0, ann_msg);
  bool asked = false;
  for (auto* c : made("sendMessage", closing)) asked |= c->params.at("chat_id") == kAnn;
  EXPECT_TRUE(asked);
  EXPECT_TRUE(made("closeForumTopic").empty());
}

TEST_F(DeskTest, WithoutAGroupTheCustomerIsToldSupportIsUnavailable) {
  services.fake_settings().values = json::object{};
  open(kAnn);
  EXPECT_NE(calls().back().params.at("text").as_string().find("not available"), std::string::npos);
}

TEST_F(DeskTest, AnAdminChoosesTheGroupInTelegramAndItSurvivesARestart) {
  services.fake_settings().values = json::object{};
  constexpr std::int64_t kOther = -300;
  auto in_other = [&](std::int64_t from) {
    settle(start({{"message_id", ++group_message_id},
                  {"chat", {{"id", kOther}, {"type", "supergroup"}}},
                  {"from", {{"id", from}, {"first_name", "X"}}},
                  {"text", "/support_here"},
                  {"entities", command_entity(13)}}));
  };
  in_other(kOperator);  // operators may not
  in_other(777);        // nor members
  EXPECT_TRUE(made("sendMessage").empty());
  in_other(901);
  ASSERT_EQ(made("sendMessage").size(), 1u);
  EXPECT_EQ(made("sendMessage")[0]->params.at("chat_id"), kOther);
  EXPECT_NE(made("sendMessage")[0]->params.at("text").as_string().find("now come to this group"),
            std::string::npos);

  // A restart: the choice is read back from the store.
  registry = ModuleRegistry{};
  registry.add(std::make_unique<SupportModule>());
  module().start(services);
  bool loaded = false;  // one store worker: once this answers, start()'s read has answered too
  services.store().run([](ModuleCollections&) {},
                       [&](StoreResult<std::monostate>) { loaded = true; });
  ASSERT_TRUE(services.run_store_until([&] { return loaded; }));
  open(kAnn);
  customer_says(kAnn, "hello");
  ASSERT_EQ(made("createForumTopic").size(), 1u);
  EXPECT_EQ(made("createForumTopic")[0]->params.at("chat_id"), kOther);

  // The admin panel's entry tells admins where the conversations go, and nobody else.
  auto press = [&](std::int64_t user) {
    settle(start({{"id", "p" + std::to_string(++update_id)},
                  {"from", {{"id", user}}},
                  {"data", "support:panel"},
                  {"message", {{"message_id", 5}, {"chat", {{"id", user}}}, {"text", "x"}}}},
                 "callback_query"));
  };
  const std::size_t before = made("sendMessage").size();
  press(kAnn);
  EXPECT_EQ(made("sendMessage").size(), before);
  press(901);
  EXPECT_NE(made("sendMessage").back()->params.at("text").as_string().find("-300"),
            std::string::npos);

  // With the setting given, the setting decides and /support_here says so.
  services.fake_settings().values = {{"group_id", kGroup}};
  in_other(901);
  EXPECT_NE(made("sendMessage").back()->params.at("text").as_string().find("-100"),
            std::string::npos);
}

}  // namespace
}  // namespace corebot::modules::support
