// One test code for every backend: the same operations must give identical results on SQLite and
// on MongoDB. SQLite always runs (in a temp dir); MongoDB runs when COREBOT_TEST_MONGODB_URI is
// set (e.g. mongodb://127.0.0.1:27017/corebot_test; scripts/test.sh starts FerretDB and sets it).
//
// FerretDB 1.24 (the CI server) differs from MongoDB in places; each is marked "FerretDB:" below
// and listed in docs/store.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <string>

#include "corebot/store.hpp"
#include "temp_dir.hpp"

namespace corebot {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

struct Backend {
  std::string name;
  // Opens a store, or returns null after GTEST_SKIP-worthy reasons are put in `skip`.
  std::function<std::unique_ptr<DocumentStore>(const testing::TempDir&, std::string& skip)> open;
};

// Names the parameter in test listings (instead of its bytes).
void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

std::string PrintBackend(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

const Backend kSqlite{"sqlite", [](const testing::TempDir& dir, std::string&) {
                        return open_store(dir.sqlite_uri());
                      }};

const Backend kMongo{
    "mongodb", [](const testing::TempDir&, std::string& skip) -> std::unique_ptr<DocumentStore> {
      const char* uri = std::getenv("COREBOT_TEST_MONGODB_URI");
      if (uri == nullptr || *uri == '\0') {
        skip = "set COREBOT_TEST_MONGODB_URI to run the MongoDB backend";
        return nullptr;
      }
      try {
        return open_store(uri);
      } catch (const StoreError& e) {
        if (e.kind() != StoreErrorKind::kUnavailable) throw;
        skip = std::string("MongoDB backend unavailable: ") + e.what();
        return nullptr;
      }
    }};

class ConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string skip;
    store_ = GetParam().open(dir_, skip);
    if (store_ == nullptr) GTEST_SKIP() << skip;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    name = "conf." + name.substr(0, name.find('/'));
    store_->drop_collection(name);
    coll_ = &store_->collection(name);
  }
  void TearDown() override {
    if (coll_ != nullptr) store_->drop_collection(coll_->name());
  }

  // FerretDB rather than MongoDB (the backend asks the server at open).
  bool ferretdb() const { return store_->health().server.starts_with("FerretDB"); }

  // The fixture most query tests share.
  void load_people() {
    coll_->insert_many({
        obj(R"({"_id":1,"n":1,"s":"a","tags":["x","y"],"o":{"k":1},"mixed":null})"),
        obj(R"({"_id":2,"n":2.5,"s":"b","tags":["y"],"o":{"k":2},"mixed":5})"),
        obj(R"({"_id":3,"n":-1,"s":"c","tags":[],"items":[{"sku":"a","q":1},{"sku":"b","q":5}],
                "mixed":"str"})"),
        obj(R"({"_id":4,"s":"ab","o":{"k":[1,2]},"mixed":{"a":1}})"),
        obj(R"({"_id":5,"n":10,"mixed":[1,2],"flag":true})"),
        obj(R"({"_id":6,"n":"10","mixed":true,"flag":false})"),
    });
  }

  // The `_id`s found, in result order.
  std::string ids(std::string_view filter, const FindOptions& options = {}) {
    std::string out;
    for (const auto& doc : coll_->find(obj(filter), options)) {
      if (!out.empty()) out += ",";
      out += json::serialize(doc.at("_id"));
    }
    return out;
  }
  std::string sorted_ids(std::string_view filter) {
    FindOptions options;
    options.sort = obj(R"({"_id":1})");
    return ids(filter, options);
  }

  StoreErrorKind error_kind(const std::function<void()>& f) {
    try {
      f();
    } catch (const StoreError& e) {
      EXPECT_EQ(e.collection(), coll_->name()) << e.what();
      return e.kind();
    }
    ADD_FAILURE() << "no StoreError";
    return StoreErrorKind::kInternal;
  }

  testing::TempDir dir_{"conformance"};
  std::unique_ptr<DocumentStore> store_;
  Collection* coll_ = nullptr;
};

