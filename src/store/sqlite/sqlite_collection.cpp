#include "store/sqlite/sqlite_collection.hpp"

#include "store/document.hpp"
#include "store/filter.hpp"
#include "store/guarded.hpp"
#include "store/projection.hpp"
#include "store/sqlite/scan.hpp"
#include "store/update.hpp"

namespace corebot::store::sqlite {
namespace json = boost::json;

namespace {

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "", std::move(message));
}

void ensure_table(Connection& connection, std::string_view collection) {
  if (table_exists(connection, collection)) return;
  connection.exec("CREATE TABLE " + table_name(collection) +
                  " (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)");
}

// Once a document puts an array on an indexed path, SQL pre-selection through that index would
// miss it; the flag is written in the same transaction as the document.
void mark_multikey(Connection& connection, std::string_view collection,
                   std::vector<IndexInfo>& indexes, const json::object& doc) {
  for (auto& index : indexes) {
    if (index.multikey || !touches_array(doc, index.path)) continue;
    auto stmt = connection.query(
        "UPDATE corebot_indexes SET multikey = 1 WHERE collection = ?1 AND path = ?2");
    stmt.bind(1, collection).bind(2, index.dotted);
    stmt.step();
    index.multikey = true;
  }
}

void step_write(Statement& stmt, const json::object& doc) {
  try {
    stmt.step();
  } catch (const StoreError& e) {
    if (e.kind() != StoreErrorKind::kDuplicateKey) throw;
    if (e.message().find(".id") != std::string::npos) {
      throw StoreError(e.kind(), "", "", "duplicate _id " + json::serialize(doc.at("_id")));
    }
    throw StoreError(e.kind(), "", "",
                     "a unique index already holds this value (" + e.message() + ")");
  }
}

// `key`: the document's id_key().
void insert_row(Connection& connection, std::string_view collection, const std::string& sql,
                std::vector<IndexInfo>& indexes, const json::object& doc, const std::string& key,
                const std::string& text) {
  mark_multikey(connection, collection, indexes, doc);
  auto stmt = connection.query(sql);
  stmt.bind(1, key).bind(2, text);
  step_write(stmt, doc);
}

// The row whose primary key is `key`, if any.
std::optional<Row> row_by_id(Connection& connection, const std::string& sql,
                             const std::string& key) {
  auto stmt = connection.query(sql);
  stmt.bind(1, key);
  if (!stmt.step()) return std::nullopt;
  Row row;
  row.rowid = stmt.column_int64(0);
  row.doc = parse_row(row.rowid, stmt.column_text(1));
  return row;
}

void check_window(const FindOptions& options) {
  if (options.limit < 0) invalid("limit must not be negative");
  if (options.skip < 0) invalid("skip must not be negative");
}

// Every matching document, sorted, windowed and projected, read in one transaction.
std::vector<json::object> read_all(Connection& connection, std::string_view collection,
                                   const json::object& filter_json, const FindOptions& options) {
  check_window(options);
  const Filter filter = Filter::compile(filter_json);
  const SortSpec sort = SortSpec::compile(options.sort);
  const Projection projection = Projection::compile(options.projection);
  Transaction txn(connection, false);
  std::vector<json::object> docs;
  if (!table_exists(connection, collection)) return docs;
  const auto limit = static_cast<std::size_t>(options.limit);
  const auto skip = static_cast<std::size_t>(options.skip);
  std::size_t skipped = 0;
  scan(connection, collection, filter, 0, [&](Row& row) {
    if (!sort.empty()) {
      docs.push_back(std::move(row.doc));
      return true;
    }
    if (skipped < skip) {
      ++skipped;
      return true;
    }
    docs.push_back(std::move(row.doc));
    return limit == 0 || docs.size() < limit;
  });
  txn.commit();
  if (!sort.empty()) {
    sort.sort(docs);
    docs.erase(docs.begin(),
               docs.begin() + static_cast<std::ptrdiff_t>(std::min(skip, docs.size())));
    if (limit != 0 && docs.size() > limit) docs.resize(limit);
  }
  if (!projection.empty()) {
    for (auto& doc : docs) doc = projection.apply(doc);
  }
  return docs;
}

// A sorted result, sorted in memory, handed out in batches.
class BufferedCursor final : public Cursor {
 public:
  explicit BufferedCursor(std::vector<json::object> docs) : docs_(std::move(docs)) {}
  std::vector<json::object> next_batch(std::size_t max) override {
    std::vector<json::object> out;
    while (next_ < docs_.size() && out.size() < std::max<std::size_t>(max, 1)) {
      out.push_back(std::move(docs_[next_++]));
    }
    return out;
  }

 private:
  std::vector<json::object> docs_;
  std::size_t next_ = 0;
};

