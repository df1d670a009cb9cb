// The sandbox on its own: what the state offers, require inside the module's files, the
// deadline on an injected clock, and the memory cap.
#include "sandbox.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <lua.hpp>

namespace corebot::script {
namespace {

using ::testing::HasSubstr;

using Files = std::map<std::string, std::string>;

struct Fixture {
  explicit Fixture(
      std::map<std::string, std::string> files, Limits limits = {},
      Sandbox::Now now = [] { return std::chrono::steady_clock::time_point{}; })
      : sandbox("t", limits, std::move(files), std::move(now),
                [this](const std::string& line) { printed.push_back(line); }) {}
  // Runs main.lua; returns its error or its result as a string.
  std::string run() {
    int ref = LUA_NOREF;
    std::string error = sandbox.run_file("main.lua", &ref);
    if (!error.empty()) return "error: " + error;
    lua_rawgeti(sandbox.state(), LUA_REGISTRYINDEX, ref);
    std::string out = lua_tostring(sandbox.state(), -1) ? lua_tostring(sandbox.state(), -1) : "";
    lua_pop(sandbox.state(), 1);
    return out;
  }
  std::vector<std::string> printed;
  Sandbox sandbox;
};

TEST(LuaSandbox, OffersOnlyTheSafeLibraries) {
  Fixture f(Files{{"main.lua",
                   "local out = {}\n"
                   "for _, name in ipairs({'io', 'os', 'package', 'debug', 'dofile', 'loadfile',\n"
                   "    'coroutine', 'warn'}) do\n"
                   "  out[#out + 1] = name .. '=' .. tostring(rawget(_G, name))\n"
                   "end\n"
                   "out[#out + 1] = 'dump=' .. tostring(string.dump)\n"
                   "out[#out + 1] = 'floor=' .. math.floor(2.5) .. ' len=' .. utf8.len('añb')\n"
                   "return table.concat(out, ' ')\n"}});
  EXPECT_EQ(f.run(),
            "io=nil os=nil package=nil debug=nil dofile=nil loadfile=nil coroutine=nil "
            "warn=nil dump=nil floor=2 len=3");
}

TEST(LuaSandbox, RequireReadsOnlyTheModulesFilesOnce) {
  Fixture f(Files{{"main.lua",
                   "local a = require('lib.util')\nlocal b = require('lib.util')\n"
                   "return tostring(a == b) .. ' ' .. a.twice(21)"},
                  {"lib/util.lua",
                   "loads = (rawget(_G, 'loads') or 0) + 1\n"
                   "return { twice = function(x) return x * 2 end }"}});
  EXPECT_EQ(f.run(), "true 42");
  Fixture missing(Files{{"main.lua", "return require('nope')"}});
  EXPECT_THAT(missing.run(), HasSubstr("the module's folder has no nope.lua"));
}

TEST(LuaSandbox, LoadCompilesTextInTheModulesGlobals) {
  Fixture f(Files{{"main.lua", "x = 20\nreturn load('return x + 1')()"}});
  EXPECT_EQ(f.run(), "21");
}

TEST(LuaSandbox, PrintGoesToTheLog) {
  Fixture f(Files{{"main.lua", "print('hello', 42)\nreturn 'ok'"}});
  EXPECT_EQ(f.run(), "ok");
  EXPECT_EQ(f.printed, std::vector<std::string>{"hello\t42"});
}

TEST(LuaSandbox, TheDeadlineStopsALoopThatPcallCannotCatch) {
  Limits limits;
  limits.instructions = 1'000'000'000'000;  // the clock, not the budget, stops it
  limits.deadline = std::chrono::milliseconds(50);
  // Every look at the clock moves it one millisecond: deterministic, no sleeping.
  auto t = std::make_shared<std::chrono::steady_clock::time_point>();
  Fixture f(Files{{"main.lua", "pcall(function() while true do end end)\nreturn 'escaped'"}},
            limits, [t] { return *t += std::chrono::milliseconds(1); });
  EXPECT_THAT(f.run(), HasSubstr("ran longer than 50 ms without waiting"));
  EXPECT_EQ(f.sandbox.aborted(), Abort::kDeadline);
}

TEST(LuaSandbox, TheMemoryCapHoldsAtLoad) {
  Limits limits;
  limits.memory_bytes = 2u << 20;
  Fixture f(Files{{"main.lua", "local t = {}\nfor i = 1, 1e7 do t[i] = i end\nreturn 'escaped'"}},
            limits);
  EXPECT_THAT(f.run(), HasSubstr("not enough memory"));
  EXPECT_EQ(f.sandbox.aborted(), Abort::kMemory);
  EXPECT_LE(f.sandbox.memory_used(), limits.memory_bytes);
}

TEST(LuaSandbox, UndefinedGlobalsAreErrors) {
  Fixture f(Files{{"main.lua", "return undefined_thing"}});
  EXPECT_THAT(f.run(), HasSubstr("the global 'undefined_thing' is not defined in module t"));
}

}  // namespace
}  // namespace corebot::script