TEST_P(ConformanceTest, InsertAssignsIdsAndRejectsDuplicates) {
  const json::value id = coll_->insert_one(obj(R"({"a":1})"));
  ASSERT_TRUE(id.is_string());
  EXPECT_EQ(id.get_string().size(), 24u);
  auto found = coll_->find_one(json::object{{"_id", id}});
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->at("a"), 1);
  EXPECT_EQ(coll_->insert_one(obj(R"({"_id":"k","a":2})")), "k");
  EXPECT_EQ(error_kind([&] { coll_->insert_one(obj(R"({"_id":"k"})")); }),
            StoreErrorKind::kDuplicateKey);
  EXPECT_EQ(coll_->count({}), 2);
}

TEST_P(ConformanceTest, ComparisonOperators) {
  load_people();
  EXPECT_EQ(sorted_ids(R"({"n":1})"), "1");
  EXPECT_EQ(sorted_ids(R"({"n":{"$eq":2.5}})"), "2");
  EXPECT_EQ(sorted_ids(R"({"n":{"$ne":1}})"), "2,3,4,5,6");
  EXPECT_EQ(sorted_ids(R"({"n":{"$gt":1}})"), "2,5");  // "10" is a string: bracketed out
  EXPECT_EQ(sorted_ids(R"({"n":{"$gte":1}})"), "1,2,5");
  EXPECT_EQ(sorted_ids(R"({"n":{"$lt":2.5}})"), "1,3");
  EXPECT_EQ(sorted_ids(R"({"n":{"$lte":2.5}})"), "1,2,3");
  EXPECT_EQ(sorted_ids(R"({"n":{"$gt":0,"$lt":5}})"), "1,2");
  EXPECT_EQ(sorted_ids(R"({"n":{"$gte":"1"}})"), "6");
  EXPECT_EQ(sorted_ids(R"({"s":{"$gt":"a"}})"), "2,3,4");
  EXPECT_EQ(sorted_ids(R"({"s":{"$lt":"b"}})"), "1,4");
}

TEST_P(ConformanceTest, SetExistsAndLogicalOperators) {
  load_people();
  EXPECT_EQ(sorted_ids(R"({"n":{"$in":[1,10,"x"]}})"), "1,5");
  EXPECT_EQ(sorted_ids(R"({"n":{"$nin":[1,10]}})"), "2,3,4,6");
  EXPECT_EQ(sorted_ids(R"({"n":{"$in":[null]}})"), "4");
  EXPECT_EQ(sorted_ids(R"({"n":{"$exists":false}})"), "4");
  EXPECT_EQ(sorted_ids(R"({"mixed":{"$exists":true}})"), "1,2,3,4,5,6");
  EXPECT_EQ(sorted_ids(R"({"flag":{"$exists":true}})"), "5,6");
  EXPECT_EQ(sorted_ids(R"({"$or":[{"n":1},{"s":"c"}]})"), "1,3");
  EXPECT_EQ(sorted_ids(R"({"$and":[{"n":{"$gt":0}},{"tags":"y"}]})"), "1,2");
  EXPECT_EQ(sorted_ids(R"({"n":{"$not":{"$gt":1}}})"), "1,3,4,6");
  EXPECT_EQ(sorted_ids(R"({"$or":[{"flag":true},{"$and":[{"s":"a"},{"n":1}]}]})"), "1,5");
  EXPECT_EQ(sorted_ids(R"({"flag":false})"), "6");
  EXPECT_EQ(sorted_ids(R"({"flag":{"$ne":true}})"), "1,2,3,4,6");
}

TEST_P(ConformanceTest, NullAndMissingFields) {
  load_people();
  EXPECT_EQ(sorted_ids(R"({"mixed":null})"), "1");
  EXPECT_EQ(sorted_ids(R"({"flag":null})"), "1,2,3,4");
  EXPECT_EQ(sorted_ids(R"({"flag":{"$ne":null}})"), "5,6");
  EXPECT_EQ(sorted_ids(R"({"nothing.here":null})"), "1,2,3,4,5,6");
  EXPECT_EQ(sorted_ids(R"({"nothing":{"$gt":0}})"), "");
}

