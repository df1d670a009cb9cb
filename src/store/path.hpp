// Dotted paths ("user.address.city", "tags.0") over JSON documents, with MongoDB's traversal of
// arrays: "items.sku" reaches the `sku` of every object in the `items` array.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::store {

using Path = std::vector<std::string>;

// Splits and validates a path: non-empty components, none starting with '$'. Throws StoreError
// (kInvalidArgument) naming the path.
Path parse_path(std::string_view dotted);
std::string join_path(const Path& path);

// A component that is a decimal array index ("0", "12"), if it is one.
std::optional<std::size_t> array_index(std::string_view component);

struct Resolved {
  std::vector<const boost::json::value*> values;  // every value the path reaches
  bool missing = false;                           // some branch of the traversal lacked the field
};

// Resolves a path for matching: arrays met mid-path are traversed (each object element, and the
// element at a numeric component).
Resolved resolve(const boost::json::object& doc, const Path& path);

// The value at an exact path for updates (no traversal of arrays except numeric components).
const boost::json::value* find_exact(const boost::json::object& doc, const Path& path);

// Whether the path crosses or ends on an array in `doc` (an index over it is "multikey").
bool touches_array(const boost::json::object& doc, const Path& path);

}  // namespace corebot::store
