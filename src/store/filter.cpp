#include "store/filter.hpp"

#include "corebot/store.hpp"
#include "store/compare.hpp"

namespace corebot::store {
namespace json = boost::json;

struct Predicate {
  FilterOp op;
  json::value operand;
  std::vector<Predicate> negated;  // for kNot: the conjunction $not negates
};

struct Filter::Node {
  enum class Kind { kAnd, kOr, kNor, kField } kind = Kind::kAnd;
  std::vector<Node> children;
  std::string dotted;
  Path path;
  std::vector<Predicate> predicates;
};

namespace {

using Node = Filter::Node;

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "", "filter: " + std::move(message));
}

bool is_operator_object(const json::value& v) {
  const auto* obj = v.if_object();
  return obj != nullptr && !obj->empty() && obj->begin()->key().starts_with('$');
}

Node parse_document(const json::object& filter);

std::vector<Predicate> parse_operators(const std::string& dotted, const json::object& ops) {
  std::vector<Predicate> out;
  for (const auto& [key, operand] : ops) {
    const std::string name(key);
    if (!key.starts_with('$')) {
      invalid("'" + dotted + "' mixes operators with the field '" + name + "'");
    }
    Predicate p{FilterOp::kEq, operand, {}};
    if (name == "$eq") {
      p.op = FilterOp::kEq;
    } else if (name == "$ne") {
      p.op = FilterOp::kNe;
    } else if (name == "$gt") {
      p.op = FilterOp::kGt;
    } else if (name == "$gte") {
      p.op = FilterOp::kGte;
    } else if (name == "$lt") {
      p.op = FilterOp::kLt;
    } else if (name == "$lte") {
      p.op = FilterOp::kLte;
    } else if (name == "$in" || name == "$nin") {
      p.op = name == "$in" ? FilterOp::kIn : FilterOp::kNin;
      if (!operand.is_array()) invalid(name + " on '" + dotted + "' needs an array");
      for (const auto& element : operand.get_array()) {
        if (is_operator_object(element)) invalid(name + " on '" + dotted + "' holds an operator");
      }
    } else if (name == "$exists") {
      p.op = FilterOp::kExists;
      if (operand.is_bool()) {
        p.operand = operand.get_bool();
      } else if (operand.is_number()) {
        p.operand = operand.to_number<double>() != 0;
      } else {
        invalid("$exists on '" + dotted + "' needs a boolean");
      }
    } else if (name == "$not") {
      p.op = FilterOp::kNot;
      if (!is_operator_object(operand)) {
        invalid("$not on '" + dotted + "' needs a document of operators");
      }
      p.negated = parse_operators(dotted, operand.get_object());
      p.operand = nullptr;
    } else {
      throw StoreError(StoreErrorKind::kUnsupportedOperator, "", "",
                       "filter: unsupported query operator '" + name + "' on '" + dotted + "'");
    }
    out.push_back(std::move(p));
  }
  return out;
}

Node parse_logical(Node::Kind kind, const std::string& name, const json::value& operand) {
  const auto* arr = operand.if_array();
  if (arr == nullptr || arr->empty()) invalid(name + " needs a non-empty array of documents");
  Node node;
  node.kind = kind;
  for (const auto& element : *arr) {
    if (!element.is_object()) invalid(name + " needs a non-empty array of documents");
    node.children.push_back(parse_document(element.get_object()));
  }
  return node;
}

Node parse_document(const json::object& filter) {
  Node node;
  node.kind = Node::Kind::kAnd;
  for (const auto& [key, value] : filter) {
    const std::string name(key);
    if (key.starts_with('$')) {
      if (name == "$and") {
        node.children.push_back(parse_logical(Node::Kind::kAnd, name, value));
      } else if (name == "$or") {
        node.children.push_back(parse_logical(Node::Kind::kOr, name, value));
      } else if (name == "$nor") {
        node.children.push_back(parse_logical(Node::Kind::kNor, name, value));
      } else {
        throw StoreError(StoreErrorKind::kUnsupportedOperator, "", "",
                         "filter: unsupported top-level operator '" + name + "'");
      }
      continue;
    }
    Node field;
    field.kind = Node::Kind::kField;
    field.dotted = name;
    field.path = parse_path(name);
    if (is_operator_object(value)) {
      field.predicates = parse_operators(name, value.get_object());
    } else {
      field.predicates.push_back(Predicate{FilterOp::kEq, value, {}});
    }
    node.children.push_back(std::move(field));
  }
  return node;
}

// Equality with MongoDB's array rule: an array field matches a value equal to it or to one of its
// elements; null matches a missing field.
bool equals_any(const Resolved& r, const json::value& operand) {
  if (operand.is_null() && (r.missing || r.values.empty())) return true;
  for (const auto* v : r.values) {
    if (values_equal(*v, operand)) return true;
    if (const auto* arr = v->if_array()) {
      for (const auto& element : *arr) {
        if (values_equal(element, operand)) return true;
      }
    }
  }
  return false;
}

bool range_holds(FilterOp op, int c) {
  switch (op) {
    case FilterOp::kGt:
      return c > 0;
    case FilterOp::kGte:
      return c >= 0;
    case FilterOp::kLt:
      return c < 0;
    case FilterOp::kLte:
      return c <= 0;
    default:
      return false;
  }
}