TEST_P(ConformanceTest, DottedPathsAndArrays) {
  load_people();
  EXPECT_EQ(sorted_ids(R"({"tags":"x"})"), "1");
  EXPECT_EQ(sorted_ids(R"({"tags":"y"})"), "1,2");
  EXPECT_EQ(sorted_ids(R"({"tags":["x","y"]})"), "1");
  EXPECT_EQ(sorted_ids(R"({"tags":[]})"), "3");
  EXPECT_EQ(sorted_ids(R"({"tags":{"$in":["x","q"]}})"), "1");
  EXPECT_EQ(sorted_ids(R"({"o.k":1})"), "1,4");  // 4 holds [1,2]
  EXPECT_EQ(sorted_ids(R"({"o.k":{"$gt":1}})"), "2,4");
  EXPECT_EQ(sorted_ids(R"({"o":{"k":2}})"), "2");
  EXPECT_EQ(sorted_ids(R"({"items.sku":"b"})"), "3");
  EXPECT_EQ(sorted_ids(R"({"items.q":{"$gte":5}})"), "3");
  EXPECT_EQ(sorted_ids(R"({"items.0.sku":"a"})"), "3");
  EXPECT_EQ(sorted_ids(R"({"items.1.sku":"a"})"), "");
  EXPECT_EQ(sorted_ids(R"({"mixed.a":1})"), "4");
  EXPECT_EQ(sorted_ids(R"({"mixed":2})"), "5");
}

TEST_P(ConformanceTest, SortFollowsBsonTypeOrder) {
  load_people();
  FindOptions options;
  options.sort = obj(R"({"mixed":1})");
  // null < numbers (5, and [1,2] by its least element 1) < string < object < bool
  EXPECT_EQ(ids("{}", options), "1,5,2,3,4,6");
  options.sort = obj(R"({"mixed":-1})");
  EXPECT_EQ(ids("{}", options), "6,4,3,2,5,1");  // [1,2] by its greatest element 2
  options.sort = obj(R"({"n":1})");
  EXPECT_EQ(ids("{}", options), "4,3,1,2,5,6");  // missing as null, "10" after numbers
  options.sort = obj(R"({"flag":-1,"_id":1})");
  EXPECT_EQ(ids("{}", options), "5,6,1,2,3,4");
}

TEST_P(ConformanceTest, SkipLimitAndProjection) {
  load_people();
  FindOptions options;
  options.sort = obj(R"({"_id":-1})");
  options.skip = 1;
  options.limit = 2;
  EXPECT_EQ(ids("{}", options), "5,4");
  options = {};
  options.sort = obj(R"({"_id":1})");
  options.projection = obj(R"({"s":1,"o.k":1})");
  const auto docs = coll_->find(obj(R"({"_id":{"$lte":2}})"), options);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0], obj(R"({"_id":1,"s":"a","o":{"k":1}})"));
  options.projection = obj(R"({"tags":0,"items":0,"mixed":0,"o":0,"_id":0})");
  EXPECT_EQ(coll_->find(obj(R"({"_id":2})"), options).at(0), obj(R"({"n":2.5,"s":"b"})"));
  const auto one = coll_->find_one(obj(R"({"n":{"$gt":0}})"), options);
  ASSERT_TRUE(one.has_value());
  EXPECT_FALSE(coll_->find_one(obj(R"({"n":99})")).has_value());
  EXPECT_EQ(coll_->count(obj(R"({"tags":"y"})")), 2);
}

