// AdminState: roles from the config, the sheet and @username bindings; the first-run owner code;
// maintenance mode; all of it kept in a real SQLite store across "restarts" (a new AdminState).
#include "app/admin_state.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "app/ownership.hpp"
#include "core/clock.hpp"
#include "corebot/registry.hpp"
#include "tests/fakes/inbox.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::app {
namespace {

struct AdminStateTest : ::testing::Test {
  AdminStateTest() {
    dir = std::filesystem::temp_directory_path() /
          ("corebot_adminstate_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::shared_ptr<DocumentStore>(open_store("sqlite://" + (dir / "bot.db").string()));
    async = std::make_unique<AsyncStore>(
        store, [this](std::function<void()> fn) { inbox.post(std::move(fn)); }, 1);
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"},
         {"Admins", "user,role\n@BossMan,\n2001,operator\n3001,owner\n1009,\n"}},
        registry);
  }
  ~AdminStateTest() override {
    async.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  // A fresh AdminState on the same store, loaded: what a restarted engine has.
  std::unique_ptr<AdminState> started(std::vector<std::int64_t> owners = {}) {
    auto state = std::make_unique<AdminState>(*async, clock, std::move(owners));
    bool ready = false;
    state->load();
    state->when_loaded([&] { ready = true; });
    EXPECT_TRUE(inbox.run_until([&] { return ready; }));
    return state;
  }
  // Lets the store finish what was queued (a binding's write).
  void settle() {
    bool done = false;
    async->run([](DocumentStore&) {}, [&](StoreResult<std::monostate>) { done = true; });
    ASSERT_TRUE(inbox.run_until([&] { return done; }));
  }

  std::filesystem::path dir;
  corebot::testing::Inbox inbox;
  std::shared_ptr<DocumentStore> store;
  std::unique_ptr<AsyncStore> async;
  core::ManualClock clock;
  ModuleRegistry registry;
  std::shared_ptr<const content::ContentSnapshot> content;
};

TEST_F(AdminStateTest, RolesComeFromTheConfigAndTheSheet) {
  auto state = started({7});
  EXPECT_EQ(state->resolve(content.get(), 7, ""), Role::kOwner);
  EXPECT_EQ(state->resolve(nullptr, 7, ""), Role::kOwner) << "an owner before any spreadsheet";
  EXPECT_EQ(state->resolve(content.get(), 3001, ""), Role::kOwner);
  EXPECT_EQ(state->resolve(content.get(), 1009, ""), Role::kAdmin);
  EXPECT_EQ(state->resolve(content.get(), 2001, "somebody"), Role::kOperator);
  EXPECT_EQ(state->resolve(content.get(), 1001, "stranger"), Role::kNone);
  EXPECT_EQ(state->resolve(nullptr, 1009, ""), Role::kNone);
  EXPECT_TRUE(state->has_owner());
}

TEST_F(AdminStateTest, AUsernameIsBoundToTheFirstAccountThatWritesWithIt) {
  auto state = started({7});
  EXPECT_EQ(state->resolve(content.get(), 5001, "bossman"), Role::kAdmin);  // any case
  EXPECT_EQ(state->resolve(content.get(), 5002, "BOSSMAN"), Role::kNone) << "the name moved";
  EXPECT_EQ(state->resolve(content.get(), 5001, "renamed"), Role::kAdmin);
  ASSERT_EQ(state->bindings().size(), 1u);
  EXPECT_EQ(state->bindings()[0].username, "bossman");
  EXPECT_EQ(state->bindings()[0].user_id, 5001);
  settle();
  auto restarted = started({7});
  EXPECT_EQ(restarted->resolve(content.get(), 5002, "bossman"), Role::kNone) << "stored";
  EXPECT_EQ(restarted->resolve(content.get(), 5001, ""), Role::kAdmin);
}

TEST_F(AdminStateTest, TheFirstRunCodeMakesOneOwnerOnce) {
  auto state = started();
  EXPECT_FALSE(state->has_owner());
  const std::string code = ensure_owner_code(*store, 0);  // what `corebot owner-code` prints
  EXPECT_EQ(code.size(), 16u);
  EXPECT_TRUE(state->is_owner_code(code));
  EXPECT_FALSE(state->is_owner_code("0000000000000000"));
  std::optional<bool> claimed;
  state->claim_ownership(4001, "0000000000000000", [&](bool ok, const std::string& error) {
    EXPECT_EQ(error, "");
    claimed = ok;
  });
  ASSERT_TRUE(inbox.run_until([&] { return claimed.has_value(); }));
  EXPECT_FALSE(*claimed);
  claimed.reset();
  state->claim_ownership(4001, code, [&](bool ok, const std::string&) { claimed = ok; });
  ASSERT_TRUE(inbox.run_until([&] { return claimed.has_value(); }));
  EXPECT_TRUE(*claimed);
  EXPECT_TRUE(state->has_owner());
  EXPECT_FALSE(state->is_owner_code(code)) << "void once used";
  EXPECT_EQ(state->resolve(content.get(), 4001, ""), Role::kOwner);
  EXPECT_FALSE(claim_owner(*store, 4002, code, 0)) << "void in the store too";
  auto restarted = started();
  EXPECT_EQ(restarted->resolve(nullptr, 4001, ""), Role::kOwner);
  EXPECT_EQ(stored_owner(*store), 4001);
}

TEST_F(AdminStateTest, TheCodeIsTheSameForTheEngineAndTheCommand) {
  const std::string first = ensure_owner_code(*store, 0);
  EXPECT_EQ(ensure_owner_code(*store, 1), first);
  auto state = started();
  EXPECT_TRUE(state->is_owner_code(first));
}

TEST_F(AdminStateTest, MaintenanceHoldsAtOnceAndAcrossARestart) {
  auto state = started({7});
  std::optional<std::string> result;
  state->set_maintenance(true, [&](const std::string& error) { result = error; });
  EXPECT_TRUE(state->maintenance()) << "the very next update sees it";
  ASSERT_TRUE(inbox.run_until([&] { return result.has_value(); }));
  EXPECT_EQ(*result, "");
  EXPECT_TRUE(started({7})->maintenance());
}

TEST_F(AdminStateTest, OnlyDeclaredCollectionsAreRead) {
  auto state = started({7});
  state->exportable.insert({"forms", "leads"});
  store->collection("forms.leads").insert_one({{"_id", "l1"}, {"name", "Ann"}});
  store->collection("engine.jobs").insert_one({{"_id", "j1"}});
  std::optional<std::pair<std::size_t, std::string>> got;
  state->read_collection("forms", "leads", [&](auto docs, const std::string& error) {
    got = std::make_pair(docs.size(), error);
  });
  ASSERT_TRUE(inbox.run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->first, 1u);
  EXPECT_EQ(got->second, "");
  got.reset();
  state->read_collection("engine", "jobs", [&](auto docs, const std::string& error) {
    got = std::make_pair(docs.size(), error);
  });
  ASSERT_TRUE(got.has_value()) << "refused at once";
  EXPECT_EQ(got->first, 0u);
  EXPECT_NE(got->second.find("declares no exportable collection"), std::string::npos);
}

}  // namespace
}  // namespace corebot::app
