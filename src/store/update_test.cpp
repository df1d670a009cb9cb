#include "store/update.hpp"

#include <gtest/gtest.h>

#include "corebot/store.hpp"

namespace corebot::store {
namespace {

namespace json = boost::json;

std::string apply(std::string_view update, std::string_view doc, bool inserting = false) {
  json::object d = json::parse(doc).as_object();
  Update::compile(json::parse(update).as_object()).apply(d, inserting);
  return json::serialize(d);
}

StoreErrorKind error_of(std::string_view update, std::string_view doc = R"({"_id":1})") {
  try {
    apply(update, doc);
  } catch (const StoreError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no error for " << update << " on " << doc;
  return StoreErrorKind::kInternal;
}

TEST(UpdateTest, SetAndUnset) {
  EXPECT_EQ(apply(R"({"$set":{"a":2}})", R"({"a":1})"), R"({"a":2})");
  EXPECT_EQ(apply(R"({"$set":{"b.c":2}})", R"({"a":1})"), R"({"a":1,"b":{"c":2}})");
  EXPECT_EQ(apply(R"({"$set":{"l.2":"z"}})", R"({"l":["x"]})"), R"({"l":["x",null,"z"]})");
  EXPECT_EQ(apply(R"({"$unset":{"a":""}})", R"({"a":1,"b":2})"), R"({"b":2})");
  EXPECT_EQ(apply(R"({"$unset":{"b.c":""}})", R"({"b":{"c":1,"d":2}})"), R"({"b":{"d":2}})");
  EXPECT_EQ(apply(R"({"$unset":{"l.0":""}})", R"({"l":[1,2]})"), R"({"l":[null,2]})");
  EXPECT_EQ(apply(R"({"$unset":{"x.y":""}})", R"({"a":1})"), R"({"a":1})");
}

TEST(UpdateTest, IncMinMax) {
  EXPECT_EQ(apply(R"({"$inc":{"n":2}})", R"({"n":1})"), R"({"n":3})");
  EXPECT_EQ(apply(R"({"$inc":{"n":-1}})", R"({})"), R"({"n":-1})");
  EXPECT_EQ(apply(R"({"$inc":{"n":0.5}})", R"({"n":1})"), R"({"n":1.5E0})");
  EXPECT_EQ(apply(R"({"$min":{"n":0}})", R"({"n":1})"), R"({"n":0})");
  EXPECT_EQ(apply(R"({"$min":{"n":5}})", R"({"n":1})"), R"({"n":1})");
  EXPECT_EQ(apply(R"({"$max":{"n":5}})", R"({"n":1})"), R"({"n":5})");
  EXPECT_EQ(apply(R"({"$max":{"n":5}})", R"({})"), R"({"n":5})");
  EXPECT_EQ(apply(R"({"$max":{"n":"a"}})", R"({"n":9})"), R"({"n":"a"})");  // strings > numbers
}

TEST(UpdateTest, ArrayOperators) {
  EXPECT_EQ(apply(R"({"$push":{"l":3}})", R"({"l":[1]})"), R"({"l":[1,3]})");
  EXPECT_EQ(apply(R"({"$push":{"l":{"$each":[2,3]}}})", R"({})"), R"({"l":[2,3]})");
  EXPECT_EQ(apply(R"({"$addToSet":{"l":1}})", R"({"l":[1]})"), R"({"l":[1]})");
  EXPECT_EQ(apply(R"({"$addToSet":{"l":{"$each":[1,2,2]}}})", R"({"l":[1]})"), R"({"l":[1,2]})");
  EXPECT_EQ(apply(R"({"$pull":{"l":1}})", R"({"l":[1,2,1]})"), R"({"l":[2]})");
  EXPECT_EQ(apply(R"({"$pull":{"l":{"$gte":2}}})", R"({"l":[1,2,3]})"), R"({"l":[1]})");
  EXPECT_EQ(apply(R"({"$pull":{"l":{"k":1}}})", R"({"l":[{"k":1,"v":2},{"k":2}]})"),
            R"({"l":[{"k":2}]})");
  EXPECT_EQ(apply(R"({"$pull":{"l":1}})", R"({})"), R"({})");
}

TEST(UpdateTest, SetOnInsertOnlyWhenInserting) {
  EXPECT_EQ(apply(R"({"$setOnInsert":{"a":1}})", R"({})"), R"({})");
  EXPECT_EQ(apply(R"({"$setOnInsert":{"a":1}})", R"({})", true), R"({"a":1})");
}

bool changes(std::string_view update, std::string_view doc) {
  json::object d = json::parse(doc).as_object();
  return Update::compile(json::parse(update).as_object()).apply(d, false);
}

// Each operator decides whether it changed the document (no copy is compared): an update that
// leaves the document as it was is not written and not counted as modified.
TEST(UpdateTest, ReportsWhetherTheDocumentChanged) {
  const char* doc = R"({"_id":1,"a":1,"f":1.5,"l":[1,null],"o":{"x":1},"s":"z"})";
  EXPECT_FALSE(changes(R"({"$set":{"a":1,"o.x":1,"s":"z","l":[1,null]}})", doc));
  EXPECT_TRUE(changes(R"({"$set":{"a":2}})", doc));
  EXPECT_TRUE(changes(R"({"$set":{"a":1.0}})", doc)) << "a double is not the integer";
  EXPECT_TRUE(changes(R"({"$set":{"n":null}})", doc)) << "a new field, even null";
  EXPECT_TRUE(changes(R"({"$set":{"o.y.z":1}})", doc));
  EXPECT_FALSE(changes(R"({"$unset":{"missing":"","o.y":"","l.1":"","l.5":""}})", doc));
  EXPECT_TRUE(changes(R"({"$unset":{"l.0":""}})", doc));
  EXPECT_TRUE(changes(R"({"$unset":{"o.x":""}})", doc));
  EXPECT_FALSE(changes(R"({"$inc":{"a":0}})", doc));
  EXPECT_TRUE(changes(R"({"$inc":{"a":1}})", doc));
  EXPECT_TRUE(changes(R"({"$inc":{"new":0}})", doc));
  EXPECT_FALSE(changes(R"({"$min":{"a":1,"f":2}})", doc));
  EXPECT_TRUE(changes(R"({"$min":{"f":1}})", doc));
  EXPECT_FALSE(changes(R"({"$max":{"a":0}})", doc));
  EXPECT_FALSE(changes(R"({"$addToSet":{"l":1}})", doc));
  EXPECT_TRUE(changes(R"({"$addToSet":{"l":2}})", doc));
  EXPECT_FALSE(changes(R"({"$push":{"l":{"$each":[]}}})", doc));
  EXPECT_TRUE(changes(R"({"$push":{"l":1}})", doc));
  EXPECT_TRUE(changes(R"({"$push":{"m":{"$each":[]}}})", doc)) << "an empty array is created";
  EXPECT_FALSE(changes(R"({"$pull":{"l":7}})", doc));
  EXPECT_TRUE(changes(R"({"$pull":{"l":null}})", doc));
  EXPECT_FALSE(changes(R"({"$setOnInsert":{"a":5}})", doc));
}

TEST(UpdateTest, Errors) {
  EXPECT_EQ(error_of(R"({"$inc":{"a":1}})", R"({"a":"x"})"), StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(error_of(R"({"$push":{"a":1}})", R"({"a":1})"), StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(error_of(R"({"$pull":{"a":1}})", R"({"a":{}})"), StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(error_of(R"({"$set":{"a.b":1}})", R"({"a":5})"), StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(error_of(R"({"$inc":{"a":"1"}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$inc":{"a":1}})", R"({"a":9223372036854775807})"),
            StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$rename":{"a":"b"}})"), StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_of(R"({"$push":{"a":{"$each":[1],"$slice":2}}})"),
            StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_of(R"({"a":1})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$set":{"a":1},"$inc":{"a":1}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$set":{"a":1,"a.b":1}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$set":{"_id":2}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$set":5})"), StoreErrorKind::kInvalidArgument);
  // A top-level field is validated like a dotted path's components.
  EXPECT_EQ(error_of(R"({"$set":{"":1}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$set":{"$a":1}})"), StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_of(R"({"$set":{"a.":1}})"), StoreErrorKind::kInvalidArgument);
}

// Conflicts are found between neighbours of the sorted paths: a path's extensions sort right
// after it even when other paths share its first letters ("a-x" sorts between "a" and "a.b" as
// text, not as paths).
TEST(UpdateTest, ConflictingPathsAreFoundInAnyOrder) {
  auto message_of = [](std::string_view update) -> std::string {
    try {
      (void)Update::compile(json::parse(update).as_object());
    } catch (const StoreError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message_of(R"({"$set":{"a.b":1,"a-x":1,"a":1}})").find("the paths 'a' and 'a.b'"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"$inc":{"z.y.x":1},"$set":{"b":1,"z.y":1}})").find("conflict"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"$set":{"q":1},"$unset":{"q":""}})").find("conflict"),
            std::string::npos);
  EXPECT_EQ(message_of(R"({"$set":{"a.b":1,"a.c":1,"ab":1,"a-x.b":1}})"), "");
}

}  // namespace
}  // namespace corebot::store
