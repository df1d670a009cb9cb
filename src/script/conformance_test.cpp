// The sandbox's conformance tests: one per restriction (docs/modules.md, "The sandbox"), each
// asserting that the module is refused, why, and that the engine goes on (the next update is
// handled: /ping answers "pong").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace corebot::script::testing {
namespace {

using ::testing::HasSubstr;

// A module whose /bad runs `body` and whose /ping answers "pong".
std::string module_with(const std::string& body) {
  return "return { commands = {\n"
         "  bad = function(ctx)\n" +
         body +
         "\n  end,\n"
         "  ping = function(ctx) ctx:reply('pong') end,\n"
         "} }\n";
}

// Runs /bad, expects it refused with `reason` in the logged error and nothing sent by it, then
// /ping answered.
void expect_refused(Harness& h, const std::string& reason) {
  h.say("/bad");
  ASSERT_FALSE(h.errors().empty()) << "the handler was not refused";
  EXPECT_THAT(h.last_error(), HasSubstr(reason));
  EXPECT_THAT(h.last_error(), HasSubstr("stack traceback"));
  for (const auto& text : h.sent()) EXPECT_NE(text, "escaped") << "code after the refusal ran";
  EXPECT_EQ(h.module->failures_total(), 1);
  const auto before = h.sent().size();
  h.say("/ping");
  ASSERT_EQ(h.sent().size(), before + 1);
  EXPECT_EQ(h.sent().back(), "pong");
}

TEST(LuaConformance, ReadingAFileIsRefused) {
  Harness h("m", "bad,ping", module_with("local f = io.open('/etc/passwd')\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "the global 'io' is not defined");
}

TEST(LuaConformance, DofileAndLoadfileAreRefused) {
  Harness h("m", "bad,ping", module_with("dofile('/etc/passwd')\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "the global 'dofile' is not defined");
}

TEST(LuaConformance, RunningAProcessIsRefused) {
  Harness h("m", "bad,ping", module_with("os.execute('id')\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "the global 'os' is not defined");
}

TEST(LuaConformance, RequireOutsideTheFolderIsRefused) {
  Harness h("m", "bad,ping", module_with("require('../../etc/passwd')\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "a module name is letters, digits and '_'");
}

TEST(LuaConformance, LoadingBytecodeIsRefused) {
  Harness h("m", "bad,ping", module_with("load('\\27Lua\\84\\0')\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "bytecode is refused");
}

TEST(LuaConformance, LoadingInBinaryModeIsRefused) {
  Harness h("m", "bad,ping", module_with("load('return 1', 'x', 'b')\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "bytecode is refused");
}

TEST(LuaConformance, StringDumpIsAbsent) {
  Harness h("m", "bad,ping",
            module_with("local b = string.dump(function() end)\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "field 'dump'");
}

TEST(LuaConformance, ReachingDebugIsRefused) {
  Harness h("m", "bad,ping", module_with("debug.sethook()\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "the global 'debug' is not defined");
}

TEST(LuaConformance, AnEndlessLoopIsStopped) {
  Harness h("m", "bad,ping", module_with("while true do end"));
  h.start();
  expect_refused(h, "instructions (an endless loop?)");
}

TEST(LuaConformance, AnEndlessLoopInsidePcallIsStopped) {
  Harness h("m", "bad,ping",
            module_with("local ok = pcall(function() while true do end end)\n"
                        "ctx:reply('escaped')"));
  h.start();
  expect_refused(h, "instructions (an endless loop?)");
}

TEST(LuaConformance, AnEndlessLoopInXpcallsHandlerIsStopped) {
  Harness h("m", "bad,ping",
            module_with("xpcall(function() while true do end end,\n"
                        "       function() while true do end end)\n"
                        "ctx:reply('escaped')"));
  h.start();
  expect_refused(h, "instructions (an endless loop?)");
}

TEST(LuaConformance, AStringRepMemoryBombIsStopped) {
  Harness h("m", "bad,ping",
            module_with("local ok = pcall(string.rep, 'x', 1 << 30)\nctx:reply('escaped')"));
  h.start();
  expect_refused(h, "memory cap of 8192 KiB");
  EXPECT_LT(h.module->memory_used(), 4u << 20) << "the bomb's memory was given back";
}

TEST(LuaConformance, ATableGrowthMemoryBombIsStopped) {
  Options o = Harness::small_options();
  o.limits.instructions = 1'000'000'000;  // memory, not the budget, stops it
  Harness h("m", "bad,ping",
            module_with("local t = {}\nlocal ok = pcall(function()\n"
                        "  for i = 1, 1e9 do t[i] = {i} end end)\nctx:reply('escaped')"),
            o);
  h.start();
  expect_refused(h, "memory cap of 8192 KiB");
}

TEST(LuaConformance, DeepRecursionIsStopped) {
  Options o = Harness::small_options();
  o.limits.memory_bytes = 256u << 20;  // the stack limit, not memory, stops it
  o.limits.instructions = 1'000'000'000;
  Harness h("m", "bad,ping",
            module_with("local function f(n) return 1 + f(n + 1) end\nf(1)\n"
                        "ctx:reply('escaped')"),
            o);
  h.start();
  expect_refused(h, "stack overflow");
}

TEST(LuaConformance, AGlobalOfAnotherModuleIsNotVisible) {
  Harness a("a", "ping",
            "secret = 42\nreturn { commands = { ping = function(ctx) "
            "ctx:reply(tostring(secret)) end } }\n");
  a.start();
  a.say("/ping");
  ASSERT_EQ(a.sent(), std::vector<std::string>{"42"});
  Harness b("b", "bad,ping", module_with("ctx:reply(tostring(secret))\nctx:reply('escaped')"));
  b.start();
  expect_refused(b, "the global 'secret' is not defined in module b");
}

TEST(LuaConformance, AContextKeptAfterItsHandlerIsRefused) {
  Harness h("m", "keep,bad,ping",
            "return { commands = {\n"
            "  keep = function(ctx) kept = ctx end,\n"
            "  bad = function(ctx) kept:reply('escaped') end,\n"
            "  ping = function(ctx) ctx:reply('pong') end } }\n");
  h.start();
  h.say("/keep");
  ASSERT_TRUE(h.errors().empty()) << h.last_error();
  expect_refused(h, "this ctx belongs to an event that was already handled");
}

TEST(LuaConformance, ReadingAKeptContextsFieldsIsRefused) {
  Harness h("m", "keep,bad,ping",
            "return { commands = {\n"
            "  keep = function(ctx) kept = ctx end,\n"
            "  bad = function(ctx) ctx:reply(kept.text) end,\n"
            "  ping = function(ctx) ctx:reply('pong') end } }\n");
  h.start();
  h.say("/keep");
  expect_refused(h, "this ctx belongs to an event that was already handled");
}

TEST(LuaConformance, FloodingSendsIsStopped) {
  Harness h("m", "bad,ping",
            module_with("for i = 1, 1000 do pcall(ctx.reply, ctx, 'flood') end\n"
                        "ctx:reply('escaped')"));
  h.start();
  expect_refused(h, "more than 20 sends in one handler");
  int flood = 0;
  for (const auto& t : h.sent()) flood += t == "flood" ? 1 : 0;
  EXPECT_EQ(flood, 20);
}

TEST(LuaConformance, FloodingTheStoreIsStopped) {
  Harness h("m", "bad,ping",
            module_with("for i = 1, 1000 do pcall(store.count, 'c', {}) end\n"
                        "ctx:reply('escaped')"));
  h.start();
  expect_refused(h, "more than 20 store calls in one handler");
}

TEST(LuaConformance, AFinalizerIsRefused) {
  Harness h("m", "bad,ping",
            module_with("setmetatable({}, {__gc = function() while true do end end})\n"
                        "ctx:reply('escaped')"));
  h.start();
  expect_refused(h, "__gc is not available");
}

TEST(LuaConformance, StoreNeedsItsPermission) {
  Harness h("m", "bad,ping", module_with("store.count('c', {})\nctx:reply('escaped')"),
            Harness::small_options(), "permissions = []\n");
  h.start();
  expect_refused(h, "needs the permission \"store\"");
}

}  // namespace
}  // namespace corebot::script::testing
