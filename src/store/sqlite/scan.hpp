// Reading a collection's table: schema names, index metadata, and the scan that pre-selects rows
// in SQL (through an index where the filter allows it) and matches them in C++.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/filter.hpp"
#include "store/sqlite/connection.hpp"

namespace corebot::store::sqlite {

// Tables are "c_<collection>", indexes "i_<collection>_<path>"; both quoted identifiers (the
// collection name is validated, so it holds no quote).
std::string table_name(std::string_view collection);
std::string index_name(std::string_view collection, std::string_view dotted);
// The json_extract() expression of an index on `path`, spelled identically wherever it is used
// so that SQLite matches the query to the index.
std::string extract_sql(const Path& path);

bool table_exists(Connection& connection, std::string_view collection);

struct IndexInfo {
  std::string dotted;
  Path path;
  bool unique = false;
  bool multikey = false;  // some document has an array on the path: SQL cannot pre-select
};
std::vector<IndexInfo> load_indexes(Connection& connection, std::string_view collection);

struct Row {
  std::int64_t rowid = 0;
  boost::json::object doc;
};

// The document a row holds; throws StoreError (kCorrupt) naming the row when it is not one.
boost::json::object parse_row(std::int64_t rowid, std::string_view text);

// Visits, in rowid order, each document after `after_rowid` that matches `filter`, until `visit`
// returns false. Returns true when the table was exhausted. Call inside a transaction.
// `indexes`: the collection's, when the caller holds them already (a batch of updates reads them
// once, not once per document); otherwise read here.
bool scan(Connection& connection, std::string_view collection, const Filter& filter,
          std::int64_t after_rowid, const std::function<bool(Row&)>& visit,
          const std::vector<IndexInfo>* indexes = nullptr);

}  // namespace corebot::store::sqlite
