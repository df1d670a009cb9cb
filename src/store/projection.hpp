// Find options applied in C++: projection and sort, with MongoDB's semantics.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/path.hpp"

namespace corebot::store {

// {"a": 1, "b.c": 1} keeps only those (and `_id` unless {"_id": 0}); {"a": 0} drops them.
class Projection {
 public:
  // Throws StoreError: kInvalidArgument when inclusion and exclusion are mixed (other than for
  // `_id`) or a value is not 0/1/true/false; kUnsupportedOperator for `$slice`, `$elemMatch`...
  static Projection compile(const boost::json::object& projection);
  [[nodiscard]] bool empty() const { return root_ == nullptr; }
  [[nodiscard]] boost::json::object apply(const boost::json::object& doc) const;

  struct Tree {
    bool leaf = false;
    std::map<std::string, Tree> children;
  };

 private:
  std::shared_ptr<const Tree> root_;
  bool inclusive_ = false;
  bool keep_id_ = true;
};

// {"a": 1, "b": -1}. Arrays sort by their smallest element ascending, largest descending; a
// missing field sorts as null.
class SortSpec {
 public:
  static SortSpec compile(const boost::json::object& sort);  // throws kInvalidArgument
  [[nodiscard]] bool empty() const { return keys_.empty(); }
  // Sorts in place; ties keep their order.
  void sort(std::vector<boost::json::object>& docs) const;

 private:
  std::vector<std::pair<Path, int>> keys_;
};

}  // namespace corebot::store
