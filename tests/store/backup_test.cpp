// corebot backup / restore at the store level (store/backup.hpp): a backup is a consistent SQLite
// file that opens as a store, restores replace the content exactly, and bad inputs are refused
// with a reason. SQLite always; MongoDB (via COREBOT_TEST_MONGODB_URI, FerretDB in scripts/test.sh)
// when set.
#include "store/backup.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "corebot/store.hpp"
#include "temp_dir.hpp"

namespace corebot {
namespace {

namespace json = boost::json;
using store::backup_store;
using store::restore_store;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

void fill(DocumentStore& s) {
  s.collection("users").insert_many(
      {obj(R"({"_id":1,"name":"Ann","tags":["a"]})"), obj(R"({"_id":2,"name":"Bob","n":2.5})")});
  s.collection("forms.answers").insert_one(obj(R"({"_id":"x","text":"привет"})"));
}

void expect_filled(DocumentStore& s) {
  EXPECT_EQ(s.list_collections(), (std::vector<std::string>{"forms.answers", "users"}));
  EXPECT_EQ(s.collection("users").count({}), 2);
  auto bob = s.collection("users").find_one(obj(R"({"_id":2})"));
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(json::serialize(*bob), R"({"_id":2,"name":"Bob","n":2.5E0})");
  auto x = s.collection("forms.answers").find_one(obj(R"({"_id":"x"})"));
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->at("text").as_string(), "привет");
}

TEST(BackupTest, SqliteBackupIsAPrivateStandaloneStoreFile) {
  testing::TempDir dir("backup");
  auto live = open_store(dir.sqlite_uri());
  fill(*live);
  const std::string file = (dir.path() / "b.db").string();
  // Taken while the store is open (the bot running): the online backup API.
  const auto report = backup_store(dir.sqlite_uri(), file);
  EXPECT_EQ(report.collections, 2u);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(file + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(file + ".partial"));
  auto copy = open_store("sqlite://" + file);
  expect_filled(*copy);
}

TEST(BackupTest, BackupSeesCommittedWritesOnly) {
  testing::TempDir dir("backup");
  auto live = open_store(dir.sqlite_uri());
  fill(*live);
  live->collection("users").insert_one(obj(R"({"_id":3})"));
  const std::string file = (dir.path() / "b.db").string();
  backup_store(dir.sqlite_uri(), file);
  live->collection("users").insert_one(obj(R"({"_id":4})"));  // after: not in the backup
  EXPECT_EQ(open_store("sqlite://" + file)->collection("users").count({}), 3);
}

TEST(BackupTest, RefusesToOverwriteAndExplainsAMissingDatabase) {
  testing::TempDir dir("backup");
  auto live = open_store(dir.sqlite_uri());
  fill(*live);
  const std::string file = (dir.path() / "b.db").string();
  std::ofstream(file) << "keep me";
  try {
    backup_store(dir.sqlite_uri(), file);
    FAIL() << "overwrote " << file;
  } catch (const StoreError& e) {
    EXPECT_NE(e.message().find("already exists"), std::string::npos) << e.what();
  }
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
  try {
    backup_store(dir.sqlite_uri("absent.db"), (dir.path() / "c.db").string());
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(e.message().find("has the bot run once"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "c.db.partial"));
}

TEST(BackupTest, RestoreReplacesEverythingInSqlite) {
  testing::TempDir dir("backup");
  const std::string file = (dir.path() / "b.db").string();
  {
    auto live = open_store(dir.sqlite_uri());
    fill(*live);
    backup_store(dir.sqlite_uri(), file);
    live->collection("users").delete_many({});
    live->collection("later").insert_one(obj(R"({"_id":1})"));
  }
  const auto report = restore_store(file, dir.sqlite_uri());
  EXPECT_EQ(report.collections, 2u);
  auto restored = open_store(dir.sqlite_uri());
  expect_filled(*restored);
  // Restoring into a path that does not exist yet creates it (a new server).
  restore_store(file, dir.sqlite_uri("new/bot.db"));
  expect_filled(*open_store(dir.sqlite_uri("new/bot.db")));
}

TEST(BackupTest, RestoreRefusesWhatIsNotAnIntactCorebotStore) {
  testing::TempDir dir("backup");
  auto expect_refused = [&](const std::string& file, const std::string& why) {
    try {
      restore_store(file, dir.sqlite_uri());
      FAIL() << "restored " << file;
    } catch (const StoreError& e) {
      EXPECT_NE(e.message().find(why), std::string::npos) << e.what();
    }
  };
  expect_refused((dir.path() / "missing.db").string(), "no backup file");
  const std::string text = (dir.path() / "text.db").string();
  std::ofstream(text) << "this is not a database, just some text that is long enough......";
  expect_refused(text, "");
  const std::string foreign = (dir.path() / "foreign.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  expect_refused(foreign, "not a Corebot store");
  const std::string newer = (dir.path() / "newer.db").string();
  open_store("sqlite://" + newer).reset();
  ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  expect_refused(newer, "newer Corebot");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "bot.db"));  // nothing was touched
}

// `uri` (mongodb://host:port/db?options) naming database `db` instead.
std::string with_database(const std::string& uri, const std::string& db) {
  const auto hosts = uri.find("://") + 3;
  const auto query = uri.find('?', hosts);
  const auto slash = uri.find('/', hosts);
  const std::string options = query == std::string::npos ? "" : uri.substr(query);
  return uri.substr(0, std::min(slash, query == std::string::npos ? uri.size() : query)) + "/" +
         db + options;
}

// MongoDB -> a SQLite backup -> MongoDB: the same documents, through libmongoc.
TEST(BackupTest, MongoRoundTripThroughASqliteFile) {
  const char* env = std::getenv("COREBOT_TEST_MONGODB_URI");
  if (env == nullptr || *env == '\0') GTEST_SKIP() << "set COREBOT_TEST_MONGODB_URI";
  // A database of its own: the conformance suite may run on the same server at the same time.
  const std::string uri = with_database(env, "corebot_backup_test");
  std::unique_ptr<DocumentStore> mongo;
  try {
    mongo = open_store(uri);
  } catch (const StoreError& e) {
    GTEST_SKIP() << e.what();
  }
  for (const auto& name : mongo->list_collections()) mongo->drop_collection(name);
  fill(*mongo);
  testing::TempDir dir("backup");
  const std::string file = (dir.path() / "m.db").string();
  const auto report = backup_store(uri, file);
  EXPECT_EQ(report.documents, 3u);
  expect_filled(*open_store("sqlite://" + file));
  mongo->collection("users").delete_many({});
  mongo->collection("stray").insert_one(obj(R"({"_id":1})"));
  restore_store(file, uri);
  expect_filled(*mongo);
  for (const auto& name : mongo->list_collections()) mongo->drop_collection(name);
}

}  // namespace
}  // namespace corebot
