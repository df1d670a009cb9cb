// PanelBackup: a real SQLite store copied on the worker thread while it stays open, the bytes
// handed back on the "loop" (an Inbox the test drives), the temporary file gone, one backup at a
// time, and a backup over the limit refused with the command that takes it on the server.
#include "app/panel_backup.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>

#include "corebot/store.hpp"
#include "store/backup.hpp"
#include "tests/fakes/inbox.hpp"
#include "tests/store/temp_dir.hpp"

namespace corebot::app {
namespace {
namespace fs = std::filesystem;

// The loop as PanelBackup sees it: posts land in the Inbox the test runs.
class InboxExecutor final : public core::Executor {
 public:
  explicit InboxExecutor(testing::Inbox& inbox) : inbox_(inbox) {}
  void post(std::function<void()> fn) override { inbox_.post(std::move(fn)); }
  TimerId after(core::Duration, std::function<void()>) override {
    ADD_FAILURE() << "PanelBackup sets no timer";
    return 0;
  }
  void cancel(TimerId) override {}

 private:
  testing::Inbox& inbox_;
};

struct Taken {
  std::optional<StoreBackup> backup;
  std::string error;
  bool done = false;
};

struct PanelBackupTest : ::testing::Test {
  PanelBackupTest() {
    fs::create_directories(dir.path() / "tmp");
    store = open_store(dir.sqlite_uri());
    store->collection("users").insert_one({{"_id", 1001}, {"first_name", "Anna"}});
    store->collection("shop.orders").insert_one({{"_id", "o1"}, {"total", 500}});
  }
  BackupTaken into(Taken& taken) {
    return [&taken](StoreBackup backup, const std::string& error) {
      taken.backup = std::move(backup);
      taken.error = error;
      taken.done = true;
    };
  }
  [[nodiscard]] bool temp_dir_empty() const { return fs::is_empty(dir.path() / "tmp"); }

  corebot::testing::TempDir dir{"panel-backup"};
  std::unique_ptr<DocumentStore> store;  // open, as the engine's is
  testing::Inbox inbox;
  InboxExecutor loop{inbox};
  PanelBackup backups{loop, dir.sqlite_uri(), (dir.path() / "tmp").string()};
};

TEST_F(PanelBackupTest, TheBytesAreAStoreCorebotRestoresWithEveryDocument) {
  Taken taken;
  backups.take(50 << 20, into(taken));
  EXPECT_TRUE(backups.busy());
  ASSERT_TRUE(inbox.run_until([&] { return taken.done; }));
  ASSERT_EQ(taken.error, "");
  EXPECT_EQ(taken.backup->collections, 2u);
  EXPECT_EQ(taken.backup->file.rfind("SQLite format 3", 0), 0u);
  EXPECT_TRUE(temp_dir_empty());
  EXPECT_FALSE(backups.busy());

  // What the owner would do with the file: restore it into a new store.
  const fs::path file = dir.path() / "from-telegram.db";
  std::ofstream(file, std::ios::binary) << taken.backup->file;
  const std::string restored = dir.sqlite_uri("restored.db");
  store::restore_store(file.string(), restored);
  auto copy = open_store(restored);
  EXPECT_EQ(copy->collection("users").find_one({{"_id", 1001}})->at("first_name"), "Anna");
  EXPECT_EQ(copy->collection("shop.orders").find_one({{"_id", "o1"}})->at("total"), 500);
}

TEST_F(PanelBackupTest, OneAtATimeAndTheNextOneAfterIt) {
  Taken first, second, third;
  backups.take(50 << 20, into(first));
  backups.take(50 << 20, into(second));  // answered at once, on the caller's thread
  ASSERT_TRUE(second.done);
  EXPECT_NE(second.error.find("being taken already"), std::string::npos) << second.error;
  ASSERT_TRUE(inbox.run_until([&] { return first.done; }));
  EXPECT_EQ(first.error, "");
  backups.take(50 << 20, into(third));
  ASSERT_TRUE(inbox.run_until([&] { return third.done; }));
  EXPECT_EQ(third.error, "");
  EXPECT_EQ(third.backup->file.size(), first.backup->file.size());
}

TEST_F(PanelBackupTest, OverTheLimitSaysItsSizeAndTheCommandAndLeavesNoFile) {
  Taken taken;
  backups.take(1024, into(taken));
  ASSERT_TRUE(inbox.run_until([&] { return taken.done; }));
  EXPECT_NE(taken.error.find("MB, more than the 0.0 MB"), std::string::npos) << taken.error;
  EXPECT_NE(taken.error.find("corebot backup FILE"), std::string::npos) << taken.error;
  EXPECT_TRUE(taken.backup->file.empty());
  EXPECT_TRUE(temp_dir_empty());
}

TEST_F(PanelBackupTest, AStoreThatCannotBeCopiedIsExplainedAndLeavesNoFile) {
  PanelBackup nowhere{loop, dir.sqlite_uri("missing.db"), (dir.path() / "tmp").string()};
  Taken taken;
  nowhere.take(50 << 20, into(taken));
  ASSERT_TRUE(inbox.run_until([&] { return taken.done; }));
  EXPECT_NE(taken.error.find("no database at"), std::string::npos) << taken.error;
  EXPECT_TRUE(temp_dir_empty());
}

}  // namespace
}  // namespace corebot::app
