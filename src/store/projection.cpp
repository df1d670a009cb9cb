#include "store/projection.hpp"

#include <algorithm>
#include <numeric>

#include "corebot/store.hpp"
#include "store/compare.hpp"

namespace corebot::store {
namespace json = boost::json;

namespace {

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "", std::move(message));
}

bool flag_of(const std::string& field, const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_number()) return v.to_number<double>() != 0;
  if (const auto* obj = v.if_object(); obj != nullptr && !obj->empty()) {
    throw StoreError(StoreErrorKind::kUnsupportedOperator, "", "",
                     "projection: unsupported operator '" + std::string(obj->begin()->key()) +
                         "' on '" + field + "'");
  }
  invalid("projection: '" + field + "' needs 0 or 1");
}

json::value project_value(const json::value& v, const Projection::Tree& tree, bool inclusive);

json::object project_object(const json::object& obj, const Projection::Tree& tree, bool inclusive) {
  json::object out;
  for (const auto& [key, value] : obj) {
    const auto it = tree.children.find(std::string(key));
    if (it == tree.children.end()) {
      if (!inclusive) out.emplace(key, value);
      continue;
    }
    if (it->second.leaf) {
      if (inclusive) out.emplace(key, value);
      continue;
    }
    if (value.is_object() || value.is_array()) {
      out.emplace(key, project_value(value, it->second, inclusive));
    } else if (!inclusive) {
      out.emplace(key, value);
    }
  }
  return out;
}

json::value project_value(const json::value& v, const Projection::Tree& tree, bool inclusive) {
  if (const auto* obj = v.if_object()) return project_object(*obj, tree, inclusive);
  json::array out;
  for (const auto& element : v.get_array()) {
    if (element.is_object() || element.is_array()) {
      out.push_back(project_value(element, tree, inclusive));
    } else if (!inclusive) {
      out.push_back(element);
    }
  }
  return out;
}

}  // namespace

Projection Projection::compile(const json::object& projection) {
  Projection p;
  if (projection.empty()) return p;
  auto tree = std::make_shared<Tree>();
  int mode = -1;  // -1 unknown, 0 exclusion, 1 inclusion
  for (const auto& [key, value] : projection) {
    const std::string field(key);
    const bool flag = flag_of(field, value);
    if (field == "_id") {
      p.keep_id_ = flag;
      continue;
    }
    if (mode != -1 && mode != static_cast<int>(flag)) {
      invalid("projection: cannot mix inclusion and exclusion ('" + field + "')");
    }
    mode = flag ? 1 : 0;
    Tree* node = tree.get();
    for (const auto& part : parse_path(field)) node = &node->children[part];
    node->leaf = true;
    node->children.clear();
  }
  p.inclusive_ = mode == 1 || (mode == -1 && p.keep_id_);
  // `_id` is listed when its fate differs from the unlisted fields'.
  if (p.inclusive_ == p.keep_id_) tree->children["_id"].leaf = true;
  p.root_ = std::move(tree);
  return p;
}

json::object Projection::apply(const json::object& doc) const {
  if (root_ == nullptr) return doc;
  return project_object(doc, *root_, inclusive_);
}

SortSpec SortSpec::compile(const json::object& sort) {
  SortSpec s;
  for (const auto& [key, value] : sort) {
    const std::string field(key);
    if (!value.is_number() || (value.to_number<double>() != 1 && value.to_number<double>() != -1)) {
      invalid("sort: '" + field + "' needs 1 or -1");
    }
    s.keys_.emplace_back(parse_path(field), value.to_number<double>() > 0 ? 1 : -1);
  }
  return s;
}

void SortSpec::sort(std::vector<json::object>& docs) const {
  if (keys_.empty()) return;
  // One key per (document, sort field), computed once.
  std::vector<std::vector<json::value>> keys(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) {
    for (const auto& [path, direction] : keys_) {
      const Resolved r = resolve(docs[d], path);
      const json::value* best = nullptr;
      // A copy: clang 14 (the fuzz build) cannot capture a structured binding.
      auto consider = [&, sign = direction](const json::value& v) {
        if (best == nullptr || compare_values(v, *best) * sign < 0) best = &v;
      };
      for (const auto* v : r.values) {
        if (const auto* arr = v->if_array(); arr != nullptr && !arr->empty()) {
          for (const auto& element : *arr) consider(element);
        } else {
          consider(*v);
        }
      }
      keys[d].push_back(best != nullptr ? *best : json::value(nullptr));
    }
  }
  std::vector<std::size_t> order(docs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      const int c = compare_values(keys[a][k], keys[b][k]) * keys_[k].second;
      if (c != 0) return c < 0;
    }
    return false;
  });
  std::vector<json::object> sorted;
  sorted.reserve(docs.size());
  for (const std::size_t i : order) sorted.push_back(std::move(docs[i]));
  docs = std::move(sorted);
}

}  // namespace corebot::store
