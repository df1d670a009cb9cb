#include "store/update.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "corebot/store.hpp"
#include "store/compare.hpp"

namespace corebot::store {
namespace json = boost::json;

namespace {

[[noreturn]] void fail(StoreErrorKind kind, std::string message) {
  throw StoreError(kind, "", "", "update: " + std::move(message));
}

std::string kind_name(const json::value& v) { return std::string(json::to_string(v.kind())); }

json::value values_to_add(const std::string& op, std::string_view dotted,
                          const json::value& operand) {
  const auto* obj = operand.if_object();
  if (obj == nullptr || obj->empty() || !obj->begin()->key().starts_with('$')) {
    return json::array{operand};
  }
  json::value each;
  for (const auto& [key, value] : *obj) {
    if (key == "$each") {
      if (!value.is_array())
        fail(StoreErrorKind::kInvalidArgument,
             op + ".$each on '" + std::string(dotted) + "' needs an array");
      each = value;
    } else {
      fail(StoreErrorKind::kUnsupportedOperator, "unsupported modifier '" + std::string(key) +
                                                     "' in " + op + " on '" + std::string(dotted) +
                                                     "'");
    }
  }
  return each;
}

json::value* parent_slot(json::object& doc, const Path& path) {
  if (path.size() == 1) return nullptr;
  return const_cast<json::value*>(find_exact(doc, Path(path.begin(), path.end() - 1)));
}

// Returns whether `doc` changed.
bool unset(json::object& doc, const Path& path) {
  json::value* parent = parent_slot(doc, path);
  if (parent == nullptr) return false;
  if (auto* obj = parent->if_object()) return obj->erase(path.back()) > 0;
  if (auto* arr = parent->if_array()) {
    // MongoDB keeps positions stable: an unset element becomes null.
    const auto index = array_index(path.back());
    if (!index || *index >= arr->size() || (*arr)[*index].is_null()) return false;
    (*arr)[*index] = nullptr;
    return true;
  }
  return false;
}

json::value add_numbers(const json::value& a, const json::value& b, std::string_view dotted) {
  if (a.is_double() || b.is_double()) return a.to_number<double>() + b.to_number<double>();
  auto wide = [](const json::value& v) {
    return v.is_int64() ? static_cast<long double>(v.get_int64())
                        : static_cast<long double>(v.get_uint64());
  };
  std::int64_t x = 0;
  std::int64_t y = 0;
  const bool fits = (a.is_int64() || a.get_uint64() <= std::numeric_limits<std::int64_t>::max()) &&
                    (b.is_int64() || b.get_uint64() <= std::numeric_limits<std::int64_t>::max());
  std::int64_t sum = 0;
  if (fits) {
    x = a.is_int64() ? a.get_int64() : static_cast<std::int64_t>(a.get_uint64());
    y = b.is_int64() ? b.get_int64() : static_cast<std::int64_t>(b.get_uint64());
  }
  if (!fits || __builtin_add_overflow(x, y, &sum)) {
    fail(StoreErrorKind::kInvalidArgument,
         "$inc on '" + std::string(dotted) + "' overflows a 64-bit integer (" +
             std::to_string(static_cast<double>(wide(a) + wide(b))) + ")");
  }
  return sum;
}

bool pull_matches(const Update::Action& action, const json::value& element) {
  const Update::Compiled& c = *action.compiled;
  if (c.match_wraps) return c.match->matches(json::object{{"v", element}});
  const auto* obj = element.if_object();
  return obj != nullptr && c.match->matches(*obj);
}

struct OperatorName {
  std::string_view name;
  Update::Op op;
};
constexpr OperatorName kOperators[] = {
    {"$set", Update::Op::kSet},
    {"$unset", Update::Op::kUnset},
    {"$inc", Update::Op::kInc},
    {"$push", Update::Op::kPush},
    {"$addToSet", Update::Op::kAddToSet},
    {"$pull", Update::Op::kPull},
    {"$setOnInsert", Update::Op::kSetOnInsert},
    {"$min", Update::Op::kMin},
    {"$max", Update::Op::kMax},
};

// Paths compared component by component on their dotted text, so a top-level field needs no
// Path: "a" < "a.b" < "a-x" (as text, "a-x" would sort between the two).
int compare_dotted(std::string_view a, std::string_view b) {
  while (true) {
    const std::string_view ca = a.substr(0, a.find('.'));
    const std::string_view cb = b.substr(0, b.find('.'));
    if (const int c = ca.compare(cb); c != 0) return c;
    const bool a_ends = ca.size() == a.size();
    const bool b_ends = cb.size() == b.size();
    if (a_ends || b_ends) return a_ends == b_ends ? 0 : (a_ends ? -1 : 1);
    a.remove_prefix(ca.size() + 1);
    b.remove_prefix(cb.size() + 1);
  }
}

// Whether `a` is `b` or one of its ancestors.
bool dotted_prefix_of(std::string_view a, std::string_view b) {
  return b.starts_with(a) && (b.size() == a.size() || b[a.size()] == '.');
}

}  // namespace

Update Update::compile(const json::object& update) {
  if (update.empty()) fail(StoreErrorKind::kInvalidArgument, "the update document is empty");
  Update out;
  bool nested = false;  // some path has more than one component
  std::size_t actions = 0;
  for (const auto& [key, fields] : update) {
    if (const auto* obj = fields.if_object()) actions += obj->size();
  }
  out.actions_.reserve(actions);
  for (const auto& [key, fields] : update) {
    if (!key.starts_with('$')) {
      fail(StoreErrorKind::kInvalidArgument,
           "'" + std::string(key) +
               "' is not an update operator (use replace_one to replace a document)");
    }
    const auto* known = std::find_if(std::begin(kOperators), std::end(kOperators),
                                     [&](const OperatorName& o) { return o.name == key; });
    if (known == std::end(kOperators)) {
      fail(StoreErrorKind::kUnsupportedOperator,
           "unsupported update operator '" + std::string(key) + "'");
    }
    const Op op = known->op;
    const std::string name(key);
    if (!fields.is_object()) fail(StoreErrorKind::kInvalidArgument, name + " needs a document");
    for (const auto& [field, operand] : fields.get_object()) {
      Action& action = out.actions_.emplace_back();
      action.op = op;
      action.dotted = field;
      action.source = &operand;
      // Most updates name top-level fields: those are reached by their key, with no Path.
      if (field.empty() || field.front() == '$' || field.find('.') != std::string_view::npos) {
        action.path = parse_path(field);  // validates, throws for an empty or `$` component
        nested = true;
      }
      if (op == Op::kInc && !operand.is_number()) {
        fail(StoreErrorKind::kInvalidArgument, "$inc on '" + std::string(action.dotted) +
                                                   "' needs a number, got " + kind_name(operand));
      }
      if (op == Op::kPush || op == Op::kAddToSet) {
        action.compiled = std::make_unique<const Compiled>(
            Compiled{values_to_add(name, action.dotted, operand), std::nullopt, false});
      }
      if (op == Op::kPull) {
        const auto* cond = operand.if_object();
        const bool on_fields =
            cond != nullptr && !cond->empty() && !cond->begin()->key().starts_with('$');
        action.compiled = std::make_unique<const Compiled>(Compiled{
            std::nullopt,
            on_fields ? Filter::compile(*cond) : Filter::compile(json::object{{"v", operand}}),
            !on_fields});
      }
    }
  }
  // Two paths conflict when one is a prefix of the other (or they are equal). Sorted component by
  // component, a path's extensions follow it directly, so comparing neighbours finds every
  // conflict: O(n log n) instead of every pair (a user's write sets ten fields). Without a dotted
  // path, that order is the text's.
  std::vector<std::string_view> sorted;
  sorted.reserve(out.actions_.size());
  for (const auto& action : out.actions_) sorted.push_back(action.dotted);
  if (nested) {
    std::sort(sorted.begin(), sorted.end(),
              [](std::string_view a, std::string_view b) { return compare_dotted(a, b) < 0; });
  } else {
    std::sort(sorted.begin(), sorted.end());
  }
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    if (dotted_prefix_of(sorted[i], sorted[i + 1])) {
      fail(StoreErrorKind::kInvalidArgument, "the paths '" + std::string(sorted[i]) + "' and '" +
                                                 std::string(sorted[i + 1]) + "' conflict");
    }
  }
  return out;
}

