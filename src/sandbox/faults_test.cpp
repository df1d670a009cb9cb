#include "sandbox/faults.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

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
