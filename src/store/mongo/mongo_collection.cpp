#include "store/mongo/mongo_collection.hpp"

#include "store/document.hpp"
#include "store/filter.hpp"
#include "store/guarded.hpp"
#include "store/projection.hpp"
#include "store/update.hpp"

namespace corebot::store::mongo {
namespace json = boost::json;

namespace {

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "", std::move(message));
}

// A collection handle on a leased client.
class Handle {
 public:
  Handle(const ClientLease& client, const Backend& backend, const std::string& name)
      : coll_(
            mongoc_client_get_collection(client.get(), backend.database().c_str(), name.c_str())) {}
  ~Handle() { mongoc_collection_destroy(coll_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  [[nodiscard]] mongoc_collection_t* get() const { return coll_; }

 private:
  mongoc_collection_t* coll_;
};

std::int64_t reply_int(const bson_t* reply, const char* key) {
  bson_iter_t iter;
  if (!bson_iter_init_find(&iter, reply, key)) return 0;
  return bson_iter_as_int64(&iter);
}

UpdateResult result_of(const bson_t* reply) {
  UpdateResult result;
  result.matched = reply_int(reply, "matchedCount");
  result.modified = reply_int(reply, "modifiedCount");
  bson_iter_t iter;
  if (bson_iter_init_find(&iter, reply, "upsertedId")) result.upserted_id = value_of(&iter);
  return result;
}

void check_window(const FindOptions& options) {
  if (options.limit < 0) invalid("limit must not be negative");
  if (options.skip < 0) invalid("skip must not be negative");
}

// Validates like the SQLite backend does, so errors are identical; returns the find options.
BsonPtr find_opts(const json::object& filter, const FindOptions& options, std::int32_t batch) {
  check_window(options);
  Filter::compile(filter);
  SortSpec::compile(options.sort);
  Projection::compile(options.projection);
  BsonPtr opts = make_bson();
  if (!options.sort.empty()) append_json(opts.get(), "sort", options.sort);
  if (!options.projection.empty()) append_json(opts.get(), "projection", options.projection);
  if (options.skip > 0) BSON_APPEND_INT64(opts.get(), "skip", options.skip);
  if (options.limit > 0) BSON_APPEND_INT64(opts.get(), "limit", options.limit);
  if (batch > 0) BSON_APPEND_INT32(opts.get(), "batchSize", batch);
  return opts;
}

bool touches_id(const json::object& update) {
  for (const auto& [op, fields] : update) {
    if (!fields.is_object()) continue;
    for (const auto& [path, value] : fields.get_object()) {
      if (path == "_id" || path.starts_with("_id.")) return true;
    }
  }
  return false;
}

// MongoDB would give an upserted document an ObjectId; the store's ids are 24-hex strings, so an
// upsert whose filter fixes no `_id` sets one on insert.
json::object with_upsert_id(const Filter& filter, const json::object& update) {
  if (filter.upsert_seed().contains("_id") || touches_id(update)) return update;
  json::object out = update;
  json::value& on_insert = out["$setOnInsert"];
  if (!on_insert.is_object()) on_insert = json::object();
  on_insert.get_object()["_id"] = new_object_id();
  return out;
}

}  // namespace

std::vector<UpdateResult> attribute_bulk_reply(const bson_t* reply,
                                               const std::vector<UpdateSpec>& specs) {
  std::vector<UpdateResult> results(specs.size());
  std::vector<bool> inserted(specs.size(), false);
  bson_iter_t iter;
  bson_iter_t upserts;
  if (bson_iter_init_find(&iter, reply, "upserted") && bson_iter_recurse(&iter, &upserts)) {
    while (bson_iter_next(&upserts)) {
      bson_iter_t field;
      if (!bson_iter_recurse(&upserts, &field)) continue;
      std::optional<std::size_t> index;
      std::optional<json::value> id;
      while (bson_iter_next(&field)) {
        const std::string_view key = bson_iter_key(&field);
        if (key == "index") index = static_cast<std::size_t>(bson_iter_as_int64(&field));
        if (key == "_id") id = value_of(&field);
      }
      if (index && *index < specs.size() && id) {
        results[*index].upserted_id = std::move(*id);
        inserted[*index] = true;
      }
    }
  }
  std::int64_t matched = reply_int(reply, "nMatched");
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!inserted[i] && specs[i].upsert) {
      results[i].matched = 1;
      --matched;
    }
  }
  for (std::size_t i = 0; i < specs.size() && matched > 0; ++i) {
    if (!inserted[i] && !specs[i].upsert) {
      results[i].matched = 1;
      --matched;
    }
  }
  std::int64_t modified = reply_int(reply, "nModified");
  for (std::size_t i = 0; i < specs.size() && modified > 0; ++i) {
    if (results[i].matched == 1) {
      results[i].modified = 1;
      --modified;
    }
  }
  return results;
}

