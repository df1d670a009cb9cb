#include "dispatch/dispatcher.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <deque>
#include <utility>

#include "tests/fakes/recording_sender.hpp"

namespace corebot::dispatch {
namespace {
namespace json = boost::json;

// Records the updates it sees; can hold its Context to simulate slow asynchronous work.
class ProbeModule final : public Module {
 public:
  ModuleInfo info() const override {
    ModuleInfo info;
    info.name = "probe";
    info.commands = {{"start", ""}, {"boom", ""}};
    info.callback_prefix = "p";
    info.update_kinds = {"edited_message"};
    return info;
  }
  Handled on_update(Context& ctx) override {
    seen.push_back(ctx.update_id());
    if (ctx.command() == "boom") throw std::runtime_error("boom");
    if (hold_next) held.push_back(ctx.hold());
    return Handled::kStop;
  }
  std::vector<std::int64_t> seen;
  bool hold_next = false;
  std::vector<std::shared_ptr<Context>> held;
};

struct Fixture : ::testing::Test {
  Fixture() {
    auto module = std::make_unique<ProbeModule>();
    probe = module.get();
    registry.add(std::move(module));
  }
  void drain() {
    while (!posted.empty()) {
      auto fn = std::move(posted.front());
      posted.pop_front();
      fn();
    }
  }
  static json::value message(std::int64_t id, std::int64_t chat, std::string text) {
    return json::object{{"update_id", id},
                        {"message", json::object{{"message_id", id},
                                                 {"chat", json::object{{"id", chat}}},
                                                 {"from", json::object{{"id", chat}}},
                                                 {"text", text}}}};
  }
  ModuleRegistry registry;
  ProbeModule* probe = nullptr;
  testing::RecordingSender sender;
  std::deque<std::function<void()>> posted;
  Dispatcher dispatcher{registry, sender,
                        [this](std::function<void()> fn) { posted.push_back(std::move(fn)); }};
};

TEST_F(Fixture, KeepsOneChatInOrderWhileOtherChatsGoOn) {
  probe->hold_next = true;
  int handled = 0;
  dispatcher.dispatch(message(1, 100, "/start"), [&] { ++handled; });
  dispatcher.dispatch(message(2, 100, "/start"), [&] { ++handled; });
  dispatcher.dispatch(message(3, 200, "/start"), [&] { ++handled; });
  drain();
  // Update 2 waits for update 1 (held); chat 200 is not blocked by chat 100.
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(dispatcher.pending(), 3u);
  probe->hold_next = false;
  probe->held.erase(probe->held.begin());  // update 1 finishes
  drain();
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{1, 3, 2}));
  probe->held.clear();
  drain();
  EXPECT_EQ(handled, 3);
  EXPECT_EQ(dispatcher.pending(), 0u);
}

TEST_F(Fixture, AnUpdateEndsOnlyOnceTheOutboxReportedItsReplies) {
  // A reply still waiting in the outbox keeps its update unconfirmed, so a crash cannot lose it.
  class Replier final : public Module {
   public:
    ModuleInfo info() const override {
      ModuleInfo info;
      info.name = "replier";
      info.commands = {{"hi", ""}};
      return info;
    }
    Handled on_update(Context& ctx) override {
      ctx.reply("hello");
      return Handled::kStop;
    }
  };
  registry.add(std::make_unique<Replier>());
  int handled = 0;
  dispatcher.dispatch(message(1, 100, "/hi"), [&] { ++handled; });
  dispatcher.dispatch(message(2, 100, "/hi"), [&] { ++handled; });
  drain();
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(handled, 0) << "the reply has not left yet";
  CallResult sent;
  sent.ok = true;
  std::exchange(sender.calls[0].done, nullptr)(sent);
  drain();
  EXPECT_EQ(handled, 1);
  ASSERT_EQ(sender.calls.size(), 2u) << "the chat's next update starts after the reply left";
  CallResult refused;  // a final failure ends the update too
  refused.error_code = 400;
  std::exchange(sender.calls[1].done, nullptr)(refused);
  drain();
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(dispatcher.pending(), 0u);
}

TEST_F(Fixture, AChatsWaitingUpdatesAreCappedAndTheRestConfirmedAsDropped) {
  probe->hold_next = true;
  int handled = 0;
  dispatcher.dispatch(message(1, 100, "/start"), [&] { ++handled; });
  probe->hold_next = false;
  for (std::int64_t id = 2; id < 2 + static_cast<std::int64_t>(kMaxWaitingPerChat) + 5; ++id) {
    dispatcher.dispatch(message(id, 100, "/start"), [&] { ++handled; });
  }
  dispatcher.dispatch(message(9000, 200, "/start"), [&] { ++handled; });
  drain();
  EXPECT_EQ(dispatcher.stats().flood_dropped, 5u);
  EXPECT_EQ(handled, 5 + 1) << "the dropped ones are confirmed; chat 200 is not held";
  EXPECT_EQ(dispatcher.pending(), 1 + kMaxWaitingPerChat);
  probe->held.clear();
  drain();
  EXPECT_EQ(handled, static_cast<int>(kMaxWaitingPerChat) + 7);
  EXPECT_EQ(dispatcher.pending(), 0u);
}

