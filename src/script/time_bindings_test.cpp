// What a Lua module has besides updates: timers.*, jobs.* (run through handlers.jobs), on_start,
// admin panel entries from module.toml, bot.notify_admins, ctx.role; and its failures counted with
// the engine's module errors (ModuleServices::report_error). All on the fake clock: nothing sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lua_module.hpp"
#include "test_support.hpp"

namespace corebot::script::testing {
namespace {

using ::testing::HasSubstr;

const std::string kWithJobs = "permissions = [\"store\", \"send\", \"jobs\"]\n";

TEST(LuaTimers, AfterRunsOnceWhenTheClockGetsThere) {
  Harness h("m", "later",
            "return { commands = { later = function(ctx)\n"
            "  local chat = ctx.chat_id\n"
            "  timers.after(30, function()\n"
            "    bot.send('sendMessage', {chat_id = chat, text = 'thirty seconds on'})\n"
            "  end)\n"
            "  ctx:reply('wait')\n"
            "end } }\n");
  h.start();
  h.say("/later");
  EXPECT_EQ(h.sent(), std::vector<std::string>{"wait"});
  h.services.advance(std::chrono::seconds(29));
  EXPECT_EQ(h.sent().size(), 1u);
  h.services.advance(std::chrono::seconds(1));
  EXPECT_EQ(h.sent().back(), "thirty seconds on");
  h.services.advance(std::chrono::minutes(5));
  EXPECT_EQ(h.sent().size(), 2u) << "once";
}

TEST(LuaTimers, EveryRepeatsUntilCancelledAndMayUseTheStore) {
  Harness h("m", "stop",
            "local id\n"
            "return {\n"
            "  on_start = function()\n"
            "    id = timers.every(60, function()\n"
            "      store.update('ticks', {_id = 'n'}, {['$inc'] = {n = 1}}, {upsert = true})\n"
            "    end)\n"
            "  end,\n"
            "  commands = { stop = function(ctx)\n"
            "    ctx:reply(tostring(timers.cancel(id)) .. ' ' .. tostring(timers.cancel(id)))\n"
            "  end } }\n");
  h.start();
  for (int i = 0; i < 3; ++i) {
    h.services.advance(std::chrono::seconds(60));
    ASSERT_TRUE(h.services.run_store_until([&] {
      return h.services.collection("ticks").count({{"n", i + 1}}) == 1;
    }));
  }
  h.say("/stop");
  EXPECT_EQ(h.sent().back(), "true false");
  h.services.advance(std::chrono::minutes(10));
  EXPECT_EQ(h.services.fake_timers().active(), 0u);
  EXPECT_EQ(h.services.collection("ticks").count({{"n", 3}}), 1);
}

TEST(LuaTimers, ArgumentsAndTheCapAreChecked) {
  Harness h("m", "fast,many",
            "return { commands = {\n"
            "  fast = function(ctx) timers.every(0.5, function() end) end,\n"
            "  many = function(ctx)\n"
            "    for i = 1, 101 do timers.after(10, function() end) end\n"
            "  end } }\n");
  h.start();
  h.say("/fast");
  EXPECT_THAT(h.last_error(), HasSubstr("timers.every: 0.5 seconds is out of range"));
  h.say("/many");
  EXPECT_THAT(h.last_error(), HasSubstr("the module has 100 timers already"));
  EXPECT_EQ(h.services.fake_timers().active(), 100u);
}

TEST(LuaTimers, AReloadCancelsTheOldVersionsTimersAndRunsTheNewOnStart) {
  Harness h("m", "x",
            "return { on_start = function()\n"
            "  timers.every(60, function() log.info('old tick') end)\n"
            "end, commands = { x = function(ctx) end } }\n");
  h.start();
  EXPECT_EQ(h.services.fake_timers().active(), 1u);
  write_file(h.dir / "main.lua",
             "return { on_start = function()\n"
             "  timers.every(60, function() log.info('new tick') end)\n"
             "end, commands = { x = function(ctx) end } }\n");
  ASSERT_TRUE(h.module->check_for_changes());
  EXPECT_EQ(h.services.fake_timers().active(), 1u);
  h.services.advance(std::chrono::seconds(60));
  int old_ticks = 0, new_ticks = 0;
  for (const auto& [level, line] : h.services.logs) {
    old_ticks += line == "old tick";
    new_ticks += line == "new tick";
  }
  EXPECT_EQ(old_ticks, 0);
  EXPECT_EQ(new_ticks, 1);
}

const char* kReminders =
    "return {\n"
    "  commands = {\n"
    "    remind = function(ctx)\n"
    "      jobs.schedule('r:' .. ctx.user_id, 'reminder', {after = 3600},\n"
    "                    {chat = ctx.chat_id, text = ctx.args})\n"
    "      ctx:reply('stored')\n"
    "    end,\n"
    "    forget = function(ctx) jobs.cancel('r:' .. ctx.user_id) ctx:reply('forgotten') end,\n"
    "  },\n"
    "  jobs = {\n"
    "    reminder = function(job)\n"
    "      bot.send('sendMessage', {chat_id = job.payload.chat,\n"
    "        text = job.payload.text .. ' (' .. job.id .. ', ' .. tostring(job.repeating) ..\n"
    "               ', ' .. job.due .. ')'}, 'notification')\n"
    "    end,\n"
    "  },\n"
    "}\n";

TEST(LuaJobs, AScheduledJobIsStoredAndRunsItsKindsHandler) {
  Harness h("m", "remind,forget", kReminders, Harness::small_options(), kWithJobs);
  h.start();
  EXPECT_EQ(h.services.fake_jobs().handlers.count("reminder"), 1u);
  h.say("/remind call mum");
  EXPECT_EQ(h.sent().back(), "stored") << "jobs.schedule waited for the store";
  const auto& scheduled = h.services.fake_jobs().scheduled;
  ASSERT_EQ(scheduled.count("r:1001"), 1u);
  const auto& job = scheduled.at("r:1001");
  EXPECT_EQ(job.kind, "reminder");
  EXPECT_EQ(job.when.at, h.services.clock().wall() + std::chrono::hours(1));
  EXPECT_FALSE(job.when.interval);
  const auto due =
      std::chrono::duration_cast<std::chrono::milliseconds>(job.when.at.time_since_epoch()).count();
  h.services.advance(std::chrono::hours(1));
  ASSERT_EQ(h.sent().size(), 2u);
  EXPECT_EQ(h.sent().back(), "call mum (r:1001, false, " + std::to_string(due) + ")");
  EXPECT_EQ(h.services.recorded.calls.back().priority, Priority::kNotification);
}

TEST(LuaJobs, CancelRemovesTheJob) {
  Harness h("m", "remind,forget", kReminders, Harness::small_options(), kWithJobs);
  h.start();
  h.say("/remind x");
  h.say("/forget");
  EXPECT_EQ(h.sent().back(), "forgotten");
  EXPECT_TRUE(h.services.fake_jobs().scheduled.empty());
  EXPECT_EQ(h.services.fake_jobs().cancelled, std::vector<std::string>{"r:1001"});
}

TEST(LuaJobs, OnStartSchedulesARepeatingJob) {
  Harness h("m", "x",
            "return {\n"
            "  on_start = function() jobs.schedule('digest', 'digest', {every = 86400}) end,\n"
            "  commands = { x = function(ctx) end },\n"
            "  jobs = { digest = function(job)\n"
            "    store.insert('runs', {repeating = job.repeating})\n"
            "  end } }\n",
            Harness::small_options(), kWithJobs);
  h.start();
  const auto& job = h.services.fake_jobs().scheduled.at("digest");
  ASSERT_TRUE(job.when.interval);
  EXPECT_EQ(*job.when.interval, std::chrono::hours(24));
  h.services.advance(std::chrono::hours(24));
  ASSERT_TRUE(h.services.run_store_until([&] {
    return h.services.collection("runs").count({{"repeating", true}}) == 1;
  }));
}

TEST(LuaJobs, RefusalsSayWhatAndHow) {
  Harness h("m", "often,bad",
            "return { commands = {\n"
            "  often = function(ctx) jobs.schedule('a', 'k', {every = 5}) end,\n"
            "  bad = function(ctx) jobs.schedule('a', 'k', {soon = 1}) end } }\n",
            Harness::small_options(), kWithJobs);
  h.start();
  h.say("/often");
  EXPECT_THAT(h.last_error(), HasSubstr("when.every must be at least 60 seconds"));
  h.say("/bad");
  EXPECT_THAT(h.last_error(), HasSubstr("unknown when.soon"));

  Harness no("n", "go", "return { commands = { go = function(ctx) jobs.cancel('a') end } }\n");
  no.start();
  no.say("/go");
  EXPECT_THAT(no.last_error(), HasSubstr("jobs.cancel needs the permission \"jobs\""));

  Harness load("l", "go", "jobs.cancel('a')\nreturn { commands = {} }\n", Harness::small_options(),
               kWithJobs);
  EXPECT_THROW(load.start(), std::runtime_error) << "not while the module loads";
}

TEST(LuaJobs, AFailingJobIsCountedAndReportedLikeAFailingHandler) {
  Harness h("m", "x",
            "return { commands = { x = function(ctx) end },\n"
            "  jobs = { boom = function(job) error('no slot ' .. job.payload.slot) end } }\n",
            Harness::small_options(), kWithJobs);
  h.start();
  h.services.fake_jobs().scheduled["j"] = {"boom", JobSchedule::once_at(h.services.clock().wall()),
                                           boost::json::object{{"slot", 7}}};
  h.services.advance(std::chrono::seconds(1));
  ASSERT_EQ(h.services.reported_errors.size(), 1u);
  EXPECT_THAT(h.services.reported_errors[0], HasSubstr("no slot 7"));
  ASSERT_EQ(h.sent(kAdmin).size(), 1u);
  EXPECT_THAT(h.sent(kAdmin)[0], HasSubstr("Module m failed"));
}

TEST(LuaJobs, AJobOfAKindTheNewVersionDropsIsReported) {
  Harness h("m", "x",
            "return { commands = { x = function(ctx) end },\n"
            "  jobs = { old = function(job) end } }\n",
            Harness::small_options(), kWithJobs);
  h.start();
  write_file(h.dir / "main.lua", "return { commands = { x = function(ctx) end } }\n");
  ASSERT_TRUE(h.module->check_for_changes());
  h.services.fake_jobs().scheduled["j"] = {
      "old", JobSchedule::once_at(h.services.clock().wall()), {}};
  h.services.advance(std::chrono::seconds(1));
  ASSERT_EQ(h.services.reported_errors.size(), 1u);
  EXPECT_THAT(h.services.reported_errors[0], HasSubstr("no handler for its kind 'old'"));
}

TEST(LuaModuleErrors, EveryFailureIsCountedWithTheEnginesModuleErrors) {
  Harness h("m", "bad,loop,ok",
            "return { commands = {\n"
            "  bad = function(ctx) error('broken') end,\n"
            "  loop = function(ctx) pcall(function() while true do end end) end,\n"
            "  ok = function(ctx) ctx:reply('fine') end } }\n");
  h.start();
  h.say("/bad");
  h.say("/ok");
  h.say("/loop");
  ASSERT_EQ(h.services.reported_errors.size(), 2u);
  EXPECT_THAT(h.services.reported_errors[0], HasSubstr("broken"));
  EXPECT_THAT(h.services.reported_errors[0], HasSubstr("stack traceback"));
  EXPECT_THAT(h.services.reported_errors[1], HasSubstr("instructions"));
  EXPECT_EQ(h.sent(kAdmin).size(), 2u) << "and each reported to the admins";
}

TEST(LuaAdminMenu, EntriesComeFromModuleToml) {
  Harness h("m", "x", "return { commands = {} }\n", Harness::small_options(),
            "permissions = []\n"
            "[[admin_menu]]\n"
            "title = \"Bookings\"\n"
            "callback_data = \"m:admin\"\n"
            "titles = { ru = \"Записи\" }\n"
            "[[admin_menu]]\n"
            "title = \"Owner only\"\n"
            "callback_data = \"m:owner\"\n"
            "role = \"owner\"\n");
  const ModuleInfo info = h.module->info();
  ASSERT_EQ(info.admin_menu.size(), 2u);
  EXPECT_EQ(info.admin_menu[0].title, "Bookings");
  EXPECT_EQ(info.admin_menu[0].callback_data, "m:admin");
  EXPECT_EQ(info.admin_menu[0].role, Role::kAdmin);
  EXPECT_EQ(info.admin_menu[0].titles.at("ru"), "Записи");
  EXPECT_EQ(info.admin_menu[1].role, Role::kOwner);
}

TEST(LuaAdminMenu, AnEntryOutsideTheCallbackPrefixIsRefused) {
  TempDir tmp;
  write_file(tmp.path / "module.toml", manifest("m", "x",
                                                "[[admin_menu]]\n"
                                                "title = \"T\"\n"
                                                "callback_data = \"other:x\"\n"));
  try {
    read_manifest(tmp.path);
    FAIL() << "accepted";
  } catch (const ManifestError& e) {
    EXPECT_THAT(e.what(), HasSubstr("must start with 'm:'"));
  }
  write_file(tmp.path / "module.toml", manifest("m", "x",
                                                "[[admin_menu]]\n"
                                                "title = \"T\"\n"
                                                "callback_data = \"m:x\"\n"
                                                "role = \"boss\"\n"));
  EXPECT_THROW(read_manifest(tmp.path), ManifestError);
}

TEST(LuaAdminMenu, NotifyAdminsWritesToEachAdminAtAdminPriority) {
  Harness h("m", "tell",
            "return { commands = { tell = function(ctx)\n"
            "  ctx:reply('told ' .. bot.notify_admins('new booking'))\n"
            "end } }\n");
  h.start();
  h.say("/tell");
  EXPECT_EQ(h.sent().back(), "told 1");
  ASSERT_EQ(h.sent(kAdmin), std::vector<std::string>{"new booking"});
  for (const auto& c : h.services.recorded.calls) {
    if (c.params.at("chat_id").to_number<std::int64_t>() == kAdmin) {
      EXPECT_EQ(c.priority, Priority::kAdmin);
    }
  }
}

TEST(LuaContext, RoleIsTheSendersRole) {
  Harness h("m", "who", "return { commands = { who = function(ctx) ctx:reply(ctx.role) end } }\n");
  h.start();
  auto ctx = h.make("/who");
  ctx->set_role(Role::kOperator);
  h.module->on_update(*ctx);
  EXPECT_EQ(h.sent().back(), "operator");
}

}  // namespace
}  // namespace corebot::script::testing
