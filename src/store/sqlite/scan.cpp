#include "store/sqlite/scan.hpp"

#include "corebot/store.hpp"
#include "store/document.hpp"

namespace corebot::store::sqlite {
namespace json = boost::json;

std::string table_name(std::string_view collection) {
  return "\"c_" + std::string(collection) + "\"";
}

std::string index_name(std::string_view collection, std::string_view dotted) {
  return "\"i_" + std::string(collection) + "_" + std::string(dotted) + "\"";
}

std::string extract_sql(const Path& path) {
  // coalesce(): a missing field or null is one key (a blob json_extract never returns), so a
  // unique index admits a single document without the field, as in MongoDB.
  std::string out = "coalesce(json_extract(doc, '$";
  for (const auto& part : path) out += ".\"" + part + "\"";
  return out + "'), x'00')";
}

bool table_exists(Connection& connection, std::string_view collection) {
  auto stmt = connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  stmt.bind(1, "c_" + std::string(collection));
  return stmt.step();
}

std::vector<IndexInfo> load_indexes(Connection& connection, std::string_view collection) {
  auto stmt = connection.query(
      "SELECT path, is_unique, multikey FROM corebot_indexes WHERE collection = ?1 ORDER BY path");
  stmt.bind(1, collection);
  std::vector<IndexInfo> out;
  while (stmt.step()) {
    IndexInfo info;
    info.dotted = std::string(stmt.column_text(0));
    info.path = parse_path(info.dotted);
    info.unique = stmt.column_int64(1) != 0;
    info.multikey = stmt.column_int64(2) != 0;
    out.push_back(std::move(info));
  }
  return out;
}

json::object parse_row(std::int64_t rowid, std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    throw StoreError(StoreErrorKind::kCorrupt, "", "",
                     "row " + std::to_string(rowid) + " does not hold a JSON document");
  }
  return std::move(parsed.get_object());
}

namespace {

// A pre-selection clause: SQL text and the values it binds.
struct Clause {
  std::string sql;
  std::vector<json::value> binds;
};

bool sql_comparable(const json::value& v) { return v.is_string() || v.is_number(); }

const char* sql_operator(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return " = ?";
    case FilterOp::kGt:
      return " > ?";
    case FilterOp::kGte:
      return " >= ?";
    case FilterOp::kLt:
      return " < ?";
    case FilterOp::kLte:
      return " <= ?";
    default:
      return nullptr;
  }
}

std::string in_list(std::size_t n) {
  std::string out = " IN (";
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out + ")";
}

// Clauses whose rows are a superset of the filter's matches. `_id` is never an array, so its
// canonical key pins equality exactly; other paths only through an index that is not multikey
// (json_extract() on an array would hide its elements), and only for string/number operands.
std::vector<Clause> pre_selection(const Filter& filter, const std::vector<IndexInfo>& indexes) {
  std::vector<Clause> out;
  for (const auto& c : filter.conjuncts()) {
    if (c.path.size() == 1 && c.path.front() == "_id") {
      if (c.op == FilterOp::kEq) {
        out.push_back({"id = ?", {json::value(id_key(*c.operand))}});
      } else if (c.op == FilterOp::kIn) {
        Clause clause{"id" + in_list(c.operand->get_array().size()), {}};
        for (const auto& v : c.operand->get_array()) clause.binds.emplace_back(id_key(v));
        out.push_back(std::move(clause));
      }
      continue;
    }
    const IndexInfo* index = nullptr;
    for (const auto& i : indexes) {
      if (i.dotted == c.dotted && !i.multikey) index = &i;
    }
    if (index == nullptr) continue;
    if (c.op == FilterOp::kIn) {
      const auto& values = c.operand->get_array();
      bool all = true;
      for (const auto& v : values) all = all && sql_comparable(v);
      if (!all) continue;
      Clause clause{extract_sql(c.path) + in_list(values.size()), {}};
      for (const auto& v : values) clause.binds.push_back(v);
      out.push_back(std::move(clause));
    } else if (const char* op = sql_operator(c.op); op != nullptr && sql_comparable(*c.operand)) {
      out.push_back({extract_sql(c.path) + op, {*c.operand}});
    }
  }
  return out;
}

}  // namespace

bool scan(Connection& connection, std::string_view collection, const Filter& filter,
          std::int64_t after_rowid, const std::function<bool(Row&)>& visit,
          const std::vector<IndexInfo>* indexes) {
  const auto clauses = indexes != nullptr
                           ? pre_selection(filter, *indexes)
                           : pre_selection(filter, load_indexes(connection, collection));
  std::string sql = "SELECT rowid, doc FROM " + table_name(collection) + " WHERE rowid > ?";
  for (const auto& clause : clauses) sql += " AND " + clause.sql;
  sql += " ORDER BY rowid";
  auto stmt = connection.query(sql);
  int index = 1;
  stmt.bind(index++, after_rowid);
  for (const auto& clause : clauses) {
    for (const auto& v : clause.binds) stmt.bind_json(index++, v);
  }
  while (stmt.step()) {
    Row row;
    row.rowid = stmt.column_int64(0);
    row.doc = parse_row(row.rowid, stmt.column_text(1));
    if (!filter.matches(row.doc)) continue;
    if (!visit(row)) return false;
  }
  return true;
}

}  // namespace corebot::store::sqlite