TEST_P(ConformanceTest, UpdateOperators) {
  coll_->insert_one(obj(R"({"_id":1,"n":1,"l":[1,2,3],"o":{"a":1},"s":"x"})"));
  auto apply = [&](std::string_view update) {
    const UpdateResult r = coll_->update_one(obj(R"({"_id":1})"), obj(update));
    EXPECT_EQ(r.matched, 1) << update;
    return json::serialize(*coll_->find_one(obj(R"({"_id":1})")));
  };
  EXPECT_EQ(apply(R"({"$set":{"o.b":2,"t":true}})"),
            R"({"_id":1,"n":1,"l":[1,2,3],"o":{"a":1,"b":2},"s":"x","t":true})");
  EXPECT_EQ(apply(R"({"$unset":{"t":"","o.a":""}})"),
            R"({"_id":1,"n":1,"l":[1,2,3],"o":{"b":2},"s":"x"})");
  EXPECT_EQ(apply(R"({"$inc":{"n":4,"m":2}})"),
            R"({"_id":1,"n":5,"l":[1,2,3],"o":{"b":2},"s":"x","m":2})");
  EXPECT_EQ(apply(R"({"$min":{"n":3},"$max":{"m":7}})"),
            R"({"_id":1,"n":3,"l":[1,2,3],"o":{"b":2},"s":"x","m":7})");
  EXPECT_EQ(apply(R"({"$push":{"l":4},"$addToSet":{"u":{"$each":["a","a","b"]}}})"),
            R"({"_id":1,"n":3,"l":[1,2,3,4],"o":{"b":2},"s":"x","m":7,"u":["a","b"]})");
  if (ferretdb()) {
    // FerretDB: $pull ignores a condition silently (matched 1, nothing pulled), so the backend
    // refuses one on FerretDB; plain values work.
    EXPECT_EQ(error_kind([&] {
                coll_->update_one(obj(R"({"_id":1})"), obj(R"({"$pull":{"l":{"$gte":3}}})"));
              }),
              StoreErrorKind::kUnsupportedOperator);
    apply(R"({"$pull":{"l":4}})");
    EXPECT_EQ(apply(R"({"$pull":{"l":3},"$addToSet":{"u":"a"}})"),
              R"({"_id":1,"n":3,"l":[1,2],"o":{"b":2},"s":"x","m":7,"u":["a","b"]})");
  } else {
    EXPECT_EQ(apply(R"({"$pull":{"l":{"$gte":3}},"$addToSet":{"u":"a"}})"),
              R"({"_id":1,"n":3,"l":[1,2],"o":{"b":2},"s":"x","m":7,"u":["a","b"]})");
  }
  EXPECT_EQ(apply(R"({"$setOnInsert":{"never":1},"$set":{"s":"y"}})"),
            R"({"_id":1,"n":3,"l":[1,2],"o":{"b":2},"s":"y","m":7,"u":["a","b"]})");
  const UpdateResult same = coll_->update_one(obj(R"({"_id":1})"), obj(R"({"$set":{"s":"y"}})"));
  EXPECT_EQ(same.matched, 1);
  EXPECT_EQ(same.modified, 0);
}

TEST_P(ConformanceTest, UpdateManyUpsertAndReplace) {
  load_people();
  UpdateResult r = coll_->update_many(obj(R"({"tags":"y"})"), obj(R"({"$inc":{"hits":1}})"));
  EXPECT_EQ(r.matched, 2);
  EXPECT_EQ(r.modified, 2);
  EXPECT_FALSE(r.upserted_id.has_value());
  EXPECT_EQ(sorted_ids(R"({"hits":1})"), "1,2");
  r = coll_->update_one(obj(R"({"_id":1})"), obj(R"({"$set":{"k":1}})"));
  EXPECT_EQ(r.matched, 1);
  EXPECT_EQ(r.modified, 1);

  UpdateOptions upsert;
  upsert.upsert = true;
  r = coll_->update_one(obj(R"({"user.id":42,"kind":"cart"})"),
                        obj(R"({"$inc":{"count":1},"$setOnInsert":{"created":true}})"), upsert);
  EXPECT_EQ(r.matched, 0);
  ASSERT_TRUE(r.upserted_id.has_value());
  auto doc = coll_->find_one(json::object{{"_id", *r.upserted_id}});
  ASSERT_TRUE(doc.has_value());
  doc->erase("_id");
  EXPECT_EQ(*doc, obj(R"({"user":{"id":42},"kind":"cart","count":1,"created":true})"));
  r = coll_->update_one(obj(R"({"user.id":42,"kind":"cart"})"),
                        obj(R"({"$inc":{"count":1},"$setOnInsert":{"created":false}})"), upsert);
  EXPECT_EQ(r.matched, 1);
  EXPECT_FALSE(r.upserted_id.has_value());
  EXPECT_EQ(coll_->find_one(obj(R"({"user.id":42})"))->at("count"), 2);
  EXPECT_EQ(coll_->find_one(obj(R"({"user.id":42})"))->at("created"), true);

  r = coll_->replace_one(obj(R"({"_id":3})"), obj(R"({"fresh":1})"));
  EXPECT_EQ(r.matched, 1);
  EXPECT_EQ(*coll_->find_one(obj(R"({"_id":3})")), obj(R"({"_id":3,"fresh":1})"));
  r = coll_->replace_one(obj(R"({"_id":77})"), obj(R"({"v":1})"), upsert);
  ASSERT_TRUE(r.upserted_id.has_value());
  EXPECT_EQ(*r.upserted_id, 77);
  EXPECT_EQ(coll_->update_many(obj(R"({"none":1})"), obj(R"({"$set":{"a":1}})")).matched, 0);
}

