#include "app/broadcasts.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/recording_sender.hpp"

namespace corebot::app {
namespace {

TEST(Broadcasts, QueuesOneBulkMessagePerDistinctChatAndCountsOutcomes) {
  testing::RecordingSender sender;
  core::ManualClock clock;
  Broadcasts mailings(sender, clock);
  auto id = mailings.start("news", {1, 2, 2, 3, 4});
  ASSERT_EQ(sender.calls.size(), 4u) << "duplicates are removed";
  for (const auto& call : sender.calls) {
    EXPECT_EQ(call.method, "sendMessage");
    EXPECT_EQ(call.priority, Priority::kBulk);
    EXPECT_EQ(call.params.at("text").as_string(), "news");
  }
  EXPECT_EQ(sender.calls[1].params.at("chat_id").as_int64(), 2);

  auto progress = mailings.progress(id);
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->total, 4u);
  EXPECT_FALSE(progress->done());

  CallResult ok;
  ok.ok = true;
  CallResult blocked;
  blocked.error_code = 403;
  blocked.blocked_by_user = true;
  CallResult bad;
  bad.error_code = 400;
  sender.calls[0].done(ok);
  sender.calls[1].done(blocked);
  sender.calls[2].done(bad);
  clock.advance(std::chrono::seconds(3));
  sender.calls[3].done(ok);
  progress = mailings.progress(id);
  EXPECT_EQ(progress->sent, 2u);
  EXPECT_EQ(progress->blocked, 1u);
  EXPECT_EQ(progress->failed, 1u);
  EXPECT_TRUE(progress->done());
  EXPECT_EQ(progress->finished_ms - progress->started_ms, 3000);
  EXPECT_EQ(progress->to_json().at("done").as_bool(), true);
}

TEST(Broadcasts, RefusesEmptyTextOrRecipientsAndUnknownIds) {
  testing::RecordingSender sender;
  core::ManualClock clock;
  Broadcasts mailings(sender, clock);
  EXPECT_THROW(mailings.start("", {1}), std::invalid_argument);
  EXPECT_THROW(mailings.start("hi", {}), std::invalid_argument);
  EXPECT_THROW(mailings.start(std::string(5000, 'x'), {1}), std::invalid_argument);
  EXPECT_TRUE(sender.calls.empty());
  EXPECT_FALSE(mailings.progress("m42"));
}

}  // namespace
}  // namespace corebot::app