// Sees every command first (like forms, which ends a form on /start); may keep one from its owner.
class WatcherModule final : public Module {
 public:
  ModuleInfo info() const override {
    ModuleInfo info;
    info.name = "watcher";
    info.commands = {{"mine", ""}};
    info.sees_all_commands = true;
    return info;
  }
  Handled on_update(Context& ctx) override {
    seen.push_back(std::string(ctx.command()));
    return ctx.command() == "boom" ? Handled::kStop : Handled::kContinue;
  }
  std::vector<std::string> seen;
};

TEST_F(Fixture, ACommandGoesToModulesThatSeeAllCommandsBeforeItsOwner) {
  auto module = std::make_unique<WatcherModule>();
  WatcherModule* watcher = module.get();
  registry.add(std::move(module));
  dispatcher.dispatch(message(1, 5, "/start"));  // the probe's: the watcher sees it first
  dispatcher.dispatch(message(2, 5, "/mine"));   // the watcher's own: once
  dispatcher.dispatch(message(3, 5, "/boom"));   // the watcher keeps it from the probe
  dispatcher.dispatch(message(4, 5, "hello"));   // not a command: not routed to either
  drain();
  EXPECT_EQ(watcher->seen, (std::vector<std::string>{"start", "mine", "boom"}));
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(dispatcher.stats().module_errors, 0u);
}

TEST_F(Fixture, MalformedUpdatesAreCountedAndHandled) {
  int handled = 0;
  dispatcher.dispatch(json::value("not an object"), [&] { ++handled; });
  dispatcher.dispatch(json::object{{"message", json::object{}}}, [&] { ++handled; });
  drain();
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(dispatcher.stats().malformed, 2u);
  EXPECT_TRUE(probe->seen.empty());
}

TEST_F(Fixture, ModuleExceptionIsContainedAndChatContinues) {
  dispatcher.dispatch(message(1, 5, "/boom"));
  dispatcher.dispatch(message(2, 5, "/start"));
  drain();
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(dispatcher.stats().module_errors, 1u);
}

TEST_F(Fixture, UnclaimedCallbackIsAnsweredAndUnknownKindsIgnored) {
  dispatcher.dispatch(json::object{
      {"update_id", 9},
      {"callback_query",
       json::object{{"id", "cq"}, {"data", "other:x"}, {"from", json::object{{"id", 1}}}}}});
  dispatcher.dispatch(json::object{{"update_id", 10}, {"brand_new_kind", json::object{}}});
  dispatcher.dispatch(json::object{
      {"update_id", 11}, {"edited_message", json::object{{"chat", json::object{{"id", 1}}}}}});
  drain();
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_EQ(dispatcher.stats().unrouted, 2u);
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{11}));
}

TEST_F(Fixture, BeforeMiddlewareCanStopAnUpdate) {
  std::vector<std::string> order;
  dispatcher.add_middleware(Phase::kBefore, [&](Context& ctx) {
    order.push_back("before");
    return ctx.text() == "/start" ? Handled::kStop : Handled::kContinue;
  });
  dispatcher.add_middleware(Phase::kAfter, [&](Context&) {
    order.push_back("after");
    return Handled::kContinue;
  });
  dispatcher.dispatch(message(1, 5, "/start"));
  drain();
  EXPECT_TRUE(probe->seen.empty());
  EXPECT_EQ(order, (std::vector<std::string>{"before"}));
}

TEST_F(Fixture, PrepareHookRunsFirstAndReleaseHookBeforeTheChatsNextUpdate) {
  std::vector<std::string> order;
  std::vector<std::function<void()>> ready;
  dispatcher.set_hooks(
      ContextHooks{.prepare =
                       [&](Context& ctx, std::function<void()> go) {
                         order.push_back("prepare " + std::to_string(ctx.update_id()));
                         ctx.session()["seen"] = ctx.update_id();
                         ready.push_back(std::move(go));  // e.g. a session still loading
                       },
                   .release =
                       [&](Context& ctx) {
                         order.push_back("release " + std::to_string(ctx.update_id()) +
                                         (ctx.session_changed() ? " changed" : ""));
                       }});
  dispatcher.dispatch(message(1, 7, "/start"));
  dispatcher.dispatch(message(2, 7, "/start"));
  drain();
  EXPECT_TRUE(probe->seen.empty()) << "modules wait for the prepare hook";
  ASSERT_EQ(ready.size(), 1u);
  ready[0]();
  ready.clear();
  drain();
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{1}));
  ASSERT_EQ(ready.size(), 1u) << "update 2 is prepared once update 1 was released";
  ready[0]();
  ready.clear();
  drain();
  EXPECT_EQ(order, (std::vector<std::string>{"prepare 1", "release 1 changed", "prepare 2",
                                             "release 2 changed"}));
  EXPECT_EQ(dispatcher.pending(), 0u);
}

TEST_F(Fixture, APrepareHookThatThrowsDoesNotStickTheChat) {
  int calls = 0;
  dispatcher.set_hooks(ContextHooks{.prepare = [&](Context&, std::function<void()> go) {
    if (++calls == 1) throw std::runtime_error("store down");
    go();
  }});
  dispatcher.dispatch(message(1, 7, "/start"));
  dispatcher.dispatch(message(2, 7, "/start"));
  drain();
  EXPECT_EQ(probe->seen, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(dispatcher.pending(), 0u);
}

}  // namespace
}  // namespace corebot::dispatch
