#include "app/sessions.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/json.hpp>

#include <filesystem>

#include "app/bot_content.hpp"
#include "content/reader/reader.hpp"
#include "corebot/utf8.hpp"
#include "tests/fakes/failing_store.hpp"
#include "tests/fakes/inbox.hpp"

namespace corebot::app {
namespace {
namespace json = boost::json;

struct SessionsTest : ::testing::Test {
  SessionsTest() {
    path = std::filesystem::temp_directory_path() /
           ("corebot_sessions_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path);
    store = std::shared_ptr<DocumentStore>(open_store("sqlite://" + path.string()));
    async = std::make_unique<AsyncStore>(
        store, [this](std::function<void()> fn) { inbox.post(std::move(fn)); });
    sessions = std::make_unique<Sessions>(*async);
  }
  ~SessionsTest() override {
    sessions.reset();
    async.reset();
    store.reset();
    std::filesystem::remove(path);
  }
  json::object load(std::int64_t chat, std::int64_t user, bool from_store) {
    json::object out{{"unset", true}};
    sessions->load(chat, user, [&](std::optional<json::object> s) { out = s.value_or(out); });
    if (from_store) inbox.run_one();
    return out;
  }
  std::filesystem::path path;
  testing::Inbox inbox;
  std::shared_ptr<DocumentStore> store;
  std::unique_ptr<AsyncStore> async;
  std::unique_ptr<Sessions> sessions;
};

TEST_F(SessionsTest, SavedSessionsAreSeenAtOnceAndPersisted) {
  EXPECT_EQ(load(5, 5, true), json::object{});
  sessions->save(5, 5, {{"forms", {{"step", 1}}}});
  // Before the write is done, the chat's next update already sees it (from memory).
  EXPECT_EQ(load(5, 5, false), (json::object{{"forms", {{"step", 1}}}}));
  sessions->save(5, 5, {{"forms", {{"step", 2}}}});  // queued behind the write in flight
  EXPECT_EQ(sessions->pending(), 1u);
  inbox.run_one();  // first write done; the second starts
  inbox.run_one();
  EXPECT_EQ(sessions->pending(), 0u);
  auto doc = store->collection(Sessions::kCollection).find_one({{"_id", "5:5"}});
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->at("data"), (json::object{{"forms", {{"step", 2}}}}));
  EXPECT_EQ(load(5, 5, true), (json::object{{"forms", {{"step", 2}}}}));
  EXPECT_EQ(load(-100, 5, true), json::object{}) << "per (chat, user)";

