#include "app/job_runner.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "core/manual_executor.hpp"
#include "tests/fakes/inbox.hpp"

namespace corebot::app {
namespace {
namespace json = boost::json;
using std::chrono::minutes;
using std::chrono::seconds;

struct JobRunnerTest : ::testing::Test {
  JobRunnerTest() {
    dir = std::filesystem::temp_directory_path() /
          ("corebot_jobs_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    open();
  }
  ~JobRunnerTest() override {
    runner.reset();
    async.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  // A fresh engine on the same database file: what a restart (or a kill -9) leaves.
  void open() {
    runner.reset();
    async.reset();
    store.reset();
    store = std::shared_ptr<DocumentStore>(open_store("sqlite://" + (dir / "bot.db").string()));
    async = std::make_unique<AsyncStore>(
        store, [this](std::function<void()> fn) { inbox.post(std::move(fn)); });
    runner = std::make_unique<JobRunner>(
        *async, executor, clock, [this](const std::string& module, const std::string& message) {
          errors.push_back(module + ": " + message);
        });
  }
  // Schedules and waits until the job is stored.
  void schedule(const std::string& module, const std::string& id, JobSchedule when,
                json::object payload = {}) {
    std::string error = "not answered";
    runner->for_module(module).schedule(id, "ping", when, std::move(payload),
                                        [&](const std::string& e) { error = e; });
    inbox.run_one();
    ASSERT_EQ(error, "");
  }
  void start() {
    runner->start();
    inbox.run_one();
  }
  // Moves time on and lets every due run be claimed (one store answer per claim) and run.
  void advance(core::Duration d, int claims = 0) {
    executor.advance(d);
    for (int i = 0; i < claims; ++i) inbox.run_one();
    executor.run_ready();
  }
  void handle(const std::string& module = "quiz") {
    runner->for_module(module).handle("ping", [this, module](const JobRun& run) {
      runs.push_back(module + "/" + run.id);
      last = run;
    });
  }
  std::int64_t stored() { return store->collection(JobRunner::kCollection).count({}); }

  std::filesystem::path dir;
  testing::Inbox inbox;
  core::ManualClock clock;
  core::ManualExecutor executor{clock};
  std::shared_ptr<DocumentStore> store;
  std::unique_ptr<AsyncStore> async;
  std::unique_ptr<JobRunner> runner;
  std::vector<std::string> runs;
  std::vector<std::string> errors;
  JobRun last;
};

TEST_F(JobRunnerTest, AOneOffJobRunsWhenDueAndNotBefore) {
  handle();
  start();
  schedule("quiz", "r1", JobSchedule::after(clock, seconds(10)), {{"text", "milk"}});
  advance(seconds(9));
  EXPECT_TRUE(runs.empty());
  advance(seconds(1), /*claims=*/1);
  ASSERT_EQ(runs, std::vector<std::string>{"quiz/r1"});
  EXPECT_EQ(last.payload.at("text"), "milk");
  EXPECT_FALSE(last.repeating);
  EXPECT_EQ(stored(), 0) << "a one-off job is gone once it ran";
  advance(minutes(5));
  EXPECT_EQ(runs.size(), 1u);
}

TEST_F(JobRunnerTest, ARepeatingJobKeepsItsRhythmAndMissedRunsCollapseIntoOne) {
  handle();
  start();
  schedule("quiz", "tick", JobSchedule::every(clock, minutes(1)));
  advance(minutes(1), 1);
  advance(minutes(1), 1);
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_TRUE(last.repeating);
  // The engine was "down" for ten intervals: one run, then one a minute from now.
  clock.advance(minutes(10));
  advance(seconds(0), 1);
  EXPECT_EQ(runs.size(), 3u);
  advance(seconds(59));
  EXPECT_EQ(runs.size(), 3u);
  advance(seconds(1), 1);
  EXPECT_EQ(runs.size(), 4u);
  EXPECT_EQ(stored(), 1);
}

TEST_F(JobRunnerTest, AJobSurvivesARestartAndADueTimeMissedWhileDownRunsOnce) {
  handle();
  start();
  schedule("quiz", "r1", JobSchedule::after(clock, minutes(30)));
  open();  // the process dies; the job is only in the store now
  clock.advance(minutes(45));
  handle();
  start();
  advance(seconds(0), 1);
  EXPECT_EQ(runs, std::vector<std::string>{"quiz/r1"});
  open();
  handle();
  start();
  advance(minutes(60));
  EXPECT_EQ(runs.size(), 1u) << "the run was claimed in the store before it ran";
}

TEST_F(JobRunnerTest, ARunIsClaimedBeforeTheHandlerSoACrashInItNeverRepeatsIt) {
  runner->for_module("quiz").handle("ping", [this](const JobRun& run) {
    runs.push_back(run.id);
    throw std::runtime_error("boom");
  });
  start();
  schedule("quiz", "tick", JobSchedule::every(clock, minutes(1)));
  advance(minutes(1), 1);
  EXPECT_EQ(runs.size(), 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "quiz: job tick failed: boom");
  EXPECT_EQ(runner->stats().failures, 1u);
  // A restart right after: the stored due time is already the next one.
  open();
  handle();
  start();
  advance(seconds(30));
  EXPECT_EQ(runs.size(), 1u);
}

TEST_F(JobRunnerTest, ACancelledJobNeverRunsAndLeavesTheStore) {
  handle();
  start();
  schedule("quiz", "r1", JobSchedule::after(clock, seconds(10)));
  std::string error = "not answered";
  runner->for_module("quiz").cancel("r1", [&](const std::string& e) { error = e; });
  inbox.run_one();
  EXPECT_EQ(error, "");
  advance(minutes(1));
  EXPECT_TRUE(runs.empty());
  EXPECT_EQ(stored(), 0);
}

TEST_F(JobRunnerTest, RescheduleReplacesTheJob) {
  handle();
  start();
  schedule("quiz", "r1", JobSchedule::after(clock, seconds(10)), {{"v", 1}});
  schedule("quiz", "r1", JobSchedule::after(clock, seconds(20)), {{"v", 2}});
  advance(seconds(10));
  EXPECT_TRUE(runs.empty());
  advance(seconds(10), 1);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(last.payload.at("v"), 2);
}

TEST_F(JobRunnerTest, ModulesHaveTheirOwnIdsAndHandlers) {
  handle("quiz");
  handle("booking");
  start();
  schedule("quiz", "same", JobSchedule::after(clock, seconds(1)));
  schedule("booking", "same", JobSchedule::after(clock, seconds(1)));
  advance(seconds(1), 2);
  std::sort(runs.begin(), runs.end());
  EXPECT_EQ(runs, (std::vector<std::string>{"booking/same", "quiz/same"}));
}

TEST_F(JobRunnerTest, AJobOfAKindNobodyHandlesWaitsInTheStore) {
  start();
  schedule("gone", "r1", JobSchedule::after(clock, seconds(1)));
  advance(minutes(1));
  EXPECT_TRUE(runs.empty());
  EXPECT_EQ(stored(), 1) << "kept: the module may be switched on again";
}

}  // namespace
}  // namespace corebot::app
