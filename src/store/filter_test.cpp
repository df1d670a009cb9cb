#include "store/filter.hpp"

#include <gtest/gtest.h>

#include "corebot/store.hpp"

namespace corebot::store {
namespace {

namespace json = boost::json;

bool match(std::string_view filter, std::string_view doc) {
  return Filter::compile(json::parse(filter).as_object()).matches(json::parse(doc).as_object());
}

StoreErrorKind error_of(std::string_view filter) {
  try {
    Filter::compile(json::parse(filter).as_object());
  } catch (const StoreError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no error for " << filter;
  return StoreErrorKind::kInternal;
}

TEST(FilterTest, EqualityAndDottedPaths) {
  EXPECT_TRUE(match(R"({})", R"({"a":1})"));
  EXPECT_TRUE(match(R"({"a":1})", R"({"a":1.0})"));
  EXPECT_FALSE(match(R"({"a":1})", R"({"a":"1"})"));
  EXPECT_TRUE(match(R"({"a.b":2})", R"({"a":{"b":2}})"));
  EXPECT_FALSE(match(R"({"a.b":2})", R"({"a":{"c":2}})"));
  EXPECT_TRUE(match(R"({"a":{"b":2}})", R"({"a":{"b":2}})"));
  EXPECT_FALSE(match(R"({"a":{"b":2}})", R"({"a":{"b":2,"c":3}})"));  // whole-object equality
}

TEST(FilterTest, ArraysMatchTheirElements) {
  EXPECT_TRUE(match(R"({"tags":"x"})", R"({"tags":["x","y"]})"));
  EXPECT_FALSE(match(R"({"tags":"z"})", R"({"tags":["x","y"]})"));
  EXPECT_TRUE(match(R"({"tags":["x","y"]})", R"({"tags":["x","y"]})"));
  EXPECT_FALSE(match(R"({"tags":["y","x"]})", R"({"tags":["x","y"]})"));
  EXPECT_TRUE(match(R"({"items.sku":"b"})", R"({"items":[{"sku":"a"},{"sku":"b"}]})"));
  EXPECT_TRUE(match(R"({"items.1.sku":"b"})", R"({"items":[{"sku":"a"},{"sku":"b"}]})"));
  EXPECT_FALSE(match(R"({"items.0.sku":"b"})", R"({"items":[{"sku":"a"},{"sku":"b"}]})"));
  EXPECT_TRUE(match(R"({"n":{"$gt":5}})", R"({"n":[1,10]})"));
  EXPECT_FALSE(match(R"({"n":{"$gt":50}})", R"({"n":[1,10]})"));
}

TEST(FilterTest, NullMatchesMissing) {
  EXPECT_TRUE(match(R"({"a":null})", R"({"b":1})"));
  EXPECT_TRUE(match(R"({"a":null})", R"({"a":null})"));
  EXPECT_FALSE(match(R"({"a":null})", R"({"a":0})"));
  EXPECT_FALSE(match(R"({"a":{"$ne":null}})", R"({"b":1})"));
  EXPECT_TRUE(match(R"({"a":{"$gte":null}})", R"({"b":1})"));
  EXPECT_FALSE(match(R"({"a":{"$gt":null}})", R"({"a":1})"));
}

TEST(FilterTest, RangesBracketTypes) {
  EXPECT_TRUE(match(R"({"a":{"$gt":1}})", R"({"a":2})"));
  EXPECT_FALSE(match(R"({"a":{"$gt":1}})", R"({"a":"2"})"));
  EXPECT_FALSE(match(R"({"a":{"$lt":"a"}})", R"({"a":1})"));
  EXPECT_TRUE(match(R"({"a":{"$gte":"b","$lt":"c"}})", R"({"a":"bz"})"));
  EXPECT_FALSE(match(R"({"a":{"$gt":1}})", R"({"b":2})"));
  EXPECT_TRUE(match(R"({"a":{"$lte":2.5}})", R"({"a":2})"));
}

TEST(FilterTest, SetsExistsAndNegations) {
  EXPECT_TRUE(match(R"({"a":{"$in":[1,2]}})", R"({"a":2})"));
  EXPECT_TRUE(match(R"({"a":{"$in":[null]}})", R"({})"));
  EXPECT_TRUE(match(R"({"a":{"$in":["x"]}})", R"({"a":["y","x"]})"));
  EXPECT_FALSE(match(R"({"a":{"$nin":[1,2]}})", R"({"a":2})"));
  EXPECT_TRUE(match(R"({"a":{"$nin":[1,2]}})", R"({})"));
  EXPECT_TRUE(match(R"({"a":{"$exists":true}})", R"({"a":null})"));
  EXPECT_FALSE(match(R"({"a":{"$exists":true}})", R"({})"));
  EXPECT_TRUE(match(R"({"a.b":{"$exists":false}})", R"({"a":1})"));
  EXPECT_TRUE(match(R"({"a":{"$ne":1}})", R"({"a":[2,3]})"));
  EXPECT_FALSE(match(R"({"a":{"$ne":2}})", R"({"a":[2,3]})"));
  EXPECT_TRUE(match(R"({"a":{"$not":{"$gt":5}}})", R"({"a":3})"));
  EXPECT_TRUE(match(R"({"a":{"$not":{"$gt":5}}})", R"({})"));
  EXPECT_FALSE(match(R"({"a":{"$not":{"$gt":5}}})", R"({"a":6})"));
}

TEST(FilterTest, LogicalOperators) {
  EXPECT_TRUE(match(R"({"$or":[{"a":1},{"b":2}]})", R"({"b":2})"));
  EXPECT_FALSE(match(R"({"$or":[{"a":1},{"b":2}]})", R"({"b":3})"));
  EXPECT_TRUE(match(R"({"$and":[{"a":1},{"b":2}]})", R"({"a":1,"b":2})"));
  EXPECT_FALSE(match(R"({"$and":[{"a":1},{"b":2}]})", R"({"a":1})"));
  EXPECT_TRUE(match(R"({"$nor":[{"a":1}]})", R"({"a":2})"));
}

TEST(FilterTest, BadFiltersAreErrors) {
  EXPECT_EQ(error_of(R"({"a":{"$regex":"x"}})"), StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_of(R"({"$where":"1"})"), StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_of(R"({"a":{"$elemMatch":{}}})"), StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_of(R"({"a":{"$in":1}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$or":[]})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$and":{}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"a":{"$gt":1,"b":2}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"a..b":1})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"a":{"$not":5}})"), StoreErrorKind::kInvalidArgument);
  try {
    Filter::compile(json::parse(R"({"a":{"$size":1}})").as_object());
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("$size"), std::string::npos) << e.what();
  }
}

