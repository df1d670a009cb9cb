// SQLite-specific behaviour: faults (locked, corrupt, bad URI), atomicity, index use, WAL.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <fstream>

#include "corebot/store.hpp"
#include "store/path.hpp"
#include "store/sqlite/scan.hpp"
#include "temp_dir.hpp"

namespace corebot {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

// A raw connection to poke at the file behind the store's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~RawDb() { sqlite3_close(db_); }
  int exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  std::string first_rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return sqlite3_errmsg(db_);
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = sqlite3_column_text(stmt, i);
        out += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
        out += "|";
      }
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

StoreError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e;
  }
  ADD_FAILURE() << "no StoreError";
  return StoreError(StoreErrorKind::kInternal, "", "", "none");
}

TEST(SqliteStoreTest, LockedDatabaseIsUnavailableAndNamesTheCollection) {
  testing::TempDir dir("locked");
  auto store = open_store(dir.sqlite_uri() + "?busy_timeout_ms=50");
  auto& c = store->collection("shop.orders");
  c.insert_one(obj(R"({"a":1})"));
  RawDb raw((dir.path() / "bot.db").string());
  ASSERT_EQ(raw.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
  const StoreError e = error_of([&] { c.insert_one(obj(R"({"a":2})")); });
  EXPECT_EQ(e.kind(), StoreErrorKind::kUnavailable);
  EXPECT_EQ(e.collection(), "shop.orders");
  EXPECT_EQ(e.operation(), "insert_one");
  EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  EXPECT_EQ(c.count({}), 1);  // WAL: readers are not blocked by the writer
  ASSERT_EQ(raw.exec("COMMIT"), SQLITE_OK);
  c.insert_one(obj(R"({"a":2})"));
  EXPECT_EQ(c.count({}), 2);
}

TEST(SqliteStoreTest, CorruptFileIsReported) {
  testing::TempDir dir("corrupt");
  std::ofstream(dir.path() / "bot.db") << std::string(8192, 'Z');
  const StoreError e = error_of([&] { open_store(dir.sqlite_uri()); });
  EXPECT_EQ(e.kind(), StoreErrorKind::kCorrupt) << e.what();
}

TEST(SqliteStoreTest, UnopenablePathIsUnavailable) {
  const StoreError e = error_of([&] { open_store("sqlite:///nonexistent-dir/x/bot.db"); });
  EXPECT_EQ(e.kind(), StoreErrorKind::kUnavailable) << e.what();
}

TEST(SqliteStoreTest, UriErrors) {
  testing::TempDir dir("uri");
  EXPECT_EQ(error_of([&] { open_store(dir.sqlite_uri() + "?busy_timeout=5"); }).kind(),
            StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of([&] { open_store(dir.sqlite_uri() + "?synchronous=off"); }).kind(),
            StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of([&] { open_store("ftp://x/y"); }).kind(), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of([&] { open_store("mongodb://"); }).kind(), StoreErrorKind::kInvalidArgument);
  // Nothing listens on port 1: unavailable once the bounded retries are spent, never a crash.
  EXPECT_EQ(
      error_of([&] { open_store("mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=100"); }).kind(),
      StoreErrorKind::kUnavailable);
  EXPECT_NO_THROW(open_store(dir.sqlite_uri() + "?synchronous=normal&pool_size=2"));
}

TEST(SqliteStoreTest, UpdateManyIsAtomic) {
  testing::TempDir dir("atomic");
  auto store = open_store(dir.sqlite_uri());
  auto& c = store->collection("t");
  c.insert_many(
      {obj(R"({"_id":1,"v":1})"), obj(R"({"_id":2,"v":"x"})"), obj(R"({"_id":3,"v":3})")});
  EXPECT_EQ(error_of([&] { c.update_many({}, obj(R"({"$inc":{"v":1}})")); }).kind(),
            StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(c.find_one(obj(R"({"_id":1})"))->at("v"), 1);
  EXPECT_EQ(c.find_one(obj(R"({"_id":3})"))->at("v"), 3);
}

TEST(SqliteStoreTest, WalAndIndexesOnJsonExtract) {
  testing::TempDir dir("plan");
  {
    auto store = open_store(dir.sqlite_uri());
    auto& c = store->collection("users");
    c.create_index({"profile.tg_id", true});
    c.insert_one(obj(R"({"profile":{"tg_id":5}})"));
  }
  RawDb raw((dir.path() / "bot.db").string());
  EXPECT_EQ(raw.first_rows("PRAGMA journal_mode"), "wal|");
  const std::string expr = store::sqlite::extract_sql(store::parse_path("profile.tg_id"));
  const std::string plan = raw.first_rows("EXPLAIN QUERY PLAN SELECT rowid, doc FROM " +
                                          store::sqlite::table_name("users") +
                                          " WHERE rowid > 0 AND " + expr + " = 5 ORDER BY rowid");
  EXPECT_NE(plan.find("USING INDEX"), std::string::npos) << plan;
  EXPECT_EQ(raw.first_rows("SELECT multikey FROM corebot_indexes"), "0|");
  auto store = open_store(dir.sqlite_uri());
  store->collection("users").insert_one(obj(R"({"profile":{"tg_id":[6,7]}})"));
  EXPECT_EQ(raw.first_rows("SELECT multikey FROM corebot_indexes"), "1|");
  EXPECT_EQ(store->collection("users").count(obj(R"({"profile.tg_id":7})")), 1);
}

TEST(SqliteStoreTest, DataSurvivesReopen) {
  testing::TempDir dir("reopen");
  open_store(dir.sqlite_uri())
      ->collection("m.kv")
      .insert_one(obj(R"({"_id":"k","v":[1,{"x":null}]})"));
  auto doc = open_store(dir.sqlite_uri())->collection("m.kv").find_one(obj(R"({"_id":"k"})"));
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(*doc, obj(R"({"_id":"k","v":[1,{"x":null}]})"));
}

}  // namespace
}  // namespace corebot
