#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <future>

#include "corebot/store.hpp"

namespace corebot {
namespace {

namespace json = boost::json;

// An event loop stand-in: posted work waits in a queue until the test drains it.
class QueueExecutor {
 public:
  void post(std::function<void()> f) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(f));
    ready_.notify_one();
  }
  // Runs one posted function, waiting for it if need be.
  void run_one() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !queue_.empty(); });
    auto f = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    f();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
};

class AsyncStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("corebot-async-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_store("sqlite://" + (dir_ / "bot.db").string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::shared_ptr<DocumentStore> store_;
};

TEST_F(AsyncStoreTest, DeliversResultsThroughTheExecutor) {
  QueueExecutor loop;
  AsyncStore async(store_, [&](std::function<void()> f) { loop.post(std::move(f)); });
  const auto caller = std::this_thread::get_id();
  std::thread::id worker;
  std::optional<StoreResult<std::int64_t>> got;
  async.run(
      [&](DocumentStore& s) {
        worker = std::this_thread::get_id();
        s.collection("t").insert_one(json::object{{"a", 1}});
        return s.collection("t").count({});
      },
      [&](StoreResult<std::int64_t> r) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
        got.emplace(std::move(r));
      });
  loop.run_one();
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(got->ok());
  EXPECT_EQ(got->value(), 1);
  EXPECT_NE(worker, caller);
}

TEST_F(AsyncStoreTest, DeliversErrors) {
  QueueExecutor loop;
  AsyncStore async(store_, [&](std::function<void()> f) { loop.post(std::move(f)); });
  std::optional<StoreResult<std::monostate>> got;
  async.run(
      [](DocumentStore& s) {
        s.collection("t").update_one({}, json::object{{"$bogus", json::object{}}});
      },
      [&](StoreResult<std::monostate> r) { got.emplace(std::move(r)); });
  loop.run_one();
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().kind(), StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(got->error().collection(), "t");
  EXPECT_THROW(got->value(), StoreError);
}

TEST_F(AsyncStoreTest, DestructorFinishesQueuedWork) {
  std::atomic<int> done{0};
  {
    AsyncStore async(
        store_, [](std::function<void()> f) { f(); }, 2);
    for (int i = 0; i < 20; ++i) {
      async.run(
          [i](DocumentStore& s) {
            return s.collection("t").insert_one(json::object{{"i", i}});
          },
          [&](StoreResult<json::value> r) {
            EXPECT_TRUE(r.ok());
            ++done;
          });
    }
  }
  EXPECT_EQ(done.load(), 20);
  EXPECT_EQ(store_->collection("t").count({}), 20);
}

}  // namespace
}  // namespace corebot
