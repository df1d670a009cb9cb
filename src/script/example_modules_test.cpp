// The example Lua modules of modules/ (booking, notify) on FakeServices: the real module folders,
// the fake clock and jobs, so presses that race and reminders that fall due are exact. The
// end-to-end tests (tests/integration/test_lua_booking.py, test_lua_notify.py) run them in the
// engine against the sandbox.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lua_module.hpp"
#include "test_support.hpp"

namespace corebot::script::testing {
namespace {

using ::testing::HasSubstr;

const fs::path kModules = fs::path(COREBOT_SOURCE_DIR) / "modules";

// One example module on FakeServices with content made of `sheets` (Admins lists kAdmin).
struct Example {
  Example(const std::string& name,
          std::initializer_list<std::pair<const char*, const char*>> sheets)
      : services(name) {
    Options options = Harness::small_options();
    registry.add(std::make_unique<LuaModule>(kModules / name, options));
    module = std::make_unique<LuaModule>(kModules / name, options);
    content = corebot::testing::make_content(sheets, registry);
    services.declare(module->info());
    services.set_content(content);
    module->start(services);
  }

  std::shared_ptr<Context> message(std::int64_t user, const std::string& text) {
    boost::json::object update{
        {"update_id", ++update_id},
        {"message",
         {{"message_id", 1},
          {"chat", {{"id", user}}},
          {"from", {{"id", user}, {"first_name", "U" + std::to_string(user)}}},
          {"text", text}}}};
    return attach(std::move(update), user);
  }
  std::shared_ptr<Context> press(std::int64_t user, const std::string& data) {
    boost::json::object update{
        {"update_id", ++update_id},
        {"callback_query",
         {{"id", "q" + std::to_string(update_id)},
          {"from", {{"id", user}, {"first_name", "U" + std::to_string(user)}}},
          {"message", {{"message_id", 5}, {"chat", {{"id", user}}}}},
          {"data", data}}}};
    return attach(std::move(update), user);
  }
  std::shared_ptr<Context> attach(boost::json::object update, std::int64_t user) {
    auto ctx = std::make_shared<Context>(std::move(update), services.recorded);
    ctx->attach(content, nullptr);
    if (user == kAdmin) ctx->set_role(Role::kAdmin);
    return ctx;
  }
  // Runs `ctxs` to their ends (they were all started before any store answer came back).
  void finish(std::initializer_list<const std::shared_ptr<Context>*> ctxs) {
    ASSERT_TRUE(services.run_store_until([&] {
      // Held by the caller; a second holder is the handler still running, or a send of it the
      // outbox has not reported (played here: every send succeeds).
      services.recorded.deliver_all();
      for (const auto* c : ctxs) {
        if (c->use_count() > 1) return false;
      }
      return true;
    })) << logs();
  }
  void run(const std::shared_ptr<Context>& ctx) {
    module->on_update(*ctx);
    finish({&ctx});
  }
  std::string logs() const {
    std::string out;
    for (const auto& [level, line] : services.logs) out += line + "\n";
    return out;
  }
  std::vector<std::string> sent(std::int64_t chat) const {
    std::vector<std::string> out;
    for (const auto& c : services.recorded.calls) {
      if (c.method == "sendMessage" && c.params.at("chat_id").to_number<std::int64_t>() == chat) {
        out.emplace_back(c.params.at("text").as_string());
      }
    }
    return out;
  }
  // The callback data of the inline buttons of the last message to `chat`.
  std::vector<std::string> buttons(std::int64_t chat) const {
    std::vector<std::string> out;
    for (auto it = services.recorded.calls.rbegin(); it != services.recorded.calls.rend(); ++it) {
      if (it->method != "sendMessage" ||
          it->params.at("chat_id").to_number<std::int64_t>() != chat) {
        continue;
      }
      if (const auto* markup = it->params.if_contains("reply_markup")) {
        for (const auto& row : markup->at("inline_keyboard").as_array()) {
          for (const auto& b : row.as_array()) {
            out.emplace_back(b.at("callback_data").as_string());
          }
        }
      }
      break;
    }
    return out;
  }