// A write by `_id` alone (the SQLite backend looks it up by key): the number's spelling does not
// matter, its type does, and an upsert by id that finds nothing inserts once.
TEST_P(ConformanceTest, AWriteByIdFindsTheDocumentWhateverTheNumbersSpelling) {
  coll_->insert_one(obj(R"({"_id":1,"n":1})"));
  coll_->insert_one(obj(R"({"_id":"1","n":1})"));
  EXPECT_EQ(coll_->update_one(obj(R"({"_id":1.0})"), obj(R"({"$inc":{"n":1}})")).matched, 1);
  EXPECT_EQ(coll_->update_one(obj(R"({"_id":{"$eq":1}})"), obj(R"({"$inc":{"n":1}})")).modified, 1);
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":1})"))->at("n"), 3);
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":"1"})"))->at("n"), 1);
  UpdateOptions upsert;
  upsert.upsert = true;
  for (int i = 0; i < 2; ++i) {
    coll_->update_one(obj(R"({"_id":2})"), obj(R"({"$inc":{"n":1}})"), upsert);
  }
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":2})"))->at("n"), 2);
  EXPECT_EQ(coll_->count({}), 3);
}

TEST_P(ConformanceTest, UpdateEachAppliesInOrder) {
  coll_->insert_one(obj(R"({"_id":1,"n":1})"));
  const std::vector<UpdateSpec> specs = {
      {obj(R"({"_id":1})"), obj(R"({"$inc":{"n":1}})")},
      {obj(R"({"_id":2})"), obj(R"({"$set":{"n":10}})"), true},  // upserts
      {obj(R"({"_id":2})"), obj(R"({"$inc":{"n":5}})")},         // sees the upsert before it
      {obj(R"({"_id":3})"), obj(R"({"$set":{"n":1}})")},         // matches nothing
      {obj(R"({"_id":1})"), obj(R"({"$set":{"n":2}})")},         // already 2: not modified
  };
  const auto results = coll_->update_each(specs);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].matched, 1);
  EXPECT_EQ(results[0].modified, 1);
  EXPECT_EQ(results[1].matched, 0);
  ASSERT_TRUE(results[1].upserted_id.has_value());
  EXPECT_EQ(*results[1].upserted_id, 2);
  EXPECT_EQ(results[2].matched, 1);
  EXPECT_EQ(results[2].modified, 1);
  EXPECT_FALSE(results[2].upserted_id.has_value());
  EXPECT_EQ(results[3].matched, 0);
  EXPECT_FALSE(results[3].upserted_id.has_value());
  EXPECT_EQ(results[4].matched, 1);
  EXPECT_EQ(results[4].modified, 0);
  EXPECT_EQ(ids(R"({"n":2})"), "1");
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":2})"))->at("n"), 15);
  EXPECT_TRUE(coll_->update_each({}).empty());

  // Upserts seeded from dotted filters, as update_one does.
  const auto seeded =
      coll_->update_each({{obj(R"({"user.id":7})"), obj(R"({"$inc":{"c":1}})"), true},
                          {obj(R"({"user.id":7})"), obj(R"({"$inc":{"c":1}})"), true}});
  ASSERT_TRUE(seeded[0].upserted_id.has_value());
  EXPECT_FALSE(seeded[1].upserted_id.has_value());
  EXPECT_EQ(coll_->find_one(obj(R"({"user.id":7})"))->at("c"), 2);
}

