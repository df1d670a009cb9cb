// Query filters in the MongoDB vocabulary, compiled once and matched against documents in C++.
// Every backend-independent decision about what matches lives here.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "store/path.hpp"

namespace corebot::store {

enum class FilterOp { kEq, kNe, kGt, kGte, kLt, kLte, kIn, kNin, kExists, kNot };

// A top-level conjunct `path op operand` the SQL layer may use to pre-select rows.
struct FieldCondition {
  std::string dotted;
  Path path;
  FilterOp op;
  const boost::json::value* operand;  // owned by the Filter; for kIn, an array
};

class Filter {
 public:
  // Validates and compiles. Throws StoreError: kInvalidArgument for a malformed filter,
  // kUnsupportedOperator naming any `$op` outside the supported set.
  static Filter compile(const boost::json::object& filter);

  [[nodiscard]] bool matches(const boost::json::object& doc) const;

  // Conjuncts of the top level (and of nested $and) on a single path, for index pre-selection.
  [[nodiscard]] std::vector<FieldCondition> conjuncts() const;

  // The document an upsert starts from: the filter's top-level equalities ({a: 1}, {a: {$eq: 1}},
  // inside $and too), dotted paths expanded.
  [[nodiscard]] boost::json::object upsert_seed() const;

  // The operand when the whole filter is one equality on `_id` ({_id: x} or {_id: {$eq: x}})
  // with a string or number x, otherwise null. Such a filter matches exactly the document whose
  // id_key() is x's, so a store may look it up by its key instead of matching.
  [[nodiscard]] const boost::json::value* id_equality() const;
  // The same operand for a filter that is exactly {_id: x}, read without compiling it (a batch of
  // writes by id); null for any other filter, which may still have an id_equality() once compiled.
  static const boost::json::value* plain_id(const boost::json::object& filter);

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

// Sets `value` at `path`, creating intermediate objects (and padding arrays for numeric
// components). Throws StoreError (kTypeMismatch) when a scalar or an array sits in the way.
void set_path(boost::json::object& doc, const Path& path, boost::json::value value);

}  // namespace corebot::store
