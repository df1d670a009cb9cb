#include "app/user_tracker.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include <filesystem>

#include "app/users_statistics.hpp"
#include "core/manual_executor.hpp"
#include "tests/fakes/inbox.hpp"
#include "tests/fakes/recording_sender.hpp"

namespace corebot::app {
namespace {
namespace json = boost::json;

struct UserTrackerTest : ::testing::Test {
  UserTrackerTest() {
    dir = std::filesystem::temp_directory_path() /
          ("corebot_users_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db_path = (dir / "bot.db").string();
    store =
        std::shared_ptr<DocumentStore>(open_store("sqlite://" + db_path + "?busy_timeout_ms=0"));
    async = std::make_unique<AsyncStore>(
        store, [this](std::function<void()> fn) { inbox.post(std::move(fn)); });
  }
  ~UserTrackerTest() override {
    async.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  Context update(std::int64_t user, std::string first_name, std::int64_t chat = 0) {
    json::object u{{"update_id", 1},
                   {"message", json::object{{"chat", json::object{{"id", chat ? chat : user}}},
                                            {"from", json::object{{"id", user},
                                                                  {"first_name", first_name},
                                                                  {"language_code", "en"}}},
                                            {"text", "hi"}}}};
    return Context(std::move(u), sender);
  }
  std::int64_t daily_updates(std::int64_t day) {
    auto doc = store->collection(kDailyUpdatesCollection).find_one({{"_id", day}});
    return doc ? doc->at("updates").as_int64() : 0;
  }
  // Makes every insert into the activity series fail (refuse = true) or work again.
  void refuse_activity(bool refuse) {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &other), SQLITE_OK);
    const char* sql = refuse
                          ? "CREATE TABLE IF NOT EXISTS \"c_user_activity\" (id TEXT PRIMARY KEY "
                            "NOT NULL, doc TEXT NOT NULL); CREATE TRIGGER refuse BEFORE INSERT "
                            "ON \"c_user_activity\" BEGIN SELECT RAISE(FAIL, 'refused'); END;"
                          : "DROP TRIGGER refuse;";
    EXPECT_EQ(sqlite3_exec(other, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
  }
  // A batch of `user` whose users' write commits and whose activity write fails.
  void fail_the_activity_write_of(UserTracker& tracker, std::int64_t user) {
    refuse_activity(true);
    tracker.observe(update(user, "Ann"));
    tracker.flush();
    inbox.run_one();
    EXPECT_EQ(tracker.stats().failures, 1u);
    refuse_activity(false);
  }
  json::object user_doc(std::int64_t id) {
    auto doc = store->collection("users").find_one({{"_id", id}});
    EXPECT_TRUE(doc.has_value());
    return doc.value_or(json::object{});
  }

  std::filesystem::path dir;
  std::string db_path;
  testing::Inbox inbox;
  std::shared_ptr<DocumentStore> store;
  std::unique_ptr<AsyncStore> async;
  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  testing::RecordingSender sender;
};

TEST_F(UserTrackerTest, CoalescesUpdatesIntoOneBatchPerInterval) {
  UserTracker tracker(*async, executor, clock);
  tracker.observe(update(1, "Ann"));
  tracker.observe(update(1, "Anna"));
  tracker.observe(update(2, "Bob"));
  tracker.observe(update(1, "Anna"));
  EXPECT_EQ(tracker.pending(), 2u);
  EXPECT_EQ(store->collection("users").count({}), 0) << "nothing is written before the interval";

  executor.advance(std::chrono::milliseconds(500));
  inbox.run_one();
  EXPECT_EQ(tracker.stats().batches, 1u);
  EXPECT_EQ(tracker.stats().written, 2u);
  json::object ann = user_doc(1);
  EXPECT_EQ(ann.at("first_name").as_string(), "Anna");
  EXPECT_EQ(ann.at("updates").as_int64(), 3);
  EXPECT_EQ(ann.at("blocked").as_bool(), false);
  EXPECT_EQ(ann.at("language_code").as_string(), "en");
  auto first_seen = ann.at("first_seen").as_int64();

  clock.advance(std::chrono::seconds(10));
  tracker.set_blocked(1, true);
  tracker.observe(update(2, "Bob", -100));  // in a group: says nothing about blocking
  bool flushed = false;
  tracker.flush([&] { flushed = true; });
  inbox.run_one();
  EXPECT_TRUE(flushed);
  ann = user_doc(1);
  EXPECT_EQ(ann.at("blocked").as_bool(), true);
  EXPECT_EQ(ann.at("first_seen").as_int64(), first_seen) << "first_seen is set once";
  EXPECT_EQ(user_doc(2).at("updates").as_int64(), 2);
}

TEST_F(UserTrackerTest, KeepsTheUsernameInLowerCaseForAdminsListedByUsername) {
  UserTracker tracker(*async, executor, clock);
  json::object u{
      {"update_id", 1},
      {"message",
       json::object{
           {"chat", json::object{{"id", 3}}},
           {"from", json::object{{"id", 3}, {"first_name", "Anna"}, {"username", "Anna_Photo"}}},
           {"text", "hi"}}}};
  tracker.observe(Context(std::move(u), sender));
  tracker.flush();
  inbox.run_one();
  const json::object anna = user_doc(3);
  EXPECT_EQ(anna.at("username").as_string(), "Anna_Photo");
  EXPECT_EQ(anna.at("username_lc").as_string(), "anna_photo");
}

TEST_F(UserTrackerTest, AFullBatchIsWrittenAtOnce) {
  UserTracker tracker(*async, executor, clock, {.max_batch = 2});
  tracker.observe(update(1, "A"));
  tracker.observe(update(2, "B"));
  inbox.run_one();  // no clock advance needed
  EXPECT_EQ(store->collection("users").count({}), 2);
}

TEST_F(UserTrackerTest, AFailedBatchIsKeptAndRetriedWithoutLosingNewerChanges) {
  UserTracker tracker(*async, executor, clock);
  // Another connection holds the write lock: the batch fails with "database is locked".
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  tracker.observe(update(7, "Old"));
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(tracker.stats().failures, 1u);
  EXPECT_EQ(tracker.pending(), 1u);
  tracker.observe(update(7, "New"));
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  executor.advance(std::chrono::milliseconds(500));
  inbox.run_one();
  json::object doc = user_doc(7);
  EXPECT_EQ(doc.at("first_name").as_string(), "New");
  EXPECT_EQ(doc.at("updates").as_int64(), 2) << "the failed batch's count is kept";
  // The statistics too: the user counted active once, the day's updates counted once each.
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  EXPECT_EQ(count_active_users(store->collection(kActivityCollection), day), 1);
  EXPECT_EQ(daily_updates(day), 2);
}

TEST_F(UserTrackerTest, AFailureAfterTheUsersAreWrittenDoesNotCountTheirUpdatesTwice) {
  UserTracker tracker(*async, executor, clock);
  // The activity series refuses every insert; the users' own write commits before it.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "CREATE TABLE \"c_user_activity\" (id TEXT PRIMARY KEY NOT NULL, doc TEXT "
                         "NOT NULL); CREATE TRIGGER refuse BEFORE INSERT ON \"c_user_activity\" "
                         "BEGIN SELECT RAISE(FAIL, 'refused'); END;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  tracker.observe(update(7, "Ann"));
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(tracker.stats().failures, 1u);
  EXPECT_EQ(tracker.pending(), 0u) << "the users' write committed: nothing to retry";
  tracker.observe(update(7, "Ann"));
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(user_doc(7).at("updates").as_int64(), 2);
}

// The users were written, their activity document was not: it goes with the next batch, and the
// day's update count (never attempted) with it.
TEST_F(UserTrackerTest, AnActivityWriteThatFailedIsWrittenWithTheNextBatch) {
  UserTracker tracker(*async, executor, clock);
  fail_the_activity_write_of(tracker, 1);
  tracker.observe(update(2, "Bob"));
  tracker.flush();
  inbox.run_one();
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  EXPECT_EQ(count_active_users(store->collection(kActivityCollection), day), 2);
  EXPECT_EQ(daily_updates(day), 2);
  EXPECT_EQ(user_doc(1).at("updates").as_int64(), 1) << "the users' write is not repeated";
}

// Nothing new arrives after the failure: the retry still happens, on the flush interval.
TEST_F(UserTrackerTest, WhatAFailedBatchLeftIsRetriedWithoutNewUpdates) {
  UserTracker tracker(*async, executor, clock);
  fail_the_activity_write_of(tracker, 1);
  executor.advance(std::chrono::milliseconds(500));
  inbox.run_one();
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  EXPECT_EQ(count_active_users(store->collection(kActivityCollection), day), 1);
  EXPECT_EQ(daily_updates(day), 1);
  bool flushed = false;
  tracker.flush([&] { flushed = true; });
  EXPECT_TRUE(flushed) << "nothing left to write";
}

TEST_F(UserTrackerTest, UpdatesWithoutASenderAreIgnored) {
  UserTracker tracker(*async, executor, clock);
  Context ctx(json::object{{"update_id", 1}, {"poll", json::object{{"id", "x"}}}}, sender);
  tracker.observe(ctx);
  EXPECT_EQ(tracker.pending(), 0u);
  bool flushed = false;
  tracker.flush([&] { flushed = true; });
  EXPECT_TRUE(flushed) << "nothing to write: done at once";
}

// The statistics' series: each batch's users active for the first time today in one activity
// document, the day's update count.
TEST_F(UserTrackerTest, RecordsEachUsersActiveDaysAndTheDaysUpdates) {
  UserTracker tracker(*async, executor, clock);
  tracker.observe(update(1, "Ann"));
  tracker.observe(update(1, "Ann"));
  tracker.observe(update(2, "Bob"));
  tracker.flush();
  inbox.run_one();
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  Collection& activity = store->collection(kActivityCollection);
  EXPECT_EQ(count_active_users(activity, day), 2);
  EXPECT_EQ(activity.count({}), 1) << "one document for the batch, not one per user";
  auto daily = store->collection(kDailyUpdatesCollection).find_one({{"_id", day}});
  ASSERT_TRUE(daily.has_value());
  EXPECT_EQ(daily->at("updates").as_int64(), 3);

  tracker.observe(update(1, "Ann"));  // the same day: no second activity document
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(activity.count({}), 1);
  EXPECT_EQ(count_active_users(activity, day), 2);
  EXPECT_EQ(
      store->collection(kDailyUpdatesCollection).find_one({{"_id", day}})->at("updates").as_int64(),
      4);

  clock.advance(std::chrono::hours(24));  // the next day
  tracker.observe(update(1, "Ann"));
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(count_active_users(activity, day + 1), 1);
}

// A restart forgets who was written today: the user lands in a second document of the same day,
// and is still one active user.
TEST_F(UserTrackerTest, AUserWrittenTwiceTheSameDayCountsOnce) {
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  for (int run = 0; run < 2; ++run) {
    UserTracker tracker(*async, executor, clock);
    tracker.observe(update(1, "Ann"));
    tracker.observe(update(run + 2, "Bob"));
    tracker.flush();
    inbox.run_one();
  }
  Collection& activity = store->collection(kActivityCollection);
  EXPECT_EQ(activity.count({{"day", day}}), 2);
  EXPECT_EQ(count_active_users(activity, day), 3) << "users 1, 2 and 3";
}

// A big batch (a flood while the store was slow) is split so no document grows without bound.
TEST_F(UserTrackerTest, ABigBatchSplitsItsActivityIntoBoundedDocuments) {
  UserTracker tracker(*async, executor, clock, UserTrackerOptions{.max_batch = 100'000});
  const auto users = static_cast<std::int64_t>(2 * kActiveUsersPerDocument + 1);
  for (std::int64_t id = 1; id <= users; ++id) tracker.observe(update(id, "U"));
  tracker.flush();
  inbox.run_one();
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  Collection& activity = store->collection(kActivityCollection);
  EXPECT_EQ(activity.count({{"day", day}}), 3);
  EXPECT_EQ(count_active_users(activity, day), users);
  for (const auto& doc : activity.find({}, {})) {
    EXPECT_LE(doc.at("users").as_array().size(), kActiveUsersPerDocument);
  }
}

// What it remembers to write each user's activity once a day is today's active users only: a
// process that runs for months must not keep everyone who ever wrote (issue 16's memory audit:
// 41 bytes per user, for ever).
TEST_F(UserTrackerTest, RemembersOnlyTodaysActiveUsers) {
  UserTracker tracker(*async, executor, clock);
  for (std::int64_t id = 1; id <= 50; ++id) tracker.observe(update(id, "U"));
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(tracker.stats().active_today, 50u);
  clock.advance(std::chrono::hours(24));
  tracker.observe(update(7, "U"));
  tracker.flush();
  inbox.run_one();
  EXPECT_EQ(tracker.stats().active_today, 1u);
  const std::int64_t day = core::wall_millis(clock) / kDayMs;
  EXPECT_EQ(count_active_users(store->collection(kActivityCollection), day), 1);
}

}  // namespace
}  // namespace corebot::app