bool Update::apply(json::object& doc, bool inserting) const {
  // Each action says whether it changed `doc`: comparing with a copy taken first would cost a
  // copy of every document an update touches.
  std::optional<json::value> old_id;
  if (const json::value* id = doc.if_contains("_id")) old_id = *id;
  // A new document gets most of its fields here: grown once, not field by field.
  if (inserting) doc.reserve(doc.size() + actions_.size());
  bool changed = false;
  // Compares before it copies: an operand equal to what is stored is never copied.
  auto set_if_different = [&](const Action& a, const json::value* existing, auto&& value) {
    if (existing != nullptr && *existing == value) return;
    if (a.top_level()) {
      doc.insert_or_assign(a.dotted, std::forward<decltype(value)>(value));
    } else {
      set_path(doc, a.path, json::value(std::forward<decltype(value)>(value)));
    }
    changed = true;
  };
  for (const auto& a : actions_) {
    const json::value* existing =
        a.top_level() ? doc.if_contains(a.dotted) : find_exact(doc, a.path);
    switch (a.op) {
      case Op::kSetOnInsert:
        if (!inserting) break;
        [[fallthrough]];
      case Op::kSet:
        set_if_different(a, existing, a.value());
        break;
      case Op::kUnset:
        changed = (a.top_level() ? doc.erase(a.dotted) > 0 : unset(doc, a.path)) || changed;
        break;
      case Op::kInc:
        if (existing == nullptr) {
          set_if_different(a, existing, a.value());
        } else if (!existing->is_number()) {
          fail(StoreErrorKind::kTypeMismatch, "$inc on '" + std::string(a.dotted) +
                                                  "' which holds " + kind_name(*existing) +
                                                  ", not a number");
        } else {
          set_if_different(a, existing, add_numbers(*existing, a.value(), a.dotted));
        }
        break;
      case Op::kMin:
      case Op::kMax:
        if (existing == nullptr || (a.op == Op::kMin ? compare_values(a.value(), *existing) < 0
                                                     : compare_values(a.value(), *existing) > 0)) {
          set_if_different(a, existing, a.value());
        }
        break;
      case Op::kPush:
      case Op::kAddToSet: {
        if (existing != nullptr && !existing->is_array()) {
          fail(StoreErrorKind::kTypeMismatch,
               std::string(a.op == Op::kPush ? "$push" : "$addToSet") + " on '" +
                   std::string(a.dotted) + "' which holds " + kind_name(*existing) +
                   ", not an array");
        }
        json::array items = existing != nullptr ? existing->get_array() : json::array{};
        for (const auto& v : a.value().get_array()) {
          bool present = false;
          if (a.op == Op::kAddToSet) {
            for (const auto& item : items) present = present || values_equal(item, v);
          }
          if (!present) items.push_back(v);
        }
        set_if_different(a, existing, std::move(items));
        break;
      }
      case Op::kPull: {
        if (existing == nullptr) break;
        if (!existing->is_array()) {
          fail(StoreErrorKind::kTypeMismatch, "$pull on '" + std::string(a.dotted) +
                                                  "' which holds " + kind_name(*existing) +
                                                  ", not an array");
        }
        json::array kept;
        for (const auto& item : existing->get_array()) {
          if (!pull_matches(a, item)) kept.push_back(item);
        }
        set_if_different(a, existing, std::move(kept));
        break;
      }
    }
  }
  if (!inserting) {
    const auto* new_id = doc.if_contains("_id");
    if (old_id.has_value() != (new_id != nullptr) ||
        (new_id != nullptr && !values_equal(*old_id, *new_id))) {
      fail(StoreErrorKind::kInvalidArgument, "the update would change the immutable field '_id'");
    }
  }
  return changed;
}

}  // namespace corebot::store
