// Checks shared by every backend: collection names, documents on their way in, `_id`s.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace corebot::store {

// MongoDB's limit, so a document accepted by one backend is accepted by the other.
inline constexpr std::size_t kMaxDocumentBytes = 16 * 1024 * 1024;

// Throws StoreError (kInvalidArgument) unless `name` is 1-120 of [A-Za-z0-9_.-], starting with a
// letter, digit or '_'.
void check_collection_name(std::string_view name);

// A new 24-hex-digit id: seconds since the epoch, a per-process random part, a counter.
std::string new_object_id();

// Gives `doc` an `_id` (first) if it has none, validates it (no `$` field names, `_id` not an
// array) and returns its serialized form. Throws StoreError: kInvalidArgument, kTooLarge.
std::string prepare_document(boost::json::object& doc, std::size_t max_bytes = kMaxDocumentBytes);

// Serializes a document already validated; throws kTooLarge over the limit.
std::string serialize_document(const boost::json::object& doc,
                               std::size_t max_bytes = kMaxDocumentBytes);

// A canonical text key for an `_id`, equal for values MongoDB considers equal (1 and 1.0).
std::string id_key(const boost::json::value& id);

// Throws kInvalidArgument unless `dotted` is a path an index may be on: non-numeric components of
// [A-Za-z0-9_].
void check_index_path(const std::string& dotted);

// What update_each puts before the message of an error caused by spec `index` ("spec 3: ").
std::string spec_prefix(std::size_t index);

// A parsed store URI: scheme "sqlite" or "mongodb", the rest, and the query parameters.
struct StoreUri {
  std::string scheme;
  std::string path;  // sqlite: the file path, percent-decoded; mongodb: the whole URI
  std::map<std::string, std::string> params;
};
StoreUri parse_store_uri(std::string_view uri);  // throws kInvalidArgument

}  // namespace corebot::store
