#include "app/users_directory.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "tests/fakes/inbox.hpp"

namespace corebot::app {
namespace {
namespace json = boost::json;

struct UsersDirectoryTest : ::testing::Test {
  UsersDirectoryTest() {
    dir = std::filesystem::temp_directory_path() /
          ("corebot_usersdir_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::shared_ptr<DocumentStore>(open_store("sqlite://" + (dir / "bot.db").string()));
    async = std::make_unique<AsyncStore>(
        store, [this](std::function<void()> fn) { inbox.post(std::move(fn)); });
    auto& users = store->collection("users");
    users.insert_one({{"_id", 1},
                      {"first_name", "Old"},
                      {"username", "Shop_Admin"},
                      {"username_lc", "shop_admin"},
                      {"last_seen", 1000}});
    users.insert_one({{"_id", 2},
                      {"first_name", "New"},
                      {"username", "shop_admin"},
                      {"username_lc", "shop_admin"},
                      {"language_code", "ru"},
                      {"last_seen", 5000},
                      {"banned", true}});
  }
  ~UsersDirectoryTest() override {
    async.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::optional<UserRecord> find(std::function<void(UserFound)> call) {
    std::optional<UserRecord> out;
    call([&](std::optional<UserRecord> user, const std::string& error) {
      EXPECT_EQ(error, "");
      out = std::move(user);
    });
    inbox.run_one();
    return out;
  }
  std::string wait(std::function<void(UsersDone)> call) {
    std::string out = "not answered";
    call([&](const std::string& error) { out = error; });
    inbox.run_one();
    return out;
  }

  std::filesystem::path dir;
  testing::Inbox inbox;
  std::shared_ptr<DocumentStore> store;
  std::unique_ptr<AsyncStore> async;
};

TEST_F(UsersDirectoryTest, AUsernameResolvesToItsCurrentHolder) {
  UsersDirectory users(*async);
  auto user = find([&](UserFound done) { users.find_by_username("@SHOP_admin", done); });
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, 2) << "the account seen most recently with the name holds it now";
  EXPECT_EQ(user->language_code, "ru");
  EXPECT_FALSE(find([&](UserFound done) { users.find_by_username("nobody", done); }));
  auto by_id = find([&](UserFound done) { users.find(1, done); });
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->first_name, "Old");
  EXPECT_FALSE(find([&](UserFound done) { users.find(404, done); }));
}

TEST_F(UsersDirectoryTest, TagsAreASet) {
  UsersDirectory users(*async);
  EXPECT_EQ(wait([&](UsersDone d) { users.add_tag(1, "vip", d); }), "");
  EXPECT_EQ(wait([&](UsersDone d) { users.add_tag(1, "vip", d); }), "");
  EXPECT_EQ(wait([&](UsersDone d) { users.add_tag(1, "new", d); }), "");
  EXPECT_EQ(wait([&](UsersDone d) { users.remove_tag(1, "new", d); }), "");
  auto user = find([&](UserFound done) { users.find(1, done); });
  EXPECT_EQ(user->tags, std::vector<std::string>{"vip"});
  EXPECT_EQ(wait([&](UsersDone d) { users.add_tag(404, "vip", d); }), "no user 404");
}

TEST_F(UsersDirectoryTest, BansAreLoadedAndHoldAtOnce) {
  UsersDirectory users(*async);
  EXPECT_FALSE(users.banned(2)) << "not loaded yet";
  std::string error = "not answered";
  users.load([&](const std::string& e) { error = e; });
  inbox.run_one();
  EXPECT_EQ(error, "");
  EXPECT_TRUE(users.banned(2));
  users.set_banned(1, true, {});
  EXPECT_TRUE(users.banned(1)) << "before the store answered";
  inbox.run_one();
  EXPECT_EQ(wait([&](UsersDone d) { users.set_banned(2, false, d); }), "");
  EXPECT_FALSE(users.banned(2));
  EXPECT_TRUE(store->collection("users").find_one({{"_id", 1}})->at("banned").as_bool());
}

}  // namespace
}  // namespace corebot::app
