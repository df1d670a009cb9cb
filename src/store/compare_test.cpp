#include "store/compare.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace corebot::store {
namespace {

namespace json = boost::json;

int cmp(std::string_view a, std::string_view b) {
  return compare_values(json::parse(a), json::parse(b));
}

TEST(CompareTest, TypeOrderFollowsBson) {
  // null < numbers < strings < objects < arrays < booleans
  const char* ordered[] = {"null",      "-5", "3.5", "\"\"",  "\"a\"", "{}",
                           "{\"a\":1}", "[]", "[1]", "false", "true"};
  for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_LT(cmp(ordered[i], ordered[i + 1]), 0) << ordered[i] << " vs " << ordered[i + 1];
    EXPECT_GT(cmp(ordered[i + 1], ordered[i]), 0) << ordered[i + 1] << " vs " << ordered[i];
  }
}

TEST(CompareTest, NumbersCompareByValueAcrossRepresentations) {
  EXPECT_EQ(cmp("1", "1.0"), 0);
  EXPECT_LT(cmp("1", "1.5"), 0);
  EXPECT_GT(cmp("2", "1.5"), 0);
  EXPECT_LT(cmp("-1.5", "-1"), 0);
  EXPECT_EQ(cmp("18446744073709551615", "18446744073709551615"), 0);
  EXPECT_GT(cmp("18446744073709551615", "9223372036854775807"), 0);
  EXPECT_LT(cmp("-9223372036854775808", "18446744073709551615"), 0);
  // 2^53 + 1 is not representable as a double; the comparison must not round it.
  EXPECT_GT(
      compare_values(json::value(std::int64_t{9007199254740993}), json::value(9007199254740992.0)),
      0);
  EXPECT_LT(
      compare_values(json::value(std::numeric_limits<double>::quiet_NaN()), json::value(-1e300)),
      0);
}

TEST(CompareTest, StringsAreByteWise) {
  EXPECT_LT(cmp("\"B\"", "\"a\""), 0);
  EXPECT_LT(cmp("\"a\"", "\"ab\""), 0);
  EXPECT_LT(cmp("\"z\"", "\"\\u00e9\""), 0);  // UTF-8 bytes above ASCII sort last
}

TEST(CompareTest, ObjectsAndArraysCompareElementWise) {
  EXPECT_LT(cmp("{\"a\":1}", "{\"a\":2}"), 0);
  EXPECT_LT(cmp("{\"a\":1}", "{\"b\":0}"), 0);
  EXPECT_LT(cmp("{\"a\":1}", "{\"a\":1,\"b\":0}"), 0);
  EXPECT_LT(cmp("{\"a\":5}", "{\"a\":\"x\"}"), 0);  // field types compare before values
  EXPECT_LT(cmp("[1,2]", "[1,3]"), 0);
  EXPECT_LT(cmp("[1,2]", "[1,2,0]"), 0);
  EXPECT_EQ(cmp("[1,{\"a\":[2.0]}]", "[1.0,{\"a\":[2]}]"), 0);
  EXPECT_TRUE(values_equal(json::parse("{\"a\":1}"), json::parse("{\"a\":1.0}")));
}

}  // namespace
}  // namespace corebot::store