// Range operators compare only within a type class (MongoDB's type bracketing).
bool range_any(const Resolved& r, FilterOp op, const json::value& operand) {
  if (operand.is_null()) {
    return (op == FilterOp::kGte || op == FilterOp::kLte) && equals_any(r, operand);
  }
  const TypeRank rank = type_rank(operand);
  auto test = [&](const json::value& v) {
    return type_rank(v) == rank && range_holds(op, compare_values(v, operand));
  };
  for (const auto* v : r.values) {
    if (test(*v)) return true;
    if (const auto* arr = v->if_array()) {
      for (const auto& element : *arr) {
        if (test(element)) return true;
      }
    }
  }
  return false;
}

bool holds(const Resolved& r, const Predicate& p) {
  switch (p.op) {
    case FilterOp::kEq:
      return equals_any(r, p.operand);
    case FilterOp::kNe:
      return !equals_any(r, p.operand);
    case FilterOp::kGt:
    case FilterOp::kGte:
    case FilterOp::kLt:
    case FilterOp::kLte:
      return range_any(r, p.op, p.operand);
    case FilterOp::kIn:
    case FilterOp::kNin: {
      bool found = false;
      for (const auto& candidate : p.operand.get_array()) {
        if (equals_any(r, candidate)) {
          found = true;
          break;
        }
      }
      return p.op == FilterOp::kIn ? found : !found;
    }
    case FilterOp::kExists:
      return r.values.empty() != p.operand.get_bool();
    case FilterOp::kNot:
      for (const auto& inner : p.negated) {
        if (!holds(r, inner)) return true;
      }
      return false;
  }
  return false;
}

bool match_node(const Node& node, const json::object& doc) {
  switch (node.kind) {
    case Node::Kind::kField: {
      const Resolved r = resolve(doc, node.path);
      for (const auto& p : node.predicates) {
        if (!holds(r, p)) return false;
      }
      return true;
    }
    case Node::Kind::kAnd:
      for (const auto& child : node.children) {
        if (!match_node(child, doc)) return false;
      }
      return true;
    case Node::Kind::kOr:
      for (const auto& child : node.children) {
        if (match_node(child, doc)) return true;
      }
      return false;
    case Node::Kind::kNor:
      for (const auto& child : node.children) {
        if (match_node(child, doc)) return false;
      }
      return true;
  }
  return false;
}

void collect_conjuncts(const Node& node, std::vector<FieldCondition>& out) {
  for (const auto& child : node.children) {
    if (child.kind == Node::Kind::kAnd) {
      collect_conjuncts(child, out);
    } else if (child.kind == Node::Kind::kField) {
      for (const auto& p : child.predicates) {
        out.push_back(FieldCondition{child.dotted, child.path, p.op, &p.operand});
      }
    }
  }
}

}  // namespace

Filter Filter::compile(const json::object& filter) {
  Filter f;
  f.root_ = std::make_shared<const Node>(parse_document(filter));
  return f;
}

bool Filter::matches(const json::object& doc) const { return match_node(*root_, doc); }

std::vector<FieldCondition> Filter::conjuncts() const {
  std::vector<FieldCondition> out;
  collect_conjuncts(*root_, out);
  return out;
}

json::object Filter::upsert_seed() const {
  json::object seed;
  for (const auto& c : conjuncts()) {
    if (c.op == FilterOp::kEq) set_path(seed, c.path, *c.operand);
  }
  return seed;
}

const json::value* Filter::id_equality() const {
  if (root_->kind != Node::Kind::kAnd || root_->children.size() != 1) return nullptr;
  const Node& field = root_->children.front();
  if (field.kind != Node::Kind::kField || field.dotted != "_id" || field.predicates.size() != 1) {
    return nullptr;
  }
  const Predicate& p = field.predicates.front();
  if (p.op != FilterOp::kEq || !(p.operand.is_string() || p.operand.is_number())) return nullptr;
  return &p.operand;
}

const json::value* Filter::plain_id(const json::object& filter) {
  if (filter.size() != 1) return nullptr;
  const json::value* id = filter.if_contains("_id");
  return id != nullptr && (id->is_string() || id->is_number()) ? id : nullptr;
}

void set_path(json::object& doc, const Path& path, json::value value) {
  json::value* current = nullptr;
  json::object* parent = &doc;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const bool last = i + 1 == path.size();
    if (parent != nullptr) {
      current = &(*parent)[path[i]];
    } else if (auto* arr = current->if_array()) {
      const auto index = array_index(path[i]);
      if (!index) {
        throw StoreError(StoreErrorKind::kTypeMismatch, "", "",
                         "cannot create field '" + path[i] + "' inside the array at '" +
                             join_path(Path(path.begin(), path.begin() + i)) + "'");
      }
      if (arr->size() <= *index) arr->resize(*index + 1);
      current = &(*arr)[*index];
    } else {
      throw StoreError(StoreErrorKind::kTypeMismatch, "", "",
                       "cannot create field '" + path[i] + "' inside the " +
                           std::string(json::to_string(current->kind())) + " at '" +
                           join_path(Path(path.begin(), path.begin() + i)) + "'");
    }
    if (last) break;
    // A fresh slot (operator[] inserted null) becomes an object to descend into.
    if (current->is_null()) *current = json::object();
    parent = current->if_object();
  }
  *current = std::move(value);
}

}  // namespace corebot::store