  sessions->save(5, 5, {});
  inbox.run_one();
  EXPECT_EQ(store->collection(Sessions::kCollection).count({}), 0) << "empty sessions go";
}

// Issue 16: once primed, a key never stored is answered without a store read; every stored key,
// across pages of the listing, is still read.
TEST_F(SessionsTest, OncePrimedAKeyNeverStoredIsAnsweredWithoutAStoreRead) {
  auto& collection = store->collection(Sessions::kCollection);
  for (int i = 1; i <= 25; ++i) {
    const std::string id = std::to_string(i) + ":" + std::to_string(i);
    collection.insert_one({{"_id", id}, {"chat", i}, {"user", i}, {"data", {{"n", i}}}});
  }
  // Before the listing is done every load reads the store.
  EXPECT_EQ(load(999, 999, true), json::object{});
  EXPECT_EQ(sessions->stats().reads_skipped, 0u);
  sessions->prime(10);  // three pages: 10, 10, 5
  for (int page = 0; page < 3; ++page) {
    EXPECT_FALSE(sessions->primed());
    inbox.run_one();
  }
  ASSERT_TRUE(sessions->primed());
  EXPECT_EQ(load(999, 999, false), json::object{}) << "answered at once";
  EXPECT_EQ(sessions->stats().reads_skipped, 1u);
  for (int i = 1; i <= 25; ++i) {
    EXPECT_EQ(load(i, i, true), (json::object{{"n", i}})) << i;
  }
  EXPECT_EQ(sessions->stats().reads_skipped, 1u);
}

TEST_F(SessionsTest, ASessionSavedAfterPrimingIsReadBackOnceItsWriteIsDone) {
  sessions->prime();
  inbox.run_one();
  ASSERT_TRUE(sessions->primed());
  sessions->save(3, 4, {{"lang", "ru"}});
  inbox.run_one();  // the write is done: nothing of it is left in memory
  ASSERT_EQ(sessions->pending(), 0u);
  EXPECT_EQ(load(3, 4, true), (json::object{{"lang", "ru"}}));
  EXPECT_EQ(sessions->stats().reads_skipped, 0u);
}

TEST(SessionKeyFilter, NoKeyAddedIsEverMissedAndFewAbsentOnesAreMaybes) {
  SessionKeyFilter filter;
  for (int i = 0; i < 100'000; ++i) filter.add(std::to_string(i) + ":" + std::to_string(i));
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_TRUE(filter.may_contain(std::to_string(i) + ":" + std::to_string(i))) << i;
  }
  int maybes = 0;
  for (int i = 0; i < 100'000; ++i) {
    maybes += filter.may_contain("-" + std::to_string(i) + ":" + std::to_string(i)) ? 1 : 0;
  }
  EXPECT_LT(maybes, 500) << "more than 0.5 % of absent keys would still be read";
}

TEST(ReloadMessage, SaysWhatChangedOrWhatIsWrong) {
  content::Report bad;
  bad.error("Pages", "D4", "button \"Go\" leads to page \"x\", which does not exist", "add it");
  const std::string refused = reload_message(bad, false, nullptr);
  EXPECT_NE(refused.find("keeps showing the previous content"), std::string::npos);
  EXPECT_NE(refused.find("Pages!D4: button"), std::string::npos);

  content::Report many;
  for (int i = 0; i < 500; ++i) many.error("Pages", "A" + std::to_string(i + 2), "bad id");
  const std::string cut = reload_message(many, false, nullptr);
  EXPECT_LT(cut.size(), 4096u);
  EXPECT_NE(cut.find("more (run `corebot check` for the full list)"), std::string::npos);

  // Telegram counts UTF-16 units, not bytes: Cyrillic problems fill the message as far as
  // English ones do, and it stays within 4096.
  content::Report russian;
  for (int i = 0; i < 500; ++i) {
    russian.error("Pages", "A" + std::to_string(i + 2), "неверный идентификатор страницы");
  }
  const std::string cut_ru = reload_message(russian, false, nullptr);
  EXPECT_LE(utf8::utf16_length(cut_ru), 4096u);
  EXPECT_GT(utf8::utf16_length(cut_ru), 3000u) << "cut by bytes";
  EXPECT_GT(cut_ru.size(), 4096u) << "the bytes may exceed 4096";

  content::Workbook wb;
  wb.sheets.push_back(std::move(
      content::read_workbook_bytes("id,text\nstart,Hi\n", content::Format::kCsv, "Pages.csv")
          .workbook->sheets.front()));
  auto compiled = content::compile_snapshot(std::move(wb));
  EXPECT_EQ(reload_message(compiled.report, true, compiled.snapshot.get()),
            "Content reloaded: 1 page, 0 languages, 0 admins.");
}

// A store that cannot be read: the load is retried, then reported as failed (nullopt) rather than
// as an empty session the engine would later save over the user's progress (issue 10).
TEST(SessionsFailure, AFailedLoadIsRetriedThenReportedNotAnEmptySession) {
  corebot::testing::Inbox inbox;
  auto failing = std::make_shared<corebot::testing::FailingStore>();
  AsyncStore async(failing, [&](std::function<void()> fn) { inbox.post(std::move(fn)); });
  Sessions sessions(async);
  bool answered = false;
  std::optional<json::object> got = json::object{{"unset", true}};
  sessions.load(5, 5, [&](std::optional<json::object> s) {
    answered = true;
    got = std::move(s);
  });
  for (int i = 0; i < Sessions::kLoadAttempts; ++i) inbox.run_one();
  EXPECT_TRUE(answered);
  EXPECT_EQ(got, std::nullopt);
  EXPECT_EQ(failing->failures.load(), Sessions::kLoadAttempts);
  EXPECT_EQ(sessions.stats().failures, static_cast<std::uint64_t>(Sessions::kLoadAttempts));
}

// A store that cannot list its sessions leaves the filter off: loads keep reading the store.
TEST(SessionsFailure, AStoreThatCannotListLeavesEveryLoadReadingIt) {
  corebot::testing::Inbox inbox;
  auto failing = std::make_shared<corebot::testing::FailingStore>();
  AsyncStore async(failing, [&](std::function<void()> fn) { inbox.post(std::move(fn)); });
  Sessions sessions(async);
  sessions.prime();
  inbox.run_one();
  EXPECT_FALSE(sessions.primed());
  bool answered = false;
  sessions.load(5, 5, [&](std::optional<json::object>) { answered = true; });
  EXPECT_FALSE(answered) << "the load went to the store";
  EXPECT_EQ(sessions.stats().reads_skipped, 0u);
  for (int i = 0; i < Sessions::kLoadAttempts; ++i) inbox.run_one();
  EXPECT_TRUE(answered);
}

}  // namespace
}  // namespace corebot::app
