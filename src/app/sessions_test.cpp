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

}  // namespace
}  // namespace corebot::app
