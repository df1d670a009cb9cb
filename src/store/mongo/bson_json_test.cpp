// BSON <-> JSON conversion and error mapping of the MongoDB backend (no server needed).
#include <gtest/gtest.h>

#include "store/mongo/bson_json.hpp"
#include "store/mongo/client.hpp"
#include "store/mongo/mongo_collection.hpp"

namespace corebot::store::mongo {
namespace {

namespace json = boost::json;

TEST(BsonJsonTest, RoundTripsJson) {
  const json::object doc = json::parse(
                               R"({"_id":"k","i":-5,"big":9007199254740993,"d":2.5,"s":"x\u0000y",
                                   "b":true,"n":null,"a":[1,"two",[3],{"x":{}}],"o":{"p":{"q":[]}}})")
                               .as_object();
  EXPECT_EQ(to_json(to_bson(doc).get()), doc);
}

TEST(BsonJsonTest, MapsTypesJsonLacks) {
  BsonPtr b = make_bson();
  bson_oid_t oid;
  bson_oid_init_from_string(&oid, "0123456789abcdef01234567");
  BSON_APPEND_OID(b.get(), "oid", &oid);
  BSON_APPEND_DATE_TIME(b.get(), "date", 1700000000123);
  BSON_APPEND_DATE_TIME(b.get(), "before_epoch", -1);
  BSON_APPEND_INT32(b.get(), "i32", 7);
  const std::uint8_t bytes[] = {'a', 'b', 'c', 'd'};
  BSON_APPEND_BINARY(b.get(), "bin", BSON_SUBTYPE_BINARY, bytes, 4);
  bson_decimal128_t dec;
  bson_decimal128_from_string("1.25", &dec);
  BSON_APPEND_DECIMAL128(b.get(), "dec", &dec);
  BSON_APPEND_TIMESTAMP(b.get(), "ts", 1, 2);
  BSON_APPEND_REGEX(b.get(), "re", "^a", "i");
  BSON_APPEND_MINKEY(b.get(), "min");
  EXPECT_EQ(to_json(b.get()), json::parse(R"({"oid":"0123456789abcdef01234567",
      "date":"2023-11-14T22:13:20.123Z","before_epoch":"1969-12-31T23:59:59.999Z","i32":7,
      "bin":"YWJjZA==","dec":"1.25","ts":4294967298,"re":"/^a/i","min":null})"));
}

TEST(BsonJsonTest, HugeUnsignedBecomesDouble) {
  const json::object doc{{"u", std::uint64_t{18446744073709551615ULL}}};
  const auto back = to_json(to_bson(doc).get());
  EXPECT_TRUE(back.at("u").is_double());
}

TEST(BsonJsonTest, RejectsNulInFieldNames) {
  json::object doc;
  doc[std::string("a\0b", 3)] = 1;
  try {
    to_bson(doc);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreErrorKind::kInvalidArgument);
  }
}

bson_error_t error(std::uint32_t domain, std::uint32_t code, const char* message = "m") {
  bson_error_t e;
  bson_set_error(&e, domain, code, "%s", message);
  return e;
}

TEST(MongoErrorTest, MapsServerCodesAndNetworkErrors) {
  EXPECT_EQ(to_store_error(error(MONGOC_ERROR_SERVER, 11000)).kind(),
            StoreErrorKind::kDuplicateKey);
  EXPECT_EQ(to_store_error(error(MONGOC_ERROR_SERVER, 14)).kind(), StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(to_store_error(error(MONGOC_ERROR_SERVER, 2, "The field 'l' must be an array")).kind(),
            StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(to_store_error(error(MONGOC_ERROR_SERVER, 66)).kind(),
            StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(to_store_error(error(MONGOC_ERROR_SERVER, 10334)).kind(), StoreErrorKind::kTooLarge);
  EXPECT_EQ(to_store_error(error(MONGOC_ERROR_SERVER, 99999)).kind(), StoreErrorKind::kInternal);
  const auto selection =
      error(MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE);
  EXPECT_EQ(to_store_error(selection).kind(), StoreErrorKind::kUnavailable);
  EXPECT_TRUE(is_connection_error(selection));
  EXPECT_TRUE(nothing_applied(selection));
  const auto socket = error(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET);
  EXPECT_TRUE(is_connection_error(socket));
  EXPECT_FALSE(nothing_applied(socket));  // a write may have been applied: not retried
  EXPECT_TRUE(is_connection_error(error(MONGOC_ERROR_SERVER, 10107)));
  EXPECT_FALSE(is_connection_error(error(MONGOC_ERROR_SERVER, 11000)));
}

TEST(BulkReplyTest, AttributesUpsertsAndTotalsToSpecs) {
  const auto spec = [](bool upsert) {
    return UpdateSpec{json::object{{"_id", 1}}, json::object{{"$set", {{"a", 1}}}}, upsert};
  };
  const std::vector<UpdateSpec> specs = {spec(false), spec(true), spec(true), spec(false)};
  // Spec 1 inserted; spec 2 (an upsert that did not insert) matched; one of 0 and 3 matched.
  const json::object reply = json::parse(R"({"nMatched":2,"nModified":1,"nUpserted":1,
      "upserted":[{"index":1,"_id":"new"}]})")
                                 .as_object();
  const auto results = attribute_bulk_reply(to_bson(reply).get(), specs);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[1].matched, 0);
  EXPECT_EQ(results[1].upserted_id, json::value("new"));
  EXPECT_EQ(results[2].matched, 1);
  EXPECT_EQ(results[0].matched + results[3].matched, 1);
  std::int64_t modified = 0;
  for (const auto& r : results) modified += r.modified;
  EXPECT_EQ(modified, 1);
}

}  // namespace
}  // namespace corebot::store::mongo
