// The panel's user figures, counted on a real SQLite store.
#include "app/users_statistics.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

namespace corebot::app {
namespace {

constexpr std::int64_t kNow = 20'000 * kDayMs + 12 * 3'600'000;  // noon UTC on day 20000

struct UsersStatisticsTest : ::testing::Test {
  UsersStatisticsTest() {
    path = std::filesystem::temp_directory_path() /
           ("corebot_userstats_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path);
    store = open_store("sqlite://" + path.string());
    auto& users = store->collection("users");
    // first seen / last seen, in days before now.
    auto add = [&](std::int64_t id, const char* name, const char* lang, double first, double last,
                   bool blocked = false) {
      users.insert_one({{"_id", id},
                        {"first_name", name},
                        {"username", std::string(name) + "_u"},
                        {"username_lc", std::string(name) + "_u"},
                        {"language_code", lang},
                        {"first_seen", kNow - static_cast<std::int64_t>(first * kDayMs)},
                        {"last_seen", kNow - static_cast<std::int64_t>(last * kDayMs)},
                        {"blocked", blocked}});
    };
    add(1, "ann", "ru", 0.1, 0.1);
    add(2, "bob", "en", 3, 0.2);
    add(3, "cid", "ru", 20, 10, true);
    add(4, "dan", "RU", 100, 60);
    auto& activity = store->collection(kActivityCollection);
    for (std::int64_t user : {1, 2}) {
      activity.insert_one(
          {{"_id", "20000:" + std::to_string(user)}, {"day", 20000}, {"user", user}});
    }
    activity.insert_one({{"_id", "19990:3"}, {"day", 19990}, {"user", 3}});
    // Today's documents as the tracker writes them now, overlapping the older ones and each
    // other (a restart): users 1, 2 and 4 were active today.
    activity.insert_one({{"day", 20000}, {"users", {2, 4}}});
    activity.insert_one({{"day", 20000}, {"users", {4, 1}}});
    store->collection(kDailyUpdatesCollection).insert_one({{"_id", 20000}, {"updates", 17}});
  }
  ~UsersStatisticsTest() override {
    store.reset();
    std::filesystem::remove(path);
  }
  std::filesystem::path path;
  std::unique_ptr<DocumentStore> store;
};

TEST_F(UsersStatisticsTest, CountsUsersActivityAndLanguages) {
  const Users::Statistics s = count_statistics(*store, kNow);
  EXPECT_EQ(s.total, 4);
  EXPECT_EQ(s.new_24h, 1);
  EXPECT_EQ(s.new_7d, 2);
  EXPECT_EQ(s.new_30d, 3);
  EXPECT_EQ(s.active_24h, 2);
  EXPECT_EQ(s.active_7d, 2);
  EXPECT_EQ(s.active_30d, 3);
  EXPECT_EQ(s.blocked, 1);
  EXPECT_EQ(s.updates_today, 17);
  ASSERT_EQ(s.by_language.size(), 2u);
  EXPECT_EQ(s.by_language[0], (std::pair<std::string, std::int64_t>{"ru", 3}));
  ASSERT_EQ(s.days.size(), 30u);
  EXPECT_EQ(s.days.back().start_ms, 20000 * kDayMs);
  EXPECT_EQ(s.days.back().active_users, 3) << "the union of the day's documents";
  EXPECT_EQ(s.days.back().new_users, 1);
  EXPECT_EQ(s.days[29 - 10].active_users, 1);
  EXPECT_EQ(s.days[29 - 3].new_users, 1);
}

TEST_F(UsersStatisticsTest, SearchesByIdUsernameAndPartOfAName) {
  ASSERT_EQ(search_users(*store, "3", 10).size(), 1u);
  EXPECT_EQ(search_users(*store, "3", 10)[0].first_name, "cid");
  EXPECT_EQ(search_users(*store, "@BOB_u", 10).at(0).id, 2);
  const auto found = search_users(*store, " AN ", 10);  // ann, dan
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id, 1) << "most recently seen first";
  EXPECT_EQ(search_users(*store, "an", 1).size(), 1u);
  EXPECT_TRUE(search_users(*store, "zzz", 10).empty());
  EXPECT_TRUE(search_users(*store, "", 10).empty());
}

}  // namespace
}  // namespace corebot::app
