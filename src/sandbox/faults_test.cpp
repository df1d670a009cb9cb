#include "sandbox/faults.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace corebot::sandbox {
namespace {

Fault parse(std::string_view text) {
  auto r = FaultSet::parse(boost::json::parse(text).as_object());
  EXPECT_TRUE(std::holds_alternative<Fault>(r)) << std::get<std::string>(r);
  return std::holds_alternative<Fault>(r) ? std::get<Fault>(r) : Fault{};
}

TEST(Faults, CountsAreUsedUp) {
  FaultSet faults;
  faults.add(parse(R"({"method":"sendMessage","kind":"status","status":503,"count":2})"));
  EXPECT_FALSE(faults.take("getMe").outcome);
  EXPECT_EQ(faults.take("sendmessage").outcome->status, 503);
  EXPECT_EQ(faults.take("sendMessage").outcome->status, 503);
  EXPECT_FALSE(faults.take("sendMessage").outcome);
  EXPECT_TRUE(faults.empty());
}

TEST(Faults, UnlimitedUntilCleared) {
  FaultSet faults;
  faults.add(parse(R"({"method":"*","kind":"drop","count":0})"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(faults.take("getUpdates").outcome->kind, FaultKind::kDrop);
  faults.clear();
  EXPECT_FALSE(faults.take("getUpdates").outcome);
}

TEST(Faults, LatencyCombinesWithOneOutcome) {
  FaultSet faults;
  faults.add(parse(R"({"kind":"latency","latency_ms":250})"));
  faults.add(parse(R"({"kind":"429","retry_after":3})"));
  faults.add(parse(R"({"kind":"malformed"})"));
  FaultPlan plan = faults.take("sendMessage");
  EXPECT_EQ(plan.latency_ms, 250);
  EXPECT_EQ(plan.outcome->kind, FaultKind::kTooManyRequests);
  EXPECT_EQ(plan.outcome->retry_after, 3);
  plan = faults.take("sendMessage");
  EXPECT_EQ(plan.latency_ms, 0);
  EXPECT_EQ(plan.outcome->kind, FaultKind::kMalformed);
}

// Issue 10: a 429 storm on a share of the chats, for a while.
TEST(Faults, ChatListLimitsAFaultToThoseChats) {
  FaultSet faults;
  faults.add(parse(R"({"kind":"429","chats":[5,-100],"count":0})"));
  EXPECT_EQ(faults.take("sendMessage", 5).outcome->kind, FaultKind::kTooManyRequests);
  EXPECT_EQ(faults.take("sendMessage", -100).outcome->kind, FaultKind::kTooManyRequests);
  EXPECT_FALSE(faults.take("sendMessage", 6).outcome);
  EXPECT_FALSE(faults.take("getUpdates").outcome);  // no chat: a chat-limited fault never applies
}

TEST(Faults, ChatShareSelectsAStableShareOfChats) {
  FaultSet faults;
  faults.add(parse(R"({"kind":"429","chat_share":0.2,"count":0})"));
  int hit = 0;
  for (std::int64_t chat = 1; chat <= 10000; ++chat) {
    const bool faulted = faults.take("sendMessage", chat).outcome.has_value();
    EXPECT_EQ(faulted, chat_selected(0.2, chat));
    EXPECT_EQ(faulted, faults.take("sendMessage", chat).outcome.has_value()) << "stable";
    hit += faulted ? 1 : 0;
  }
  EXPECT_NEAR(hit, 2000, 150);
  EXPECT_FALSE(faults.take("getMe").outcome);
  for (std::int64_t chat = 1; chat <= 1000; ++chat) EXPECT_TRUE(chat_selected(1.0, chat));
}

TEST(Faults, ForMsEndsTheFaultOnTheClock) {
  core::ManualClock clock;
  FaultSet faults;
  faults.add(parse(R"({"kind":"429","for_ms":1500,"count":0})"), clock.now());
  EXPECT_TRUE(faults.take("sendMessage", 1, clock.now()).outcome);
  clock.advance(std::chrono::milliseconds(1499));
  EXPECT_TRUE(faults.take("sendMessage", 1, clock.now()).outcome);
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(faults.take("sendMessage", 1, clock.now()).outcome);
  EXPECT_TRUE(faults.empty());
}

TEST(Faults, BadChatLimitsSayWhatIsWrong) {
  auto error = [](const char* text) {
    auto r = FaultSet::parse(boost::json::parse(text).as_object());
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string();
  };
  EXPECT_EQ(error(R"({"kind":"429","chats":[1],"chat_share":0.5})"),
            "give chats or chat_share, not both");
  EXPECT_EQ(error(R"({"kind":"429","chats":[]})"),
            "chats must be a non-empty list of at most 100000 chat ids");
  EXPECT_EQ(error(R"({"kind":"429","chats":["1"]})"), "chats must hold non-zero integer chat ids");
  for (const char* share :
       {R"({"kind":"429","chat_share":0})", R"({"kind":"429","chat_share":1.5})",
        R"({"kind":"429","chat_share":"0.2"})"}) {
    EXPECT_EQ(error(share), "chat_share must be a number in (0, 1], e.g. 0.2 for 20 %") << share;
  }
  EXPECT_EQ(error(R"({"kind":"429","for_ms":0})"),
            "for_ms must be an integer in 1..86400000 (milliseconds after it is added)");
  EXPECT_EQ(error(R"({"kind":"429","for_ms":2.5})"),
            "for_ms must be an integer in 1..86400000 (milliseconds after it is added)");
}

TEST(Faults, BadSpecsAreRejected) {
  for (const char* text : {R"({})", R"({"kind":"explode"})", R"({"kind":"status","status":200})",
                           R"({"kind":"latency"})", R"({"kind":"drop","count":-1})",
                           R"({"kind":"drop","count":1e99})", R"({"kind":"drop","method":5})"}) {
    EXPECT_TRUE(
        std::holds_alternative<std::string>(FaultSet::parse(boost::json::parse(text).as_object())))
        << text;
  }
}

}  // namespace
}  // namespace corebot::sandbox