TEST_P(ConformanceTest, UpdateEachSeesAnArrayAnEarlierSpecPutOnAnIndexedPath) {
  // On SQLite a batch reads the collection's indexes once; the spec that stores an array must
  // still stop the index from pre-selecting for the specs after it (json_extract hides elements).
  coll_->create_index({"tags", false});
  coll_->insert_one(obj(R"({"_id":1,"tags":"a"})"));
  const auto results =
      coll_->update_each({{obj(R"({"_id":1})"), obj(R"({"$set":{"tags":["a","b"]}})")},
                          {obj(R"({"tags":"b"})"), obj(R"({"$set":{"seen":true}})")}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].matched, 1);
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":1})"))->at("seen"), true);
}

TEST_P(ConformanceTest, UpdateEachNamesTheFailingSpec) {
  coll_->insert_one(obj(R"({"_id":1,"n":1,"s":"x"})"));
  // A bad operator is found before anything is written, on every backend.
  try {
    coll_->update_each({{obj(R"({"_id":1})"), obj(R"({"$inc":{"n":1}})")},
                        {obj(R"({"_id":1})"), obj(R"({"$rename":{"n":"m"}})")}});
    ADD_FAILURE() << "no StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreErrorKind::kUnsupportedOperator);
    EXPECT_EQ(e.operation(), "update_each");
    EXPECT_EQ(e.collection(), coll_->name());
    EXPECT_TRUE(e.message().starts_with("spec 1: ")) << e.what();
  }
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":1})"))->at("n"), 1);

  // A failure while writing: $inc on a string in spec 2.
  try {
    coll_->update_each({{obj(R"({"_id":1})"), obj(R"({"$inc":{"n":1}})")},
                        {obj(R"({"_id":5})"), obj(R"({"$set":{"n":5}})"), true},
                        {obj(R"({"_id":1})"), obj(R"({"$inc":{"s":1}})")},
                        {obj(R"({"_id":6})"), obj(R"({"$set":{"n":6}})"), true}});
    ADD_FAILURE() << "no StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreErrorKind::kTypeMismatch) << e.what();
    EXPECT_TRUE(e.message().starts_with("spec 2: ")) << e.what();
  }
  // Never applied past the failing spec.
  EXPECT_EQ(coll_->count(obj(R"({"_id":6})")), 0);
  // MongoDB: one ordered bulk write. FerretDB: one update per spec (it misreports the indexes
  // of multi-statement updates). Neither is atomic.
  if (GetParam().name == "sqlite") {  // one transaction: nothing written
    EXPECT_EQ(coll_->find_one(obj(R"({"_id":1})"))->at("n"), 1);
    EXPECT_EQ(coll_->count({}), 1);
  } else {  // an ordered bulk write, not atomic: specs 0 and 1 stay applied
    EXPECT_EQ(coll_->find_one(obj(R"({"_id":1})"))->at("n"), 2);
    EXPECT_EQ(coll_->count({}), 2);
  }

  // A duplicate key through a unique index.
  coll_->delete_many(obj(R"({"_id":{"$ne":1}})"));
  coll_->create_index({"email", true});
  coll_->update_one(obj(R"({"_id":1})"), obj(R"({"$set":{"email":"a@x"}})"));
  try {
    coll_->update_each({{obj(R"({"_id":7})"), obj(R"({"$set":{"email":"b@x"}})"), true},
                        {obj(R"({"_id":8})"), obj(R"({"$set":{"email":"a@x"}})"), true}});
    ADD_FAILURE() << "no StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreErrorKind::kDuplicateKey) << e.what();
    EXPECT_TRUE(e.message().starts_with("spec 1: ")) << e.what();
  }
  EXPECT_EQ(coll_->count(obj(R"({"_id":7})")), GetParam().name == "sqlite" ? 0 : 1);
}