// An unsorted result streamed by rowid: each batch is one short read transaction resuming after
// the last rowid seen, so documents written meanwhile may or may not appear (as in MongoDB).
class StreamingCursor final : public Cursor {
 public:
  StreamingCursor(ConnectionPool& pool, std::string collection, Filter filter,
                  Projection projection, const FindOptions& options)
      : pool_(pool),
        collection_(std::move(collection)),
        filter_(std::move(filter)),
        projection_(std::move(projection)),
        skip_(static_cast<std::size_t>(options.skip)),
        remaining_(static_cast<std::size_t>(options.limit)) {
    unlimited_ = options.limit == 0;
  }

  std::vector<json::object> next_batch(std::size_t max) override {
    std::vector<json::object> out;
    if (done_) return out;
    max = std::max<std::size_t>(max, 1);
    try {
      auto connection = pool_.acquire();
      Transaction txn(*connection, false);
      if (!table_exists(*connection, collection_)) {
        done_ = true;
        return out;
      }
      const bool exhausted = scan(*connection, collection_, filter_, last_rowid_, [&](Row& row) {
        last_rowid_ = row.rowid;
        if (skip_ > 0) {
          --skip_;
          return true;
        }
        out.push_back(projection_.empty() ? std::move(row.doc) : projection_.apply(row.doc));
        if (!unlimited_ && --remaining_ == 0) {
          done_ = true;
          return false;
        }
        return out.size() < max;
      });
      txn.commit();
      done_ = done_ || exhausted;
    } catch (const StoreError& e) {
      throw e.in(collection_, "find");
    }
    return out;
  }

 private:
  ConnectionPool& pool_;
  std::string collection_;
  Filter filter_;
  Projection projection_;
  std::size_t skip_;
  std::size_t remaining_;
  bool unlimited_ = true;
  bool done_ = false;
  std::int64_t last_rowid_ = 0;
};

// A replacement keeps the stored `_id` (first, as MongoDB places it) and may not change it.
json::object with_id_of(const json::object& current, const json::object& replacement) {
  json::object next;
  const auto* id = current.if_contains("_id");
  const auto* new_id = replacement.if_contains("_id");
  if (id != nullptr && new_id != nullptr && id_key(*id) != id_key(*new_id)) {
    invalid("the replacement would change the immutable field '_id'");
  }
  if (id != nullptr) {
    next.emplace("_id", *id);
  } else if (new_id != nullptr) {
    next.emplace("_id", *new_id);
  }
  for (const auto& [key, value] : replacement) {
    if (key != "_id") next.emplace(key, value);
  }
  return next;
}

}  // namespace

SqliteCollection::SqliteCollection(ConnectionPool& pool, std::string name)
    : pool_(pool), name_(std::move(name)) {
  const std::string table = table_name(name_);
  sql_.insert = "INSERT INTO " + table + " (id, doc) VALUES (?1, ?2)";
  sql_.update = "UPDATE " + table + " SET doc = ?1 WHERE rowid = ?2";
  sql_.select_id = "SELECT rowid, doc FROM " + table + " WHERE id = ?1";
}

std::vector<json::value> SqliteCollection::insert_docs(std::vector<json::object>& docs) {
  const std::size_t max_bytes = pool_.options().max_document_bytes;
  std::vector<std::string> texts;
  std::vector<json::value> ids;
  for (auto& doc : docs) {
    texts.push_back(prepare_document(doc, max_bytes));
    ids.push_back(doc.at("_id"));
  }
  auto connection = pool_.acquire();
  Transaction txn(*connection, true);
  ensure_table(*connection, name_);
  auto indexes = load_indexes(*connection, name_);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    insert_row(*connection, name_, sql_.insert, indexes, docs[i], id_key(ids[i]), texts[i]);
  }
  txn.commit();
  return ids;
}

json::value SqliteCollection::insert_one(json::object doc) {
  std::vector<json::object> docs;
  docs.push_back(std::move(doc));
  return guarded(name_, "insert_one", [&] { return insert_docs(docs).front(); });
}

std::vector<json::value> SqliteCollection::insert_many(std::vector<json::object> docs) {
  return guarded(name_, "insert_many", [&] { return insert_docs(docs); });
}

std::vector<json::object> SqliteCollection::find(const json::object& filter,
                                                 const FindOptions& options) {
  return guarded(name_, "find", [&] {
    auto connection = pool_.acquire();
    return read_all(*connection, name_, filter, options);
  });
}

