// Conversions between Boost.JSON and BSON for the MongoDB backend.
//
// JSON -> BSON: integers -> int64 (unsigned beyond 2^63-1 -> double), double, string, bool, null,
// arrays, objects (key order kept). A key holding a NUL byte is kInvalidArgument.
// BSON -> JSON: int32/int64 -> integer, double, string, bool, null/undefined -> null, arrays,
// documents; types JSON lacks get the forms documented in docs/store.md ("The MongoDB backend"):
// ObjectId -> its 24-hex-digit string, date -> "YYYY-MM-DDTHH:MM:SS.mmmZ", decimal128 -> its
// decimal string, binary -> base64 string, timestamp -> (seconds << 32 | increment), regex ->
// "/pattern/options", code/symbol -> string, min/max key and DBPointer -> null.
#pragma once

#include <bson/bson.h>

#include <boost/json.hpp>

#include <string_view>
#include <utility>

namespace corebot::store::mongo {

// An owned bson_t (a class rather than a unique_ptr: bson_t's alignment attribute is lost, with a
// warning, on template arguments).
class BsonPtr {
 public:
  explicit BsonPtr(bson_t* b) : b_(b) {}
  BsonPtr(BsonPtr&& other) noexcept : b_(std::exchange(other.b_, nullptr)) {}
  BsonPtr& operator=(BsonPtr&& other) noexcept {
    std::swap(b_, other.b_);
    return *this;
  }
  BsonPtr(const BsonPtr&) = delete;
  BsonPtr& operator=(const BsonPtr&) = delete;
  ~BsonPtr() {
    if (b_ != nullptr) bson_destroy(b_);
  }
  [[nodiscard]] bson_t* get() const { return b_; }

 private:
  bson_t* b_;
};

// A reply document libmongoc fills (and re-initializes) even on failure; destroyed on scope exit.
struct Reply {
  bson_t b = BSON_INITIALIZER;
  Reply() = default;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() { bson_destroy(&b); }
};

BsonPtr make_bson();
BsonPtr to_bson(const boost::json::object& doc);  // throws StoreError (kInvalidArgument)
// Appends `value` under `key` to `doc`.
void append_json(bson_t* doc, std::string_view key, const boost::json::value& value);

boost::json::object to_json(const bson_t* doc);
// The value `iter` points at.
boost::json::value value_of(const bson_iter_t* iter);

}  // namespace corebot::store::mongo
