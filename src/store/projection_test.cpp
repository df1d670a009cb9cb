#include "store/projection.hpp"

#include <gtest/gtest.h>

#include "corebot/store.hpp"
#include "store/document.hpp"

namespace corebot::store {
namespace {

namespace json = boost::json;

std::string project(std::string_view projection, std::string_view doc) {
  return json::serialize(
      Projection::compile(json::parse(projection).as_object()).apply(json::parse(doc).as_object()));
}

std::string sorted(std::string_view sort, std::string_view docs) {
  std::vector<json::object> v;
  const json::value parsed = json::parse(docs);
  for (const auto& d : parsed.as_array()) v.push_back(d.as_object());
  SortSpec::compile(json::parse(sort).as_object()).sort(v);
  std::string out;
  for (const auto& d : v) out += json::serialize(d.at("_id")) + " ";
  return out;
}

TEST(ProjectionTest, InclusionExclusionAndId) {
  const char* doc = R"({"_id":1,"a":1,"b":{"c":2,"d":3},"l":[{"c":1,"x":2},5]})";
  EXPECT_EQ(project(R"({"a":1})", doc), R"({"_id":1,"a":1})");
  EXPECT_EQ(project(R"({"a":1,"_id":0})", doc), R"({"a":1})");
  EXPECT_EQ(project(R"({"b.c":1})", doc), R"({"_id":1,"b":{"c":2}})");
  EXPECT_EQ(project(R"({"l.c":1})", doc), R"({"_id":1,"l":[{"c":1}]})");
  EXPECT_EQ(project(R"({"b":0,"l":0})", doc), R"({"_id":1,"a":1})");
  EXPECT_EQ(project(R"({"b.d":0})", doc), R"({"_id":1,"a":1,"b":{"c":2},"l":[{"c":1,"x":2},5]})");
  EXPECT_EQ(project(R"({"_id":0})", R"({"_id":1,"a":1})"), R"({"a":1})");
  EXPECT_EQ(project(R"({"_id":1})", R"({"_id":1,"a":1})"), R"({"_id":1})");
  EXPECT_THROW(Projection::compile(json::parse(R"({"a":1,"b":0})").as_object()), StoreError);
  EXPECT_THROW(Projection::compile(json::parse(R"({"a":{"$slice":1}})").as_object()), StoreError);
}

TEST(SortTest, MixedTypesMissingAndArrays) {
  const char* docs =
      R"([{"_id":1,"v":"s"},{"_id":2,"v":3},{"_id":3},{"_id":4,"v":true},{"_id":5,"v":{"a":1}},
          {"_id":6,"v":[7,0.5]},{"_id":7,"v":null}])";
  EXPECT_EQ(sorted(R"({"v":1})", docs), "3 7 6 2 1 5 4 ");   // [7,0.5] sorts by 0.5 ascending
  EXPECT_EQ(sorted(R"({"v":-1})", docs), "4 5 1 6 2 3 7 ");  // and by 7 descending
  EXPECT_EQ(sorted(R"({"k":1,"_id":-1})", R"([{"_id":1,"k":1},{"_id":2,"k":1},{"_id":3,"k":0}])"),
            "3 2 1 ");
  EXPECT_THROW(SortSpec::compile(json::parse(R"({"a":2})").as_object()), StoreError);
}

TEST(DocumentTest, PrepareAddsIdAndValidates) {
  json::object doc = json::parse(R"({"a":1})").as_object();
  prepare_document(doc);
  ASSERT_TRUE(doc.begin()->value().is_string());
  EXPECT_EQ(doc.begin()->key(), "_id");
  EXPECT_EQ(doc.begin()->value().get_string().size(), 24u);
  json::object bad = json::parse(R"({"a":{"$x":1}})").as_object();
  EXPECT_THROW(prepare_document(bad), StoreError);
  json::object big{{"s", std::string(2000, 'x')}};
  try {
    prepare_document(big, 1000);
    ADD_FAILURE();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreErrorKind::kTooLarge);
  }
  EXPECT_EQ(id_key(json::value(1.0)), id_key(json::value(1)));
  EXPECT_NE(id_key(json::value("1")), id_key(json::value(1)));
  EXPECT_NE(new_object_id(), new_object_id());
}

TEST(DocumentTest, ParsesUris) {
  const auto uri =
      parse_store_uri("sqlite:///var/lib/my%20bot.db?busy_timeout_ms=100&synchronous=normal");
  EXPECT_EQ(uri.scheme, "sqlite");
  EXPECT_EQ(uri.path, "/var/lib/my bot.db");
  EXPECT_EQ(uri.params.at("busy_timeout_ms"), "100");
  EXPECT_EQ(uri.params.at("synchronous"), "normal");
  EXPECT_THROW(parse_store_uri("bot.db"), StoreError);
  EXPECT_THROW(parse_store_uri("sqlite://"), StoreError);
  EXPECT_THROW(check_collection_name("a b"), StoreError);
  EXPECT_THROW(check_collection_name(""), StoreError);
  EXPECT_NO_THROW(check_collection_name("shop.orders-2"));
}

}  // namespace
}  // namespace corebot::store
