// LuaModule on FakeServices: waiting for the store and for a send inside a handler, the session,
// failures (logged with the traceback, counted, reported to admins, switched off), hot reload.
#include "lua_module.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace corebot::script::testing {
namespace {

using ::testing::HasSubstr;

TEST(LuaModule, AHandlerWaitsForTheStoreWithoutBlocking) {
  Harness h("notes", "add,count",
            "return { commands = {\n"
            "  add = function(ctx)\n"
            "    store.insert('notes', {user = ctx.user_id, text = ctx.args})\n"
            "    ctx:reply('saved ' .. store.count('notes', {user = ctx.user_id}))\n"
            "  end,\n"
            "  count = function(ctx)\n"
            "    local docs = store.find('notes', {user = ctx.user_id}, {sort = {text = 1}})\n"
            "    ctx:reply(#docs .. ': ' .. docs[1].text)\n"
            "  end } }\n");
  h.start();
  auto ctx = h.make("/add milk");
  EXPECT_EQ(h.module->on_update(*ctx), Handled::kStop);
  EXPECT_TRUE(h.sent().empty()) << "the handler waits for the store, on_update returned";
  ASSERT_TRUE(h.services.run_store_until([&] { return h.sent().size() == 1; }));
  EXPECT_EQ(h.sent().back(), "saved 1");
  h.say("/add bread");
  h.say("/count");
  EXPECT_EQ(h.sent().back(), "2: bread");
  EXPECT_EQ(h.services.collection("notes").count({}), 2);
}

TEST(LuaModule, AHandlerWaitsForASendsOutcome) {
  Harness h("m", "go",
            "return { commands = { go = function(ctx)\n"
            "  local r = ctx:call('sendMessage', {chat_id = ctx.chat_id, text = 'first'})\n"
            "  ctx:reply('sent as ' .. r.result.message_id .. ' ' .. tostring(r.ok))\n"
            "end } }\n");
  h.start();
  auto ctx = h.make("/go");
  h.module->on_update(*ctx);
  ASSERT_EQ(h.services.recorded.calls.size(), 1u);
  CallResult r;
  r.ok = true;
  r.result = boost::json::object{{"message_id", 77}};
  h.services.recorded.calls[0].done(r);
  ASSERT_EQ(h.sent().size(), 2u);
  EXPECT_EQ(h.sent().back(), "sent as 77 true");
}

TEST(LuaModule, AHandlerUploadsAFile) {
  Harness h("m", "export",
            "return { commands = { export = function(ctx)\n"
            "  local r = bot.call('sendDocument', {chat_id = ctx.chat_id, caption = 'scores'},\n"
            "    'admin', {{field = 'document', filename = 'top.csv', content_type = 'text/csv',\n"
            "               data = 'name,points\\nann,3\\n'}})\n"
            "  ctx:reply('export ' .. tostring(r.ok))\n"
            "end } }\n");
  h.start();
  auto ctx = h.make("/export");
  h.module->on_update(*ctx);
  ASSERT_EQ(h.services.recorded.calls.size(), 1u);
  const auto& call = h.services.recorded.calls[0];
  EXPECT_EQ(call.method, "sendDocument");
  EXPECT_EQ(call.priority, Priority::kAdmin);
  ASSERT_EQ(call.files.size(), 1u);
  EXPECT_EQ(call.files[0].field, "document");
  EXPECT_EQ(call.files[0].filename, "top.csv");
  EXPECT_EQ(call.files[0].content_type, "text/csv");
  EXPECT_EQ(call.files[0].data, "name,points\nann,3\n");
  CallResult ok;
  ok.ok = true;
  h.services.recorded.calls[0].done(ok);
  EXPECT_EQ(h.sent().back(), "export true");
}

TEST(LuaModule, AHandlerLooksUpAUser) {
  // FakeUsers answers at once, inside the call: the binding returns without waiting.
  Harness h("m", "who",
            "return { commands = { who = function(ctx)\n"
            "  local u = users.find(tonumber(ctx.args))\n"
            "  ctx:reply(u and (u.first_name .. ' ' .. u.tags[1]) or 'unknown')\n"
            "end } }\n",
            Harness::small_options(), "permissions = [\"users\"]\n");
  h.services.fake_users().records[42] = UserRecord{.id = 42, .first_name = "Ann", .tags = {"vip"}};
  h.start();
  h.say("/who 42");
  h.say("/who 7");
  EXPECT_EQ(h.sent(), (std::vector<std::string>{"Ann vip", "unknown"}));
}

TEST(LuaModule, TheSessionIsKeptPerUser) {
  Harness h("m", "inc",
            "return { commands = { inc = function(ctx)\n"
            "  ctx.session.n = (ctx.session.n or 0) + 1\n"
            "  ctx:reply('n=' .. ctx.session.n)\n"
            "end } }\n");
  h.start();
  h.say("/inc");
  h.say("/inc");
  h.say("/inc", 2002);
  EXPECT_EQ(h.sent(), (std::vector<std::string>{"n=1", "n=2"}));
  EXPECT_EQ(h.sent(2002), std::vector<std::string>{"n=1"});
  EXPECT_EQ(h.session[kUser].at("m").at("n"), 2);
}

TEST(LuaModule, ReturningFalsePassesTheUpdateOn) {
  Harness h("m", "", "return { on_update = function(ctx) return ctx.text == 'mine' end }\n");
  h.start();
  EXPECT_EQ(h.say("other"), Handled::kContinue);
  EXPECT_EQ(h.say("mine"), Handled::kStop);
}

TEST(LuaModule, ASyntaxErrorStopsTheStartWithItsPlace) {
  Harness h("m", "", "return { on_update = function(ctx) end\n");
  try {
    h.start();
    FAIL() << "start() accepted broken code";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("main.lua:2: '}' expected"));
    EXPECT_THAT(e.what(), HasSubstr("fix the module's code"));
  }
}