std::optional<json::object> SqliteCollection::find_one(const json::object& filter,
                                                       const FindOptions& options) {
  return guarded(name_, "find_one", [&]() -> std::optional<json::object> {
    FindOptions one = options;
    one.limit = 1;
    auto connection = pool_.acquire();
    auto docs = read_all(*connection, name_, filter, one);
    if (docs.empty()) return std::nullopt;
    return std::move(docs.front());
  });
}

std::unique_ptr<Cursor> SqliteCollection::find_cursor(const json::object& filter,
                                                      const FindOptions& options) {
  return guarded(name_, "find", [&]() -> std::unique_ptr<Cursor> {
    if (!options.sort.empty()) return std::make_unique<BufferedCursor>(find(filter, options));
    check_window(options);
    return std::make_unique<StreamingCursor>(pool_, name_, Filter::compile(filter),
                                             Projection::compile(options.projection), options);
  });
}

std::int64_t SqliteCollection::count(const json::object& filter_json) {
  return guarded(name_, "count", [&] {
    const Filter filter = Filter::compile(filter_json);
    auto connection = pool_.acquire();
    Transaction txn(*connection, false);
    std::int64_t n = 0;
    if (table_exists(*connection, name_)) {
      scan(*connection, name_, filter, 0, [&](Row&) {
        ++n;
        return true;
      });
    }
    txn.commit();
    return n;
  });
}

UpdateResult SqliteCollection::modify(const json::object& filter_json, bool many,
                                      const UpdateOptions& options, const Change& change) {
  const Filter filter = Filter::compile(filter_json);
  auto connection = pool_.acquire();
  Transaction txn(*connection, true);
  std::optional<std::vector<IndexInfo>> indexes;
  UpdateResult result = modify_in(*connection, indexes, {filter.id_equality(), &filter}, many,
                                  options.upsert, change);
  txn.commit();
  return result;
}

UpdateResult SqliteCollection::modify_in(Connection& connection,
                                         std::optional<std::vector<IndexInfo>>& indexes,
                                         Target target, bool many, bool upsert,
                                         const Change& change) {
  const std::size_t max_bytes = pool_.options().max_document_bytes;
  UpdateResult result;
  if (!indexes.has_value()) {
    if (!table_exists(connection, name_)) {
      if (!upsert) return result;
      ensure_table(connection, name_);
    }
    indexes = load_indexes(connection, name_);
  }
  // Collect first: rows are not rewritten under a running SELECT.
  std::vector<Row> matched;
  const json::value* id = target.id;
  std::string key;
  if (id != nullptr) {
    // A write by `_id` (users, sessions): one primary-key lookup, nothing to match again.
    key = id_key(*id);
    if (auto row = row_by_id(connection, sql_.select_id, key)) matched.push_back(std::move(*row));
  } else {
    scan(
        connection, name_, *target.filter, 0,
        [&](Row& row) {
          matched.push_back(std::move(row));
          return many;
        },
        &*indexes);
  }
  for (auto& row : matched) {
    ++result.matched;
    if (!change(row.doc, false)) continue;
    const std::string text = prepare_document(row.doc, max_bytes);
    mark_multikey(connection, name_, *indexes, row.doc);
    auto stmt = connection.query(sql_.update);
    stmt.bind(1, text).bind(2, row.rowid);
    step_write(stmt, row.doc);
    ++result.modified;
  }
  if (matched.empty() && upsert) {
    // By id, the seed is the id: an update may not change it, so its key stays `key`.
    json::object doc = id != nullptr ? json::object{{"_id", *id}} : target.filter->upsert_seed();
    change(doc, true);
    const std::string text = prepare_document(doc, max_bytes);
    if (id == nullptr) key = id_key(doc.at("_id"));
    insert_row(connection, name_, sql_.insert, *indexes, doc, key, text);
    result.upserted_id = doc.at("_id");
  }
  return result;
}

UpdateResult SqliteCollection::update_one(const json::object& filter, const json::object& update,
                                          const UpdateOptions& options) {
  return guarded(name_, "update_one", [&] {
    const Update compiled = Update::compile(update);
    return modify(filter, false, options, [&](json::object& doc, bool inserting) {
      return compiled.apply(doc, inserting);
    });
  });
}

UpdateResult SqliteCollection::update_many(const json::object& filter, const json::object& update,
                                           const UpdateOptions& options) {
  return guarded(name_, "update_many", [&] {
    const Update compiled = Update::compile(update);
    return modify(filter, true, options, [&](json::object& doc, bool inserting) {
      return compiled.apply(doc, inserting);
    });
  });
}