namespace {

std::optional<std::size_t> first_write_error(const bson_t* reply) {
  bson_iter_t iter;
  bson_iter_t errors;
  if (!bson_iter_init_find(&iter, reply, "writeErrors") || !bson_iter_recurse(&iter, &errors) ||
      !bson_iter_next(&errors)) {
    return std::nullopt;
  }
  bson_iter_t field;
  if (bson_iter_recurse(&errors, &field) && bson_iter_find(&field, "index")) {
    return static_cast<std::size_t>(bson_iter_as_int64(&field));
  }
  return std::nullopt;
}

// A server-side cursor, opened (with retries) by the first batch; holds its client until
// destroyed. Connection loss mid-stream is reported, not retried (the server cursor is gone).
class MongoCursor final : public Cursor {
 public:
  MongoCursor(Backend& backend, std::string name, BsonPtr filter, BsonPtr opts)
      : backend_(backend),
        name_(std::move(name)),
        filter_(std::move(filter)),
        opts_(std::move(opts)) {}
  ~MongoCursor() override { close(); }
  MongoCursor(const MongoCursor&) = delete;
  MongoCursor& operator=(const MongoCursor&) = delete;

  std::vector<json::object> next_batch(std::size_t max) override {
    std::vector<json::object> out;
    if (done_) return out;
    max = std::max<std::size_t>(max, 1);
    try {
      if (cursor_ == nullptr) {
        backend_.run(true, [&](ClientLease& client) {
          out.clear();
          open(client);
          fill(out, max);
          lease_.emplace(std::move(client));
          return 0;
        });
      } else {
        fill(out, max);
      }
    } catch (const MongoFailure& failure) {
      close();
      done_ = true;
      if (is_connection_error(failure.error)) backend_.record_failure(failure.error);
      throw backend_.failed(failure, true).in(name_, "find");
    } catch (const StoreError& e) {
      close();
      done_ = true;
      throw e.in(name_, "find");
    }
    return out;
  }

 private:
  void open(const ClientLease& client) {
    close();
    coll_ = mongoc_client_get_collection(client.get(), backend_.database().c_str(), name_.c_str());
    cursor_ = mongoc_collection_find_with_opts(coll_, filter_.get(), opts_.get(), nullptr);
  }
  void fill(std::vector<json::object>& out, std::size_t max) {
    const bson_t* doc = nullptr;
    while (out.size() < max && mongoc_cursor_next(cursor_, &doc)) out.push_back(to_json(doc));
    MongoFailure failure;
    if (mongoc_cursor_error(cursor_, &failure.error)) throw failure;
    if (out.size() < max) done_ = true;
  }
  void close() {
    if (cursor_ != nullptr) mongoc_cursor_destroy(cursor_);
    if (coll_ != nullptr) mongoc_collection_destroy(coll_);
    cursor_ = nullptr;
    coll_ = nullptr;
    lease_.reset();
  }

  Backend& backend_;
  std::string name_;
  BsonPtr filter_;
  BsonPtr opts_;
  std::optional<ClientLease> lease_;
  mongoc_collection_t* coll_ = nullptr;
  mongoc_cursor_t* cursor_ = nullptr;
  bool done_ = false;
};

}  // namespace

