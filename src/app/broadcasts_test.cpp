#include "app/broadcasts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

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

TEST(Broadcasts, KeepsAWindowOfMessagesWithTheSender) {
  testing::RecordingSender sender;
  core::ManualClock clock;
  Broadcasts mailings(sender, clock, 3);
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 10; ++i) ids.push_back(i);
  auto id = mailings.start("news", ids);
  ASSERT_EQ(sender.calls.size(), 3u) << "only the window is handed out";
  CallResult ok;
  ok.ok = true;
  // Each answer lets the next recipient go, in the list's order.
  for (std::size_t answered = 0; answered < 10; ++answered) {
    sender.calls[answered].done(ok);
    EXPECT_EQ(sender.calls.size(), std::min<std::size_t>(answered + 4, 10));
  }
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(sender.calls[i].params.at("chat_id").as_int64(), static_cast<std::int64_t>(i + 1));
  }
  auto progress = mailings.progress(id);
  EXPECT_EQ(progress->sent, 10u);
  EXPECT_TRUE(progress->done());
}

// Answers inside call(), as a fake transport does: the mailing runs to the end without
// recursing once per recipient.
class AnsweringSender final : public Sender {
 public:
  using Sender::call;
  void call(ApiCall, Priority, CallDone done) override {
    ++calls;
    CallResult r;
    r.ok = true;
    if (done) done(r);
  }
  std::size_t calls = 0;
};

TEST(Broadcasts, SynchronousAnswersDoNotRecurse) {
  AnsweringSender sender;
  core::ManualClock clock;
  Broadcasts mailings(sender, clock, 4);
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 200000; ++i) ids.push_back(i);
  auto id = mailings.start("news", ids);
  EXPECT_EQ(sender.calls, 200000u);
  EXPECT_TRUE(mailings.progress(id)->done());
}

TEST(Broadcasts, StopsWhenTheOutboxRefuses) {
  testing::RecordingSender sender;
  core::ManualClock clock;
  Broadcasts mailings(sender, clock, 2);
  auto id = mailings.start("news", {1, 2, 3, 4, 5});
  ASSERT_EQ(sender.calls.size(), 2u);
  CallResult refused;
  refused.error_code = -1;
  refused.description = "outbox draining: bulk calls not accepted";
  sender.calls[0].done(refused);
  CallResult ok;
  ok.ok = true;
  sender.calls[1].done(ok);
  EXPECT_EQ(sender.calls.size(), 2u) << "nothing more after a refusal";
  auto progress = mailings.progress(id);
  EXPECT_EQ(progress->sent, 1u);
  EXPECT_EQ(progress->failed, 0u);
  EXPECT_FALSE(progress->done());
}

TEST(Broadcasts, AnswersAfterDestructionAreIgnored) {
  testing::RecordingSender sender;
  core::ManualClock clock;
  auto mailings = std::make_unique<Broadcasts>(sender, clock, 1);
  (void)mailings->start("news", {1, 2});
  mailings.reset();
  CallResult ok;
  ok.ok = true;
  sender.calls[0].done(ok);
  EXPECT_EQ(sender.calls.size(), 1u);
}

}  // namespace
}  // namespace corebot::app
