#include "reminders_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace reminders {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using corebot::Context;
using corebot::Handled;

constexpr std::int64_t kAdmin = 1009;
constexpr std::int64_t kAnn = 1001;

struct RemindersFixture : ::testing::Test {
  RemindersFixture() {
    registry.add(std::make_unique<RemindersModule>());
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", "user\n1009\n"}}, registry);
    services.declare(module.info());
    services.set_content(content);
  }
  void start() {
    module.start(services);
    ASSERT_TRUE(services.run_store_until([&] { return module.pending_count().has_value(); }));
  }
  std::shared_ptr<Context> make(json::object body, const char* kind, const std::string& lang) {
    json::object update{{"update_id", ++update_id}, {kind, std::move(body)}};
    auto ctx = std::make_shared<Context>(std::move(update), services.recorded);
    ctx->attach(content, nullptr);
    ctx->load_session({{"lang", lang}});
    return ctx;
  }
  // Sends a message and runs the store until the module answered (or the deadline passed).
  std::string say(std::int64_t user, std::string text, std::string lang = "en") {
    const std::size_t before = messages().size();
    auto ctx = make(
        {{"message_id", 1}, {"chat", {{"id", user}}}, {"from", {{"id", user}}}, {"text", text}},
        "message", lang);
    EXPECT_EQ(module.on_update(*ctx), Handled::kStop);
    ctx.reset();
    EXPECT_TRUE(services.run_store_until([&] { return messages().size() > before; })) << text;
    return messages().size() > before ? messages().back() : "";
  }
  void press(std::int64_t user, std::string data) {
    auto ctx = make({{"id", "q"},
                     {"from", {{"id", user}}},
                     {"data", data},
                     {"message", {{"message_id", 10}, {"chat", {{"id", user}}}, {"text", "x"}}}},
                    "callback_query", "en");
    EXPECT_EQ(module.on_update(*ctx), Handled::kStop);
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& c : services.recorded.calls) {
      if (c.method == "sendMessage") out.emplace_back(c.params.at("text").as_string());
    }
    return out;
  }
  const corebot::testing::RecordedCall* last(std::string_view method) const {
    for (auto it = services.recorded.calls.rbegin(); it != services.recorded.calls.rend(); ++it) {
      if (it->method == method) return &*it;
    }
    return nullptr;
  }
  std::int64_t stored() { return services.collection(RemindersModule::kItems).count({}); }

  int update_id = 0;
  corebot::ModuleRegistry registry;
  std::shared_ptr<const corebot::content::ContentSnapshot> content;
  corebot::testing::FakeServices services{"reminders"};
  RemindersModule module;
};

TEST_F(RemindersFixture, AReminderIsStoredScheduledAndSentWhenDue) {
  start();
  EXPECT_EQ(say(kAnn, "/remind 10m Buy milk"), "OK, I will remind you in 10m: Buy milk");
  EXPECT_EQ(stored(), 1);
  auto& jobs = services.fake_jobs().scheduled;
  ASSERT_EQ(jobs.size(), 1u);
  const auto& [job_id, job] = *jobs.begin();
  EXPECT_EQ(job.kind, "reminder");
  EXPECT_EQ(job.when.at, services.clock().wall() + 10min);
  EXPECT_FALSE(job.when.interval);
  EXPECT_EQ(job_id, "reminder:" + std::string(job.payload.at("id").as_string()));

  services.advance(9min);
  EXPECT_EQ(messages().size(), 1u);
  services.advance(1min);
  ASSERT_TRUE(services.run_store_until([&] { return messages().size() == 2; }));
  EXPECT_EQ(messages().back(), "⏰ Reminder: Buy milk");
  EXPECT_EQ(last("sendMessage")->priority, corebot::Priority::kNotification);
  EXPECT_EQ(last("sendMessage")->params.at("chat_id").as_int64(), kAnn);
  EXPECT_EQ(stored(), 0) << "a sent reminder is gone";
}