TEST_P(ConformanceTest, DeleteAndCount) {
  load_people();
  EXPECT_EQ(coll_->delete_one(obj(R"({"s":"a"})")), 1);
  EXPECT_EQ(coll_->count({}), 5);
  EXPECT_EQ(coll_->delete_many(obj(R"({"n":{"$gte":1}})")), 2);
  EXPECT_EQ(coll_->delete_many(obj(R"({"n":{"$gte":1}})")), 0);
  EXPECT_EQ(sorted_ids("{}"), "3,4,6");
  EXPECT_EQ(coll_->delete_one(obj(R"({"none":1})")), 0);
  EXPECT_EQ(coll_->count(obj(R"({"s":{"$exists":true}})")), 2);
}

TEST_P(ConformanceTest, BadInputIsAClearError) {
  load_people();
  EXPECT_EQ(error_kind([&] { coll_->find(obj(R"({"n":{"$regex":"^a"}})")); }),
            StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_kind([&] { coll_->find(obj(R"({"n":{"$in":5}})")); }),
            StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(error_kind([&] { coll_->update_one(obj(R"({"_id":3})"), obj(R"({"$inc":{"s":1}})")); }),
            StoreErrorKind::kTypeMismatch);
  EXPECT_EQ(coll_->find_one(obj(R"({"_id":3})"))->at("s"), "c");  // nothing half-written
  EXPECT_EQ(
      error_kind([&] { coll_->update_one(obj(R"({"_id":3})"), obj(R"({"$rename":{"s":"t"}})")); }),
      StoreErrorKind::kUnsupportedOperator);
  EXPECT_EQ(error_kind([&] { coll_->update_one(obj(R"({"_id":3})"), obj(R"({"s":1})")); }),
            StoreErrorKind::kInvalidArgument);
  EXPECT_EQ(
      error_kind([&] { coll_->update_one(obj(R"({"_id":3})"), obj(R"({"$set":{"_id":9}})")); }),
      StoreErrorKind::kInvalidArgument);
  json::object huge{{"blob", std::string(17 * 1024 * 1024, 'x')}};
  EXPECT_EQ(error_kind([&] { coll_->insert_one(huge); }), StoreErrorKind::kTooLarge);
  try {
    coll_->find(obj(R"({"a":{"$where":"1"}})"));
  } catch (const StoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("$where"), std::string::npos) << what;
    EXPECT_NE(what.find(coll_->name()), std::string::npos) << what;
  }
  // Validation happens even when nothing matches.
  EXPECT_EQ(error_kind([&] { coll_->update_many(obj(R"({"none":1})"), obj(R"({"$bit":{}})")); }),
            StoreErrorKind::kUnsupportedOperator);
}

TEST_P(ConformanceTest, InsertManyIsAllOrNothing) {
  coll_->insert_one(obj(R"({"_id":2})"));
  EXPECT_EQ(error_kind([&] {
              coll_->insert_many({obj(R"({"_id":1})"), obj(R"({"_id":2})"), obj(R"({"_id":3})")});
            }),
            StoreErrorKind::kDuplicateKey);
  if (GetParam().name == "sqlite") {
    EXPECT_EQ(coll_->count({}), 1);
  }
}

