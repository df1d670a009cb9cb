// The MongoDB plugin's loader (store/mongo_loader.hpp): a missing or foreign plugin is a
// kUnavailable StoreError that says what to do, and a SQLite store never loads it. Its own binary:
// the loader keeps a plugin once loaded.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <string>

#include "corebot/store.hpp"
#include "temp_dir.hpp"

namespace corebot {
namespace {

std::string open_error(const std::string& plugin) {
  ::setenv("COREBOT_MONGO_BACKEND", plugin.c_str(), 1);
  try {
    open_store("mongodb://127.0.0.1:9/corebot?serverSelectionTimeoutMS=100");
  } catch (const StoreError& e) {
    ::unsetenv("COREBOT_MONGO_BACKEND");
    EXPECT_EQ(e.kind(), StoreErrorKind::kUnavailable) << e.what();
    return e.message();
  }
  ::unsetenv("COREBOT_MONGO_BACKEND");
  ADD_FAILURE() << "opened with " << plugin;
  return "";
}

// The path of a mapped file whose name contains `name` ("" if none).
std::string mapped(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash != std::string::npos && line.find(name, slash) != std::string::npos) {
      return line.substr(slash);
    }
  }
  return "";
}

TEST(MongoLoaderTest, SqliteNeverMapsLibmongoc) {
  testing::TempDir dir("loader");
  auto store = open_store(dir.sqlite_uri());
  store->collection("c").insert_one(boost::json::object{{"_id", 1}});
  EXPECT_EQ(mapped("libmongoc"), "");
}

TEST(MongoLoaderTest, AMissingPluginSaysWhereItLookedAndWhatToDo) {
  const std::string message = open_error("/nonexistent/libcorebot_store_mongo.so");
  EXPECT_NE(message.find("no MongoDB backend"), std::string::npos) << message;
  EXPECT_NE(message.find("/nonexistent/libcorebot_store_mongo.so"), std::string::npos) << message;
  EXPECT_NE(message.find("sqlite://"), std::string::npos) << message;
}

TEST(MongoLoaderTest, AFileThatIsNotThePluginIsRefused) {
  testing::TempDir dir("loader");
  const std::string junk = (dir.path() / "libcorebot_store_mongo.so").string();
  std::ofstream(junk) << "not a shared library";
  EXPECT_NE(open_error(junk).find("does not load"), std::string::npos);
  // A real shared library without the plugin's entry points.
  const std::string sqlite = mapped("libsqlite3");
  ASSERT_NE(sqlite, "");
  EXPECT_NE(open_error(sqlite).find("another Corebot version"), std::string::npos);
}

}  // namespace
}  // namespace corebot
