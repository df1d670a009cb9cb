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

bool prefix_of(const Path& a, const Path& b) {
  if (a.size() > b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

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
  if (path.size() == 1) return doc.erase(path.front()) > 0;
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
  if (action.match_wraps) return action.match->matches(json::object{{"v", element}});
  const auto* obj = element.if_object();
  return obj != nullptr && action.match->matches(*obj);
}

}  // namespace

Update Update::compile(const json::object& update) {
  if (update.empty()) fail(StoreErrorKind::kInvalidArgument, "the update document is empty");
  Update out;
  std::size_t actions = 0;
  for (const auto& [key, fields] : update) {
    if (const auto* obj = fields.if_object()) actions += obj->size();
  }
  out.actions_.reserve(actions);
  for (const auto& [key, fields] : update) {
    const std::string name(key);
    if (!key.starts_with('$')) {
      fail(StoreErrorKind::kInvalidArgument,
           "'" + name + "' is not an update operator (use replace_one to replace a document)");
    }
    Op op;
    if (name == "$set") {
      op = Op::kSet;
    } else if (name == "$unset") {
      op = Op::kUnset;
    } else if (name == "$inc") {
      op = Op::kInc;
    } else if (name == "$push") {
      op = Op::kPush;
    } else if (name == "$addToSet") {
      op = Op::kAddToSet;
    } else if (name == "$pull") {
      op = Op::kPull;
    } else if (name == "$setOnInsert") {
      op = Op::kSetOnInsert;
    } else if (name == "$min") {
      op = Op::kMin;
    } else if (name == "$max") {
      op = Op::kMax;
    } else {
      fail(StoreErrorKind::kUnsupportedOperator, "unsupported update operator '" + name + "'");
    }
    if (!fields.is_object()) fail(StoreErrorKind::kInvalidArgument, name + " needs a document");
    for (const auto& [field, operand] : fields.get_object()) {
      Action action{op, field, parse_path(field), &operand, {}, std::nullopt, false};
      if (op == Op::kInc && !operand.is_number()) {
        fail(StoreErrorKind::kInvalidArgument, "$inc on '" + std::string(action.dotted) +
                                                   "' needs a number, got " + kind_name(operand));
      }
      if (op == Op::kPush || op == Op::kAddToSet) {
        action.owned = values_to_add(name, action.dotted, operand);
        action.source = nullptr;
      }
      if (op == Op::kPull) {
        const auto* cond = operand.if_object();
        if (cond != nullptr && !cond->empty() && !cond->begin()->key().starts_with('$')) {
          action.match = Filter::compile(*cond);
        } else {
          action.match = Filter::compile(json::object{{"v", operand}});
          action.match_wraps = true;
        }
      }
      out.actions_.push_back(std::move(action));
    }
  }
  // Two paths conflict when one is a prefix of the other (or they are equal). Sorted component by
  // component, a path's extensions follow it directly, so comparing neighbours finds every
  // conflict: O(n log n) instead of every pair (a user's write sets ten fields).
  std::vector<const Action*> sorted;
  sorted.reserve(out.actions_.size());
  for (const auto& action : out.actions_) sorted.push_back(&action);
  std::sort(sorted.begin(), sorted.end(),
            [](const Action* a, const Action* b) { return a->path < b->path; });
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    const Action* a = sorted[i];
    const Action* b = sorted[i + 1];
    if (prefix_of(a->path, b->path)) {
      fail(StoreErrorKind::kInvalidArgument, "the paths '" + std::string(a->dotted) + "' and '" +
                                                 std::string(b->dotted) + "' conflict");
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
    set_path(doc, a.path, json::value(std::forward<decltype(value)>(value)));
    changed = true;
  };
  for (const auto& a : actions_) {
    const json::value* existing = find_exact(doc, a.path);
    switch (a.op) {
      case Op::kSetOnInsert:
        if (!inserting) break;
        [[fallthrough]];
      case Op::kSet:
        set_if_different(a, existing, a.value());
        break;
      case Op::kUnset:
        changed = unset(doc, a.path) || changed;
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