TEST(LuaModule, AFailureIsLoggedWithItsTracebackCountedAndReportedToAdmins) {
  Harness h("m", "bad,ping",
            "local function deep() error('the quiz has no questions') end\n"
            "return { commands = { bad = function(ctx) deep() end,\n"
            "  ping = function(ctx) ctx:reply('pong') end } }\n");
  h.start();
  h.say("/bad");
  EXPECT_THAT(h.last_error(), HasSubstr("main.lua:1: the quiz has no questions"));
  EXPECT_THAT(h.last_error(), HasSubstr("in upvalue 'deep'"));
  EXPECT_EQ(h.module->failures_total(), 1);
  ASSERT_EQ(h.sent(kAdmin).size(), 1u);
  EXPECT_THAT(h.sent(kAdmin)[0], HasSubstr("Module m failed (1 of 5"));
  EXPECT_THAT(h.sent(kAdmin)[0], HasSubstr("the quiz has no questions"));
  h.say("/ping");
  EXPECT_EQ(h.sent().back(), "pong");
  EXPECT_EQ(h.module->failures_in_a_row(), 0) << "a success resets the run of failures";
}

TEST(LuaModule, RepeatedFailuresSwitchTheModuleOffAndTellTheAdmins) {
  Harness h("m", "bad", "return { commands = { bad = function(ctx) error('boom') end } }\n");
  h.start();
  for (int i = 0; i < 5; ++i) h.say("/bad");
  EXPECT_TRUE(h.module->switched_off());
  ASSERT_EQ(h.sent(kAdmin).size(), 5u);
  EXPECT_THAT(h.sent(kAdmin).back(), HasSubstr("was switched off after 5 failures in a row"));
  EXPECT_EQ(h.say("/bad"), Handled::kContinue) << "a switched-off module sees nothing";
  EXPECT_EQ(h.module->failures_total(), 5);
}

TEST(LuaModule, HotReloadSwapsTheCodeBetweenEvents) {
  Harness h("m", "v", "return { commands = { v = function(ctx) ctx:reply('v1') end } }\n");
  h.start();
  h.say("/v");
  EXPECT_FALSE(h.module->check_for_changes()) << "nothing changed";
  write_file(h.dir / "main.lua",
             "return { commands = { v = function(ctx) ctx:reply('v2') end } }\n");
  EXPECT_TRUE(h.module->check_for_changes());
  h.say("/v");
  EXPECT_EQ(h.sent(), (std::vector<std::string>{"v1", "v2"}));
}