json::value MongoCollection::insert_one(json::object doc) {
  return guarded(name_, "insert_one", [&] {
    prepare_document(doc);
    BsonPtr bson = to_bson(doc);
    backend_.run(false, [&](ClientLease& client) {
      Handle coll(client, backend_, name_);
      MongoFailure failure;
      if (!mongoc_collection_insert_one(coll.get(), bson.get(), nullptr, nullptr, &failure.error)) {
        throw failure;
      }
      return 0;
    });
    return doc.at("_id");
  });
}

std::vector<json::value> MongoCollection::insert_many(std::vector<json::object> docs) {
  return guarded(name_, "insert_many", [&] {
    std::vector<json::value> ids;
    std::vector<BsonPtr> owned;
    std::vector<const void*> bsons;  // const bson_t*, spelled so to keep bson_t's attributes
    for (auto& doc : docs) {
      prepare_document(doc);
      ids.push_back(doc.at("_id"));
      owned.push_back(to_bson(doc));
      bsons.push_back(owned.back().get());
    }
    if (docs.empty()) return ids;
    backend_.run(false, [&](ClientLease& client) {
      Handle coll(client, backend_, name_);
      Reply reply;
      MongoFailure failure;
      if (!mongoc_collection_insert_many(coll.get(), reinterpret_cast<const bson_t**>(bsons.data()),
                                         bsons.size(), nullptr, &reply.b, &failure.error)) {
        throw failure;
      }
      return 0;
    });
    return ids;
  });
}

std::vector<json::object> MongoCollection::read(const json::object& filter,
                                                const FindOptions& options) {
  BsonPtr opts = find_opts(filter, options, 0);
  BsonPtr query = to_bson(filter);
  return backend_.run(true, [&](ClientLease& client) {
    Handle coll(client, backend_, name_);
    mongoc_cursor_t* cursor =
        mongoc_collection_find_with_opts(coll.get(), query.get(), opts.get(), nullptr);
    std::vector<json::object> docs;
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor, &doc)) docs.push_back(to_json(doc));
    MongoFailure failure;
    const bool failed = mongoc_cursor_error(cursor, &failure.error);
    mongoc_cursor_destroy(cursor);
    if (failed) throw failure;
    return docs;
  });
}

std::vector<json::object> MongoCollection::find(const json::object& filter,
                                                const FindOptions& options) {
  return guarded(name_, "find", [&] { return read(filter, options); });
}

std::optional<json::object> MongoCollection::find_one(const json::object& filter,
                                                      const FindOptions& options) {
  return guarded(name_, "find_one", [&]() -> std::optional<json::object> {
    FindOptions one = options;
    one.limit = 1;
    auto docs = read(filter, one);
    if (docs.empty()) return std::nullopt;
    return std::move(docs.front());
  });
}

std::unique_ptr<Cursor> MongoCollection::find_cursor(const json::object& filter,
                                                     const FindOptions& options) {
  return guarded(name_, "find", [&]() -> std::unique_ptr<Cursor> {
    return std::make_unique<MongoCursor>(backend_, name_, to_bson(filter),
                                         find_opts(filter, options, 256));
  });
}

std::int64_t MongoCollection::count(const json::object& filter) {
  return guarded(name_, "count", [&] {
    Filter::compile(filter);
    BsonPtr query = to_bson(filter);
    return backend_.run(true, [&](ClientLease& client) {
      Handle coll(client, backend_, name_);
      Reply reply;
      MongoFailure failure;
      const std::int64_t n = mongoc_collection_count_documents(coll.get(), query.get(), nullptr,
                                                               nullptr, &reply.b, &failure.error);
      if (n < 0) throw failure;
      return n;
    });
  });
}

void MongoCollection::check_ferretdb_update(const json::object& update) const {
  if (!backend_.ferretdb()) return;
  const auto* pull = update.if_contains("$pull");
  if (pull == nullptr || !pull->is_object()) return;
  for (const auto& [path, condition] : pull->get_object()) {
    if (condition.is_object()) {
      throw StoreError(StoreErrorKind::kUnsupportedOperator, "", "",
                       "$pull with a condition ('" + std::string(path) +
                           "'): FerretDB 1.x ignores it silently; $pull a plain value");
    }
  }
}

