// The engine's self-assessment at /health (issue 10: a 429 storm must show as "degraded").
#include "app/health.hpp"

#include <gtest/gtest.h>

namespace corebot::app {
namespace {

TEST(Health, QuietIsOk) {
  const Health h = assess_health({});
  EXPECT_EQ(h.status, "ok");
  EXPECT_TRUE(h.reasons.empty());
}

TEST(Health, A429StormIsDegradedWithTheRateLeft) {
  const Health h = assess_health({.rate_factor = 0.5, .bulk_factor = 0.25});
  EXPECT_EQ(h.status, "degraded");
  ASSERT_EQ(h.reasons.size(), 2u);
  EXPECT_EQ(h.reasons[0],
            "Telegram answered 429 to most replies: sending at 50% of the configured rate until it "
            "recovers");
  EXPECT_EQ(h.reasons[1],
            "Telegram answered 429 to many chats: mailings paused, then sent at 25% of their rate "
            "until it recovers; replies are not slowed by this");
}

// A storm on a share of chats cuts only mailings (outbox/options.hpp): still degraded, saying so.
TEST(Health, MailingsCutAfterA429FloodIsDegraded) {
  const Health h = assess_health({.bulk_factor = 0.5});
  EXPECT_EQ(h.status, "degraded");
  ASSERT_EQ(h.reasons.size(), 1u);
  EXPECT_NE(h.reasons[0].find("429"), std::string::npos);
  EXPECT_NE(h.reasons[0].find("50%"), std::string::npos);
}

TEST(Health, EveryPileUpIsAReason) {
  const Health h =
      assess_health({.replies_queued = 300, .updates_pending = 1000, .users_pending_write = 10000});
  EXPECT_EQ(h.status, "degraded");
  ASSERT_EQ(h.reasons.size(), 3u);
  EXPECT_EQ(h.reasons[0], "300 replies are waiting to be sent");
  EXPECT_EQ(assess_health({.replies_queued = 299}).status, "ok");
}

TEST(Health, StoppingWinsButKeepsTheReasons) {
  const Health h = assess_health({.stopping = true, .rate_factor = 0.5});
  EXPECT_EQ(h.status, "stopping");
  EXPECT_EQ(h.reasons.size(), 1u);
}

}  // namespace
}  // namespace corebot::app