TEST_F(RemindersFixture, AReminderIsSentInTheLanguageItWasSetIn) {
  start();
  EXPECT_EQ(say(kAnn, "/remind 30s Позвонить маме", "ru"),
            "Хорошо, напомню через 30s: Позвонить маме");
  services.advance(30s);
  ASSERT_TRUE(services.run_store_until([&] { return messages().size() == 2; }));
  EXPECT_EQ(messages().back(), "⏰ Напоминание: Позвонить маме");
}

TEST_F(RemindersFixture, WrongInputGetsAnExplanationAndStoresNothing) {
  start();
  const std::string usage =
      "Write it as /remind 10m Buy milk: a number and s, m, h or d, then the text.";
  EXPECT_EQ(say(kAnn, "/remind"), usage);
  EXPECT_EQ(say(kAnn, "/remind tomorrow milk"), usage);
  EXPECT_EQ(say(kAnn, "/remind 10m"), usage);
  EXPECT_EQ(say(kAnn, "/remind 0s milk"), "A reminder needs a delay of at least 1s.");
  EXPECT_EQ(say(kAnn, "/remind 400d milk"), "I can remind you at most 365 days ahead.");
  EXPECT_EQ(say(kAnn, "/remind 1m " + std::string(1001, 'x')),
            "A reminder can be at most 1000 characters long.");
  EXPECT_EQ(say(kAnn, "/remind 10 молоко", "ru"),
            "Напишите так: /remind 10m Купить молоко — число и s, m, h или d, затем текст.");
  EXPECT_EQ(stored(), 0);
  EXPECT_TRUE(services.fake_jobs().scheduled.empty());
}

TEST_F(RemindersFixture, MaxPerUserFromTheSettings) {
  services.fake_settings().values = {{"max_per_user", 2}};
  start();
  say(kAnn, "/remind 1m a");
  say(kAnn, "/remind 2m b");
  EXPECT_EQ(say(kAnn, "/remind 3m c"),
            "You already have as many reminders as I keep for one person (2). Send /reminders "
            "and /forget one first.");
  EXPECT_EQ(stored(), 2);
  EXPECT_EQ(services.fake_jobs().scheduled.size(), 2u);
  EXPECT_EQ(say(kAdmin, "/remind 3m someone else's"),
            "OK, I will remind you in 3m: someone else's");
}

TEST_F(RemindersFixture, ListAndForget) {
  start();
  EXPECT_EQ(say(kAnn, "/reminders"), "You have no reminders. Set one: /remind 10m Buy milk");
  say(kAnn, "/remind 10m Buy milk");
  say(kAnn, "/remind 5m Call Ann");
  say(kAdmin, "/remind 1m not Ann's");
  services.advance(2s);
  EXPECT_EQ(say(kAnn, "/reminders"),
            "Your reminders:\n1. in 4m 58s: Call Ann\n2. in 9m 58s: Buy milk\n"
            "/forget and a number cancels one: /forget 1");
  auto jobs_before = services.fake_jobs().scheduled;
  EXPECT_EQ(say(kAnn, "/forget 1"), "Forgotten: Call Ann");
  EXPECT_EQ(services.fake_jobs().cancelled.size(), 1u);
  EXPECT_EQ(services.fake_jobs().scheduled.size(), 2u);
  EXPECT_EQ(stored(), 2);
  EXPECT_EQ(say(kAnn, "/forget 2"), "You have no reminder number 2. /reminders lists them.");
  EXPECT_EQ(say(kAnn, "/forget"), "Write /forget and the number from /reminders, e.g. /forget 2");

  // The forgotten reminder's job fires anyway (it had started): it finds nothing to send.
  const std::string forgotten = services.fake_jobs().cancelled.at(0);
  services.fake_jobs().scheduled[forgotten] = jobs_before.at(forgotten);
  const std::size_t sent = services.recorded.calls.size();
  ASSERT_TRUE(services.fake_jobs().fire(forgotten));
  say(kAnn, "/reminders");  // a store round trip after the job's: the job's result came first
  EXPECT_EQ(services.recorded.calls.size(), sent + 1);
  EXPECT_EQ(messages().back().find("1. in 9m 58s: Buy milk"),
            std::string("Your reminders:\n").size());
}

