// Connection loss on the MongoDB backend: a stopped server gives kUnavailable (after bounded
// retries) and an unhealthy StoreHealth, never a crash; the store recovers when it returns.
// Runs its own FerretDB through scripts/ferretdb.sh when COREBOT_TEST_MONGODB_URI is set (i.e.
// when the MongoDB conformance tests run), so stopping it disturbs no other test.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "corebot/store.hpp"

namespace corebot {
namespace {

namespace json = boost::json;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

const std::string kScript = std::string(COREBOT_SOURCE_DIR) + "/scripts/ferretdb.sh";

TEST(MongoRecoveryTest, ConnectionLossIsUnavailableThenRecovers) {
  const char* shared = std::getenv("COREBOT_TEST_MONGODB_URI");
  if (shared == nullptr || *shared == '\0') GTEST_SKIP() << "set COREBOT_TEST_MONGODB_URI";
  const std::string uri = run("bash " + kScript + " start");
  ASSERT_TRUE(uri.starts_with("mongodb://")) << uri;
  const std::string port = uri.substr(uri.rfind(':') + 1, uri.rfind('/') - uri.rfind(':') - 1);

  auto store = open_store(uri + "?serverSelectionTimeoutMS=300");
  auto& coll = store->collection("recovery.t");
  coll.insert_one(json::object{{"_id", 1}});
  EXPECT_TRUE(store->health().ok);

  run("bash " + kScript + " stop " + port);
  try {
    coll.count({});
    ADD_FAILURE() << "no StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreErrorKind::kUnavailable) << e.what();
    EXPECT_EQ(e.operation(), "count");
  }
  StoreHealth health = store->health();
  EXPECT_FALSE(health.ok);
  EXPECT_GE(health.retries, 1);
  EXPECT_GE(health.consecutive_failures, 2);
  EXPECT_FALSE(health.last_error.empty());

  // Back on the same port (its data is gone with the temp dir): the pool reconnects.
  ASSERT_EQ(run("bash " + kScript + " start " + port), uri);
  EXPECT_EQ(coll.count({}), 0);
  EXPECT_TRUE(store->health().ok);
  run("bash " + kScript + " stop " + port);
}

}  // namespace
}  // namespace corebot