TEST(FilterTest, UpsertSeedTakesEqualities) {
  const auto seed =
      Filter::compile(
          json::parse(R"({"a":1,"b.c":"x","d":{"$gt":1},"$and":[{"e":{"$eq":2}}]})").as_object())
          .upsert_seed();
  EXPECT_EQ(json::serialize(seed), R"({"a":1,"b":{"c":"x"},"e":2})");
}

// Only a filter that is one equality on `_id` with a scalar may be answered by a key lookup.
TEST(FilterTest, IdEqualityIsOnlyAWholeFilterOnAScalarId) {
  auto id_of = [](std::string_view filter) -> std::string {
    const Filter f = Filter::compile(json::parse(filter).as_object());
    const json::value* id = f.id_equality();
    return id == nullptr ? "none" : json::serialize(*id);
  };
  EXPECT_EQ(id_of(R"({"_id":7})"), "7");
  EXPECT_EQ(id_of(R"({"_id":{"$eq":"x"}})"), R"("x")");
  EXPECT_EQ(id_of(R"({"_id":7,"a":1})"), "none");
  EXPECT_EQ(id_of(R"({"_id":{"$gt":7}})"), "none");
  EXPECT_EQ(id_of(R"({"_id":{"$eq":7,"$ne":8}})"), "none");
  EXPECT_EQ(id_of(R"({"_id":{"a":1}})"), "none");
  EXPECT_EQ(id_of(R"({"_id":null})"), "none");
  EXPECT_EQ(id_of(R"({"$or":[{"_id":7}]})"), "none");
  EXPECT_EQ(id_of(R"({"a._id":7})"), "none");
  EXPECT_EQ(id_of("{}"), "none");
}

// plain_id reads {_id: x} without compiling: whatever it gives, the compiled filter's
// id_equality() gives too; the forms it leaves (null) are compiled and looked at there.
TEST(FilterTest, PlainIdAgreesWithTheCompiledIdEquality) {
  for (std::string_view text :
       {R"({"_id":7})", R"({"_id":"x"})", R"({"_id":1.5})", R"({"_id":{"$eq":"x"}})",
        R"({"_id":7,"a":1})", R"({"_id":{"$gt":7}})", R"({"_id":{"a":1}})", R"({"_id":null})",
        R"({"_id":true})", R"({"_id":[7]})", R"({"a":7})", "{}"}) {
    const json::object filter = json::parse(text).as_object();
    const json::value* plain = Filter::plain_id(filter);
    const Filter compiled_filter = Filter::compile(filter);  // id_equality() points into it
    const json::value* compiled = compiled_filter.id_equality();
    if (plain != nullptr) {
      ASSERT_NE(compiled, nullptr) << text;
      EXPECT_EQ(*plain, *compiled) << text;
    } else {
      EXPECT_TRUE(compiled == nullptr || text == R"({"_id":{"$eq":"x"}})") << text;
    }
  }
  EXPECT_EQ(json::serialize(*Filter::plain_id(json::parse(R"({"_id":7})").as_object())), "7");
}

}  // namespace
}  // namespace corebot::store