TEST_F(RemindersFixture, TheTimerRecountsPendingRemindersAndTheExportShowsIt) {
  services.fake_settings().values = {{"stats_interval_s", 30}};
  start();
  EXPECT_EQ(module.pending_count(), 0);
  say(kAnn, "/remind 10m Buy milk, bread");
  say(kAdmin, "/remind 1h =SUM(A1)");
  EXPECT_EQ(module.pending_count(), 0) << "cached until the next recount";
  services.advance(30s);
  ASSERT_TRUE(services.run_store_until([&] { return module.pending_count() == 2; }));

  press(kAdmin, RemindersModule::kExportData);
  ASSERT_TRUE(services.run_store_until([&] { return last("sendDocument") != nullptr; }));
  const auto* doc = last("sendDocument");
  EXPECT_EQ(doc->priority, corebot::Priority::kAdmin);
  EXPECT_EQ(doc->params.at("chat_id").as_int64(), kAdmin);
  EXPECT_EQ(doc->params.at("caption").as_string(), "Pending reminders: 2.");
  ASSERT_EQ(doc->files.size(), 1u);
  EXPECT_EQ(doc->files[0].field, "document");
  EXPECT_EQ(doc->files[0].filename, "reminders.csv");
  EXPECT_EQ(doc->files[0].data,
            "due_utc,user_id,chat_id,text\r\n"
            "2026-01-01T00:10:00Z,1001,1001,\"Buy milk, bread\"\r\n"
            "2026-01-01T01:00:00Z,1009,1009,'=SUM(A1)\r\n");
}

TEST_F(RemindersFixture, OnlyAdminsExport) {
  start();
  press(kAnn, RemindersModule::kExportData);
  say(kAnn, "/reminders");  // a store round trip: an export would have been queued before it
  EXPECT_EQ(last("sendDocument"), nullptr);
  ASSERT_NE(last("answerCallbackQuery"), nullptr);
  EXPECT_FALSE(last("answerCallbackQuery")->params.contains("text"));
}

TEST_F(RemindersFixture, AFailedExportIsExplained) {
  start();
  press(kAdmin, RemindersModule::kExportData);
  ASSERT_TRUE(services.run_store_until([&] { return last("sendDocument") != nullptr; }));
  corebot::CallResult failed;
  failed.error_code = 400;
  failed.description = "Bad Request: file is too big";
  last("sendDocument")->done(failed);
  EXPECT_EQ(messages().back(), "Could not send the file: Bad Request: file is too big");
}

TEST_F(RemindersFixture, AJobThatCannotBeScheduledLeavesNoReminder) {
  start();
  services.fake_jobs().fail_with = "store unavailable";
  EXPECT_EQ(say(kAnn, "/remind 10m Buy milk"),
            "Something went wrong on my side. Please try again.");
  ASSERT_TRUE(services.run_store_until([&] { return stored() == 0; }));
}

TEST_F(RemindersFixture, DeclaresItsSettingsCommandsAndAdminEntry) {
  const auto info = module.info();
  ASSERT_EQ(info.settings.size(), 2u);
  EXPECT_EQ(info.settings[0].key, "max_per_user");
  EXPECT_EQ(info.settings[0].default_value, "5");
  EXPECT_EQ(info.settings[1].key, "stats_interval_s");
  EXPECT_EQ(info.settings[1].default_value, "60");
  ASSERT_EQ(info.admin_menu.size(), 1u);
  EXPECT_EQ(info.admin_menu[0].callback_data, "reminders:export");
  start();
  EXPECT_EQ(services.fake_timers().active(), 1u);
  EXPECT_EQ(services.fake_jobs().handlers.count("reminder"), 1u);
}

TEST_F(RemindersFixture, ABadSettingStopsTheStartWithTheFix) {
  services.fake_settings().values = {{"stats_interval_s", 0}};
  try {
    module.start(services);
    FAIL() << "start accepted stats_interval_s = 0";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("stats_interval_s must be a whole number of at least 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(RemindersFactory, MakesTheModuleByName) {
  const auto f = reminders_factory();
  EXPECT_EQ(f.name, "reminders");
  EXPECT_EQ(f.make()->info().name, "reminders");
}

}  // namespace
}  // namespace reminders
