// The fakes behave as the contracts in include/corebot/ say, so module tests built on them mean
// something.
#include "tests/fakes/fake_services.hpp"

#include <gtest/gtest.h>

namespace corebot::testing {
namespace {
using std::chrono::seconds;

TEST(FakeServices, TimersRunWhenTheClockReachesThem) {
  FakeServices services("t");
  std::vector<std::string> ran;
  services.timers().after(seconds(5), [&] { ran.push_back("once"); });
  const auto every = services.timers().every(seconds(2), [&] { ran.push_back("every"); });
  services.advance(seconds(1));
  EXPECT_TRUE(ran.empty());
  services.advance(seconds(1));
  EXPECT_EQ(ran, std::vector<std::string>{"every"});
  services.advance(seconds(3));  // t=5: both due, the repeating one first (due at 4)
  EXPECT_EQ(ran, (std::vector<std::string>{"every", "every", "once"}));
  services.timers().cancel(every);
  services.advance(seconds(10));
  EXPECT_EQ(ran.size(), 3u);
  EXPECT_EQ(services.fake_timers().active(), 0u);
}

TEST(FakeServices, AOneOffJobIsClaimedBeforeItsHandlerRuns) {
  FakeServices services("t");
  auto& jobs = services.fake_jobs();
  bool present_while_running = true;
  services.jobs().handle("ping", [&](const JobRun& run) {
    present_while_running = jobs.scheduled.count(run.id) > 0;
    EXPECT_EQ(run.payload.at("n").as_int64(), 7);
  });
  services.jobs().schedule("a", "ping", JobSchedule::after(services.clock(), seconds(60)),
                           {{"n", 7}});
  services.advance(seconds(59));
  EXPECT_EQ(jobs.scheduled.size(), 1u);
  services.advance(seconds(1));
  EXPECT_TRUE(jobs.scheduled.empty());
  EXPECT_FALSE(present_while_running);
  EXPECT_FALSE(jobs.fire("a")) << "it ran once";
}

TEST(FakeServices, FailingJobsChangeNothing) {
  FakeServices services("t");
  services.fake_jobs().fail_with = "store is down";
  std::string error;
  services.jobs().schedule("a", "k", JobSchedule::after(services.clock(), seconds(1)), {},
                           [&](const std::string& e) { error = e; });
  EXPECT_EQ(error, "store is down");
  EXPECT_TRUE(services.fake_jobs().scheduled.empty());
}

TEST(FakeServices, SettingsFromJsonOverDeclaredDefaults) {
  FakeServices services("t");
  ModuleInfo info;
  info.name = "t";
  info.settings = {{"limit", ColumnType::kInteger, {}, "5", "", false},
                   {"name", ColumnType::kText, {}, "", "", false}};
  services.declare(info);
  EXPECT_EQ(services.settings().get("limit"), "5");
  EXPECT_EQ(services.settings().get("name"), std::nullopt);
  services.fake_settings().values = {{"limit", 2}, {"name", "Ann"}};
  EXPECT_EQ(services.settings().get("limit"), "2");
  EXPECT_EQ(services.settings().get_or("name", "?"), "Ann");
  EXPECT_EQ(services.modules().at(0).name, "t");
}

TEST(FakeServices, StoreResultsArriveThroughTheQueue) {
  FakeServices services("shop");
  std::optional<std::int64_t> count;
  services.store().run(
      [](ModuleCollections& c) {
        c.collection("orders").insert_one({{"n", 1}});
        return c.collection("orders").count({});
      },
      [&](StoreResult<std::int64_t> r) { count = r.value(); });
  ASSERT_TRUE(services.run_store_until([&] { return count.has_value(); }));
  EXPECT_EQ(*count, 1);
  EXPECT_EQ(services.collection("orders").count({}), 1) << "named shop.orders";
  EXPECT_EQ(services.store().full_name("orders"), "shop.orders");
}

TEST(FakeServices, UsersByUsernameTakeTheMostRecentHolder) {
  FakeServices services("t");
  services.fake_users().records[1] = {.id = 1, .username = "Ann", .last_seen_ms = 10};
  services.fake_users().records[2] = {.id = 2, .username = "ann", .last_seen_ms = 20};
  std::optional<UserRecord> found;
  services.users().find_by_username("@ANN", [&](auto user, const std::string&) { found = user; });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, 2);
  services.users().add_tag(2, "vip");
  EXPECT_EQ(services.fake_users().records[2].tags, std::vector<std::string>{"vip"});
}

TEST(FakeServices, ReloadsWaitForTheTest) {
  FakeServices services("t");
  std::string got;
  services.reload_content([&](const ReloadReport& r) { got = r.message; });
  EXPECT_TRUE(got.empty());
  services.finish_reload({true, "done"});
  EXPECT_EQ(got, "done");
  EXPECT_TRUE(services.reloads.empty());
}

}  // namespace
}  // namespace corebot::testing