std::vector<UpdateResult> SqliteCollection::update_each(const std::vector<UpdateSpec>& specs) {
  return guarded(name_, "update_each", [&] {
    std::vector<UpdateResult> results;
    if (specs.empty()) return results;
    // Most batches write by `_id` ({_id: x}): those need no compiled filter. Sized once, so the
    // targets may point into `filters`.
    std::vector<std::optional<Filter>> filters(specs.size());
    std::vector<Target> targets(specs.size());
    std::vector<Update> updates;
    updates.reserve(specs.size());
    std::size_t i = 0;
    try {
      for (; i < specs.size(); ++i) {
        if (const json::value* id = Filter::plain_id(specs[i].filter)) {
          targets[i] = {id, nullptr};
        } else {
          const Filter& filter = filters[i].emplace(Filter::compile(specs[i].filter));
          targets[i] = {filter.id_equality(), &filter};
        }
        updates.push_back(Update::compile(specs[i].update));
      }
      auto connection = pool_.acquire();
      Transaction txn(*connection, true);
      std::optional<std::vector<IndexInfo>> indexes;
      results.reserve(specs.size());
      for (i = 0; i < specs.size(); ++i) {
        const Update& update = updates[i];
        results.push_back(modify_in(
            *connection, indexes, targets[i], false, specs[i].upsert,
            [&](json::object& doc, bool inserting) { return update.apply(doc, inserting); }));
      }
      txn.commit();
    } catch (const StoreError& e) {
      if (i >= specs.size()) throw;  // the commit itself failed
      throw StoreError(e.kind(), "", "", spec_prefix(i) + e.message());
    }
    return results;
  });
}

UpdateResult SqliteCollection::replace_one(const json::object& filter, json::object replacement,
                                           const UpdateOptions& options) {
  return guarded(name_, "replace_one", [&] {
    for (const auto& [key, value] : replacement) {
      if (key.starts_with('$')) {
        invalid("the replacement holds the operator '" + std::string(key) +
                "'; use update_one for operators");
      }
    }
    return modify(filter, false, options, [&](json::object& doc, bool) {
      json::object next = with_id_of(doc, replacement);
      const bool changed = next != doc;
      doc = std::move(next);
      return changed;
    });
  });
}

std::int64_t SqliteCollection::remove(const json::object& filter_json, bool many) {
  const Filter filter = Filter::compile(filter_json);
  auto connection = pool_.acquire();
  Transaction txn(*connection, true);
  if (!table_exists(*connection, name_)) return 0;
  std::vector<std::int64_t> rowids;
  scan(*connection, name_, filter, 0, [&](Row& row) {
    rowids.push_back(row.rowid);
    return many;
  });
  for (const auto rowid : rowids) {
    auto stmt = connection->query("DELETE FROM " + table_name(name_) + " WHERE rowid = ?1");
    stmt.bind(1, rowid);
    stmt.step();
  }
  txn.commit();
  return static_cast<std::int64_t>(rowids.size());
}

std::int64_t SqliteCollection::delete_one(const json::object& filter) {
  return guarded(name_, "delete_one", [&] { return remove(filter, false); });
}

std::int64_t SqliteCollection::delete_many(const json::object& filter) {
  return guarded(name_, "delete_many", [&] { return remove(filter, true); });
}

void SqliteCollection::create_index(const IndexSpec& spec) {
  guarded(name_, "create_index", [&] {
    check_index_path(spec.path);
    const Path path = parse_path(spec.path);
    if (spec.path == "_id") return;  // always indexed, always unique
    auto connection = pool_.acquire();
    Transaction txn(*connection, true);
    ensure_table(*connection, name_);
    for (const auto& index : load_indexes(*connection, name_)) {
      if (index.dotted != spec.path) continue;
      if (index.unique != spec.unique) {
        invalid("an index on '" + spec.path + "' exists with other options");
      }
      return;
    }
    try {
      connection->exec(std::string("CREATE ") + (spec.unique ? "UNIQUE " : "") + "INDEX " +
                       index_name(name_, spec.path) + " ON " + table_name(name_) + " (" +
                       extract_sql(path) + ")");
    } catch (const StoreError& e) {
      if (e.kind() != StoreErrorKind::kDuplicateKey) throw;
      throw StoreError(
          e.kind(), "", "",
          "cannot create the unique index on '" + spec.path + "': documents share a value");
    }
    bool multikey = false;
    scan(*connection, name_, Filter::compile({}), 0, [&](Row& row) {
      multikey = touches_array(row.doc, path);
      return !multikey;
    });
    auto stmt = connection->query(
        "INSERT INTO corebot_indexes (collection, path, is_unique, multikey) "
        "VALUES (?1, ?2, ?3, ?4)");
    stmt.bind(1, name_).bind(2, spec.path);
    stmt.bind(3, std::int64_t{spec.unique ? 1 : 0}).bind(4, std::int64_t{multikey ? 1 : 0});
    stmt.step();
    txn.commit();
  });
}

}  // namespace corebot::store::sqlite