TEST_P(ConformanceTest, IndexesKeepResultsAndEnforceUniqueness) {
  load_people();
  const std::string before_tags = sorted_ids(R"({"tags":"y"})");
  const std::string before_range = sorted_ids(R"({"n":{"$gte":1}})");
  const std::string before_in = sorted_ids(R"({"o.k":{"$in":[1,2]}})");
  coll_->create_index({"tags", false});
  coll_->create_index({"n", false});
  coll_->create_index({"o.k", false});
  coll_->create_index({"n", false});  // idempotent
  EXPECT_EQ(sorted_ids(R"({"tags":"y"})"), before_tags);
  EXPECT_EQ(sorted_ids(R"({"n":{"$gte":1}})"), before_range);
  EXPECT_EQ(sorted_ids(R"({"o.k":{"$in":[1,2]}})"), before_in);
  EXPECT_EQ(sorted_ids(R"({"n":{"$gt":1,"$lt":10}})"), "2");
  EXPECT_EQ(sorted_ids(R"({"n":"10"})"), "6");
  // An array arriving after the index was built must still be found.
  coll_->insert_one(obj(R"({"_id":7,"n":[100,200]})"));
  EXPECT_EQ(sorted_ids(R"({"n":200})"), "7");
  EXPECT_EQ(sorted_ids(R"({"n":{"$gt":150}})"), "7");

  // As in MongoDB, a missing field is a null key: six documents without "email" collide.
  // FerretDB: a missing field is not indexed at all, so documents without it never collide.
  if (!ferretdb()) {
    EXPECT_EQ(error_kind([&] {
                coll_->create_index({"email", true});
              }),
              StoreErrorKind::kDuplicateKey);
  }
  coll_->delete_many(obj(R"({"_id":{"$ne":1}})"));
  coll_->create_index({"email", true});
  coll_->insert_one(obj(R"({"_id":10,"email":"a@x"})"));
  EXPECT_EQ(error_kind([&] { coll_->insert_one(obj(R"({"_id":11,"email":"a@x"})")); }),
            StoreErrorKind::kDuplicateKey);
  if (ferretdb()) {
    coll_->insert_one(obj(R"({"_id":12})"));  // FerretDB: a second missing "email" is accepted
    coll_->delete_one(obj(R"({"_id":12})"));
  } else {
    EXPECT_EQ(error_kind([&] { coll_->insert_one(obj(R"({"_id":12})")); }),
              StoreErrorKind::kDuplicateKey);  // a second null, after document 1
  }
  EXPECT_EQ(error_kind([&] {
              coll_->update_one(obj(R"({"_id":1})"), obj(R"({"$set":{"email":"a@x"}})"));
            }),
            StoreErrorKind::kDuplicateKey);
  coll_->update_one(obj(R"({"_id":1})"), obj(R"({"$set":{"email":"b@x"}})"));
  EXPECT_EQ(sorted_ids(R"({"email":{"$gte":"a"}})"), "1,10");
  EXPECT_EQ(sorted_ids(R"({"email":"a@x"})"), "10");
}

TEST_P(ConformanceTest, CursorStreamsInBatches) {
  std::vector<json::object> docs;
  for (int i = 0; i < 1000; ++i) docs.push_back(json::object{{"_id", i}, {"even", i % 2 == 0}});
  coll_->insert_many(std::move(docs));
  FindOptions options;
  options.skip = 10;
  options.limit = 300;
  auto cursor = coll_->find_cursor(obj(R"({"even":true})"), options);
  std::int64_t expected = 20;
  std::size_t batches = 0;
  for (auto batch = cursor->next_batch(64); !batch.empty(); batch = cursor->next_batch(64)) {
    ++batches;
    EXPECT_LE(batch.size(), 64u);
    for (const auto& doc : batch) {
      if (GetParam().name == "sqlite") {
        EXPECT_EQ(doc.at("_id"), expected);
      }
      expected += 2;
    }
  }
  EXPECT_EQ(expected, 20 + 2 * 300);
  EXPECT_GE(batches, 5u);
  options = {};
  options.sort = obj(R"({"_id":-1})");
  cursor = coll_->find_cursor({}, options);
  EXPECT_EQ(cursor->next_batch(3).front().at("_id"), 999);
}

TEST_P(ConformanceTest, CollectionsAreListedAndDropped) {
  coll_->insert_one(obj(R"({"a":1})"));
  const auto names = store_->list_collections();
  EXPECT_NE(std::find(names.begin(), names.end(), coll_->name()), names.end());
  store_->drop_collection(coll_->name());
  EXPECT_EQ(coll_->count({}), 0);
  EXPECT_THROW(store_->collection("bad name"), StoreError);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceTest, ::testing::Values(kSqlite, kMongo),
                         PrintBackend);

}  // namespace
}  // namespace corebot