UpdateResult MongoCollection::update(const json::object& filter, const json::object& update,
                                     bool many, bool upsert) {
  const Filter compiled = Filter::compile(filter);
  Update::compile(update);
  check_ferretdb_update(update);
  BsonPtr query = to_bson(filter);
  BsonPtr change = to_bson(upsert ? with_upsert_id(compiled, update) : update);
  BsonPtr opts = make_bson();
  if (upsert) BSON_APPEND_BOOL(opts.get(), "upsert", true);
  return backend_.run(false, [&](ClientLease& client) {
    Handle coll(client, backend_, name_);
    Reply reply;
    MongoFailure failure;
    const bool ok = many ? mongoc_collection_update_many(coll.get(), query.get(), change.get(),
                                                         opts.get(), &reply.b, &failure.error)
                         : mongoc_collection_update_one(coll.get(), query.get(), change.get(),
                                                        opts.get(), &reply.b, &failure.error);
    if (!ok) throw failure;
    return result_of(&reply.b);
  });
}

UpdateResult MongoCollection::update_one(const json::object& filter, const json::object& update,
                                         const UpdateOptions& options) {
  return guarded(name_, "update_one",
                 [&] { return this->update(filter, update, false, options.upsert); });
}

UpdateResult MongoCollection::update_many(const json::object& filter, const json::object& update,
                                          const UpdateOptions& options) {
  return guarded(name_, "update_many",
                 [&] { return this->update(filter, update, true, options.upsert); });
}

std::vector<UpdateResult> MongoCollection::update_each(const std::vector<UpdateSpec>& specs) {
  return guarded(name_, "update_each", [&] {
    std::vector<BsonPtr> queries;
    std::vector<BsonPtr> changes;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      try {
        const Filter filter = Filter::compile(specs[i].filter);
        Update::compile(specs[i].update);
        check_ferretdb_update(specs[i].update);
        queries.push_back(to_bson(specs[i].filter));
        changes.push_back(
            to_bson(specs[i].upsert ? with_upsert_id(filter, specs[i].update) : specs[i].update));
      } catch (const StoreError& e) {
        throw StoreError(e.kind(), "", "", spec_prefix(i) + e.message());
      }
    }
    if (specs.empty()) return std::vector<UpdateResult>{};
    if (backend_.ferretdb()) {
      // FerretDB 1.24 misreports multi-statement updates (every upserted[].index and
      // writeErrors[].index is 0, totals are zeroed on error): one update_one per spec instead,
      // for exact results and the exact failing index. Same semantics, more round trips.
      std::vector<UpdateResult> results;
      for (std::size_t i = 0; i < specs.size(); ++i) {
        try {
          results.push_back(this->update(specs[i].filter, specs[i].update, false, specs[i].upsert));
        } catch (const StoreError& e) {
          throw StoreError(e.kind(), "", "", spec_prefix(i) + e.message());
        }
      }
      return results;
    }
    return backend_.run(false, [&](ClientLease& client) {
      Handle coll(client, backend_, name_);
      BsonPtr bulk_opts = make_bson();
      BSON_APPEND_BOOL(bulk_opts.get(), "ordered", true);
      std::unique_ptr<mongoc_bulk_operation_t, void (*)(mongoc_bulk_operation_t*)> bulk(
          mongoc_collection_create_bulk_operation_with_opts(coll.get(), bulk_opts.get()),
          mongoc_bulk_operation_destroy);
      BsonPtr upsert = make_bson();
      BSON_APPEND_BOOL(upsert.get(), "upsert", true);
      for (std::size_t i = 0; i < specs.size(); ++i) {
        MongoFailure failure;
        failure.index = i;
        if (!mongoc_bulk_operation_update_one_with_opts(
                bulk.get(), queries[i].get(), changes[i].get(),
                specs[i].upsert ? upsert.get() : nullptr, &failure.error)) {
          throw failure;
        }
      }
      Reply reply;
      MongoFailure failure;
      if (mongoc_bulk_operation_execute(bulk.get(), &reply.b, &failure.error) == 0) {
        failure.index = first_write_error(&reply.b);
        throw failure;
      }
      return attribute_bulk_reply(&reply.b, specs);
    });
  });
}