  ModuleRegistry registry;
  std::shared_ptr<const Content> content;
  corebot::testing::FakeServices services;
  std::unique_ptr<LuaModule> module;
  std::int64_t update_id = 0;
};

// The fake clock starts at 2026-01-01 00:00 UTC.
const char* kSlots =
    "id,time,title\ns1,2026-01-01 10:00,Haircut\ns2,2026-01-01 11:30,Haircut\n"
    "old,2025-12-31 09:00,Gone\n";
const char* kAdmins = "user\n1009\n";

TEST(BookingExample, BookShowsTheFreeUpcomingSlots) {
  Example e("booking", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Slots", kSlots}});
  e.run(e.message(kUser, "/book"));
  EXPECT_EQ(e.sent(kUser).back(), "📅 Choose a time:");
  EXPECT_EQ(e.buttons(kUser), (std::vector<std::string>{"booking:take:s1", "booking:take:s2"}));
}

TEST(BookingExample, TwoPressesOfOneSlotAtOnceBookItOnce) {
  Example e("booking", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Slots", kSlots}});
  // Both handlers start before the store answered either: they race in the store.
  auto ann = e.press(1001, "booking:take:s1");
  auto bob = e.press(1002, "booking:take:s1");
  e.module->on_update(*ann);
  e.module->on_update(*bob);
  e.finish({&ann, &bob});
  EXPECT_EQ(e.sent(1001), std::vector<std::string>{
                              "✅ Booked: Haircut, 2026-01-01 10:00. I will remind you 60 minutes "
                              "before."});
  EXPECT_EQ(e.sent(1002), std::vector<std::string>{
                              "Sorry, someone has just taken that time. Please choose another."});
  EXPECT_EQ(e.services.collection("slots").count({{"taken", true}}), 1);
  EXPECT_EQ(e.services.collection("slots").count({{"user", 1001}}), 1);
  ASSERT_EQ(e.services.fake_jobs().scheduled.size(), 1u);
  EXPECT_EQ(e.sent(kAdmin),
            std::vector<std::string>{"📅 New booking: Haircut, 2026-01-01 10:00 — U1001"});
  // The taken slot is no longer offered.
  e.run(e.message(1003, "/book"));
  EXPECT_EQ(e.buttons(1003), std::vector<std::string>{"booking:take:s2"});
}

TEST(BookingExample, TheReminderJobFiresBeforeTheSlot) {
  Example e("booking", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Slots", kSlots}});
  e.run(e.press(1001, "booking:take:s1"));
  const auto& job = e.services.fake_jobs().scheduled.at("remind:s1");
  EXPECT_EQ(job.kind, "reminder");
  EXPECT_EQ(job.when.at, WallTime(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}) +
                             std::chrono::hours(9));
  e.services.advance(std::chrono::hours(9) - std::chrono::seconds(1));
  EXPECT_EQ(e.sent(1001).size(), 1u);
  e.services.advance(std::chrono::seconds(1));
  ASSERT_TRUE(e.services.run_store_until([&] { return e.sent(1001).size() == 2; }));
  EXPECT_EQ(e.sent(1001).back(), "⏰ Reminder: Haircut, 2026-01-01 10:00.");
  EXPECT_EQ(e.services.recorded.calls.back().priority, Priority::kNotification);
}

TEST(BookingExample, CancellingFreesTheSlotAndDropsTheReminder) {
  Example e("booking", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Slots", kSlots}});
  e.run(e.press(1001, "booking:take:s2"));
  e.run(e.message(1001, "/mybookings"));
  ASSERT_EQ(e.buttons(1001), std::vector<std::string>{"booking:cancel:s2"});
  e.run(e.press(1002, "booking:cancel:s2"));  // not Bob's to cancel
  EXPECT_EQ(e.services.collection("slots").count({{"taken", true}}), 1);
  e.run(e.press(1001, "booking:cancel:s2"));
  EXPECT_EQ(e.sent(1001).back(), "Cancelled: Haircut, 2026-01-01 11:30.");
  EXPECT_EQ(e.services.collection("slots").count({{"taken", true}}), 0);
  EXPECT_TRUE(e.services.fake_jobs().scheduled.empty());
  EXPECT_EQ(e.sent(kAdmin).back(), "📅 Cancelled: Haircut, 2026-01-01 11:30 — U1001");
  e.run(e.press(1002, "booking:take:s2"));
  EXPECT_THAT(e.sent(1002).back(), HasSubstr("Booked"));
}

TEST(BookingExample, ThePanelEntryListsBookingsToAdminsOnly) {
  Example e("booking", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Slots", kSlots}});
  ASSERT_EQ(e.module->info().admin_menu.size(), 1u);
  EXPECT_EQ(e.module->info().admin_menu[0].callback_data, "booking:admin");
  e.run(e.press(1001, "booking:take:s1"));
  e.run(e.press(1001, "booking:admin"));
  EXPECT_EQ(e.sent(1001).size(), 1u) << "a forged press shows nothing";
  e.run(e.press(kAdmin, "booking:admin"));
  EXPECT_EQ(e.sent(kAdmin).back(), "📅 Upcoming bookings:\nHaircut, 2026-01-01 10:00 — U1001");
}

TEST(BookingExample, ABadSlotsSheetIsRefusedWithItsCell) {
  ModuleRegistry registry;
  registry.add(std::make_unique<LuaModule>(kModules / "booking", Harness::small_options()));
  content::Workbook wb;
  wb.source = "test";
  for (const auto& [name, csv] :
       {std::pair<const char*, const char*>{"Pages", "id,text\nstart,Hi\n"},
        {"Slots", "id,time\ns1,2026-01-01 10:00\ns2,tomorrow at ten\n"}}) {
    auto r = content::read_workbook_bytes(csv, content::Format::kCsv, std::string(name) + ".csv");
    ASSERT_TRUE(r.ok());
    wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  EXPECT_FALSE(compiled.snapshot);
  EXPECT_THAT(compiled.report.to_string(), HasSubstr("Slots!B3"));
  EXPECT_THAT(compiled.report.to_string(), HasSubstr("YYYY-MM-DD HH:MM"));
}

const char* kTopics = "id,title\nnews,News\nsales,Sales\n";

TEST(NotifyExample, APressSubscribesAndAnotherUnsubscribes) {
  Example e("notify", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Topics", kTopics}});
  e.run(e.message(kUser, "/topics"));
  EXPECT_EQ(e.buttons(kUser),
            (std::vector<std::string>{"notify:toggle:news", "notify:toggle:sales"}));
  e.run(e.press(kUser, "notify:toggle:news"));
  EXPECT_EQ(e.services.collection("subs").count({{"topic", "news"}, {"user", kUser}}), 1);
  const auto& edit = e.services.recorded.calls.back();
  EXPECT_EQ(edit.method, "editMessageText");
  EXPECT_EQ(edit.params.at("reply_markup").at("inline_keyboard").at(0).at(0).at("text"), "✅ News");
  e.run(e.press(kUser, "notify:toggle:news"));
  EXPECT_EQ(e.services.collection("subs").count({}), 0);
  e.run(e.press(kUser, "notify:toggle:nope"));
  EXPECT_EQ(e.services.collection("subs").count({}), 0);
}

TEST(NotifyExample, AnAdminsNoticeIsMailedInBatchesByAPersistentJob) {
  Example e("notify", {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Topics", kTopics}});
  for (std::int64_t user = 2001; user <= 2020; ++user) {
    e.run(e.press(user, "notify:toggle:news"));
  }
  e.run(e.press(3001, "notify:toggle:sales"));
  e.run(e.message(kUser, "/notify news Hello"));
  EXPECT_EQ(e.sent(kUser).back(), "For admins only.");
  EXPECT_TRUE(e.services.fake_jobs().scheduled.empty());

  e.run(e.message(kAdmin, "/notify news Doors open at 9"));
  EXPECT_EQ(e.sent(kAdmin).back(), "Mailing 20 subscribers of News.");
  ASSERT_EQ(e.services.fake_jobs().scheduled.size(), 1u);
  const std::string job = e.services.fake_jobs().scheduled.begin()->first;
  EXPECT_EQ(job.rfind("mail:", 0), 0u);
  auto mailed = [&] {
    int n = 0;
    for (std::int64_t user = 2001; user <= 2020; ++user) {
      n += static_cast<int>(e.sent(user).size());
    }
    return n;
  };
  e.services.advance(std::chrono::seconds(0));
  ASSERT_TRUE(e.services.run_store_until([&] { return mailed() == 15; }));
  ASSERT_TRUE(e.services.run_store_until([&] {
    return e.services.fake_jobs().scheduled.count(job) == 1;
  })) << "the next batch is scheduled";
  e.services.advance(std::chrono::seconds(1));
  ASSERT_TRUE(e.services.run_store_until([&] { return e.sent(kAdmin).size() == 2; }));
  EXPECT_EQ(mailed(), 20);
  EXPECT_EQ(e.sent(2007), std::vector<std::string>{"🔔 News: Doors open at 9"});
  EXPECT_TRUE(e.sent(3001).empty()) << "another topic's subscriber";
  EXPECT_EQ(e.sent(kAdmin).back(), "🔔 The notice on News went to 20 subscribers.");
  for (const auto& c : e.services.recorded.calls) {
    if (c.method == "sendMessage" && c.params.at("chat_id").to_number<std::int64_t>() > 2000 &&
        c.params.at("chat_id").to_number<std::int64_t>() <= 2020) {
      EXPECT_EQ(c.priority, Priority::kNotification);
    }
  }
  EXPECT_TRUE(e.services.fake_jobs().scheduled.empty());
  EXPECT_EQ(e.services.collection("notices").count({{"done", true}, {"sent", 20}}), 1);
}

}  // namespace
}  // namespace corebot::script::testing