TEST(LuaModule, AVersionThatFailsToLoadKeepsTheOldOneRunning) {
  Harness h("m", "v", "return { commands = { v = function(ctx) ctx:reply('v1') end } }\n");
  h.start();
  write_file(h.dir / "main.lua", "return { commands = { v = function(ctx) ctx:reply( end } }\n");
  EXPECT_FALSE(h.module->check_for_changes());
  EXPECT_THAT(h.last_error(), HasSubstr("the new version did not load"));
  ASSERT_EQ(h.sent(kAdmin).size(), 1u);
  EXPECT_THAT(h.sent(kAdmin)[0], HasSubstr("the old one keeps running"));
  h.say("/v");
  EXPECT_EQ(h.sent(), std::vector<std::string>{"v1"});
  // An endless loop in the main file is a failed load too.
  write_file(h.dir / "main.lua", "while true do end");
  EXPECT_FALSE(h.module->check_for_changes());
  h.say("/v");
  EXPECT_EQ(h.sent().back(), "v1");
}

TEST(LuaModule, AnEventInFlightFinishesOnTheVersionItStartedOn) {
  Harness h("m", "v",
            "return { commands = { v = function(ctx)\n"
            "  local n = store.count('x', {})\n"
            "  ctx:reply('old ' .. n)\n"
            "end } }\n");
  h.start();
  auto ctx = h.make("/v");
  h.module->on_update(*ctx);  // waits for the store
  write_file(h.dir / "main.lua",
             "return { commands = { v = function(ctx) ctx:reply('new') end } }\n");
  EXPECT_TRUE(h.module->check_for_changes());
  ASSERT_TRUE(h.services.run_store_until([&] { return !h.sent().empty(); }));
  EXPECT_EQ(h.sent().back(), "old 0");
  ctx.reset();
  h.say("/v");
  EXPECT_EQ(h.sent().back(), "new");
}

TEST(LuaModule, ANewVersionSwitchesAnOffModuleOnAgain) {
  Harness h("m", "v", "return { commands = { v = function(ctx) error('boom') end } }\n");
  h.start();
  for (int i = 0; i < 5; ++i) h.say("/v");
  ASSERT_TRUE(h.module->switched_off());
  write_file(h.dir / "main.lua",
             "return { commands = { v = function(ctx) ctx:reply('fixed') end } }\n");
  EXPECT_TRUE(h.module->check_for_changes());
  EXPECT_FALSE(h.module->switched_off());
  h.say("/v");
  EXPECT_EQ(h.sent().back(), "fixed");
}

TEST(LuaModule, ManifestErrorsNameTheFileAndTheFix) {
  TempDir tmp;
  write_file(tmp.path / "module.toml", "name = \"Bad Name\"\nversion = \"1\"\napi_version = 2\n");
  try {
    LuaModule m(tmp.path, {});
    FAIL();
  } catch (const ManifestError& e) {
    EXPECT_THAT(e.what(), HasSubstr("module.toml:1:"));
    EXPECT_THAT(e.what(), HasSubstr("lowercase letters"));
  }
  write_file(tmp.path / "module.toml",
             "name = \"m\"\nversion = \"1\"\napi_version = 2\npermissions = [\"files\"]\n");
  EXPECT_THROW(LuaModule(tmp.path, {}), ManifestError);
}

TEST(LuaModule, DiscoverFindsTheModuleFolders) {
  TempDir tmp;
  write_file(tmp.path / "b" / "module.toml", manifest("beta", "b"));
  write_file(tmp.path / "a" / "module.toml", manifest("alpha", "a"));
  write_file(tmp.path / "notes.txt", "not a module");
  auto found = discover({tmp.path.string()}, {});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].name, "alpha");
  EXPECT_EQ(found[1].name, "beta");
  EXPECT_THROW(discover({(tmp.path / "missing").string()}, {}), ManifestError);
}

}  // namespace
}  // namespace corebot::script::testing
