// Update operators in the MongoDB vocabulary ($set $unset $inc $push $addToSet $pull $setOnInsert
// $min $max), compiled once and applied to documents in C++.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/filter.hpp"
#include "store/path.hpp"

namespace corebot::store {

class Update {
 public:
  // Validates and compiles. Throws StoreError: kInvalidArgument for an empty update, a field that
  // is not an operator, a bad operand or two paths that conflict ("a" and "a.b");
  // kUnsupportedOperator naming any other `$op` or modifier. The result refers to `update`'s
  // operands (copying them would cost every write a copy of what it sets): `update` must outlive
  // it, unchanged.
  static Update compile(const boost::json::object& update);

  // Applies to `doc`; `inserting` is true for the document an upsert creates ($setOnInsert only
  // applies then). Returns whether the document changed. Throws StoreError: kTypeMismatch (e.g.
  // $inc on a string), kInvalidArgument (changing `_id`, integer overflow). On throw `doc` may be
  // partly updated: callers apply to a copy.
  bool apply(boost::json::object& doc, bool inserting) const;

  enum class Op { kSet, kUnset, kInc, kPush, kAddToSet, kPull, kSetOnInsert, kMin, kMax };
  // What compiling rewrote or built for an operator: the values $push and $addToSet add (always
  // an array), the condition $pull removes by. Apart from Action, so that the common action
  // (a $set, an $inc) stays small.
  struct Compiled {
    std::optional<boost::json::value> values;  // $push, $addToSet: replaces the operand
    std::optional<Filter> match;               // $pull
    bool match_wraps = false;  // the $pull condition is on {"v": element}, not on the element
  };
  struct Action {
    Op op = Op::kSet;
    std::string_view dotted;  // the key in the compiled update document
    Path path;                // empty for a top-level field, reached by `dotted` alone
    // The operand in the compiled update document; value() is what replaced it, if anything did.
    const boost::json::value* source = nullptr;
    std::unique_ptr<const Compiled> compiled;  // null for most operators
    [[nodiscard]] const boost::json::value& value() const {
      return compiled && compiled->values ? *compiled->values : *source;
    }
    [[nodiscard]] bool top_level() const { return path.empty(); }
  };

 private:
  std::vector<Action> actions_;
};

}  // namespace corebot::store