UpdateResult MongoCollection::replace(const json::object& filter, const json::object& replacement,
                                      bool upsert) {
  for (const auto& [key, value] : replacement) {
    if (key.starts_with('$')) {
      invalid("the replacement holds the operator '" + std::string(key) +
              "'; use update_one for operators");
    }
  }
  serialize_document(replacement);
  const Filter compiled = Filter::compile(filter);
  // MongoDB would give the inserted document an ObjectId: with no `_id` anywhere, this is a
  // replace, then (when nothing matched) an insert with a store id. Not atomic: documented.
  const bool two_steps =
      upsert && !compiled.upsert_seed().contains("_id") && !replacement.contains("_id");
  BsonPtr query = to_bson(filter);
  BsonPtr doc = to_bson(replacement);
  BsonPtr opts = make_bson();
  if (upsert && !two_steps) BSON_APPEND_BOOL(opts.get(), "upsert", true);
  UpdateResult result = backend_.run(false, [&](ClientLease& client) {
    Handle coll(client, backend_, name_);
    Reply reply;
    MongoFailure failure;
    if (!mongoc_collection_replace_one(coll.get(), query.get(), doc.get(), opts.get(), &reply.b,
                                       &failure.error)) {
      throw failure;
    }
    return result_of(&reply.b);
  });
  if (!two_steps || result.matched > 0) return result;
  json::object inserted;
  inserted["_id"] = new_object_id();
  for (const auto& [key, value] : replacement) inserted[key] = value;
  try {
    result.upserted_id = insert_one(std::move(inserted));
  } catch (const StoreError& e) {
    throw StoreError(e.kind(), name_, "replace_one", e.message());
  }
  return result;
}

UpdateResult MongoCollection::replace_one(const json::object& filter, json::object replacement,
                                          const UpdateOptions& options) {
  return guarded(name_, "replace_one",
                 [&] { return replace(filter, replacement, options.upsert); });
}

namespace {
// mongoc_collection_delete_one and _delete_many share this signature.
using MongocDelete = bool (*)(mongoc_collection_t*, const bson_t*, const bson_t*, bson_t*,
                              bson_error_t*);
}  // namespace

std::int64_t MongoCollection::delete_matching(const char* operation, const json::object& filter,
                                              bool many) {
  MongocDelete remove = many ? &mongoc_collection_delete_many : &mongoc_collection_delete_one;
  return guarded(name_, operation, [&] {
    Filter::compile(filter);
    BsonPtr query = to_bson(filter);
    return backend_.run(false, [&](ClientLease& client) {
      Handle coll(client, backend_, name_);
      Reply reply;
      MongoFailure failure;
      if (!remove(coll.get(), query.get(), nullptr, &reply.b, &failure.error)) throw failure;
      return reply_int(&reply.b, "deletedCount");
    });
  });
}

std::int64_t MongoCollection::delete_one(const json::object& filter) {
  return delete_matching("delete_one", filter, false);
}

std::int64_t MongoCollection::delete_many(const json::object& filter) {
  return delete_matching("delete_many", filter, true);
}

void MongoCollection::create_index(const IndexSpec& spec) {
  guarded(name_, "create_index", [&] {
    check_index_path(spec.path);
    if (spec.path == "_id") return 0;  // always indexed, always unique
    json::object index{{"key", json::object{{spec.path, 1}}}, {"name", spec.path + "_1"}};
    if (spec.unique) index["unique"] = true;
    const json::object command{{"createIndexes", name_}, {"indexes", json::array{index}}};
    BsonPtr bson = to_bson(command);
    return backend_.run(false, [&](ClientLease& client) {
      Handle coll(client, backend_, name_);
      Reply reply;
      MongoFailure failure;
      if (!mongoc_collection_write_command_with_opts(coll.get(), bson.get(), nullptr, &reply.b,
                                                     &failure.error)) {
        throw failure;
      }
      return 0;
    });
  });
}

}  // namespace corebot::store::mongo
