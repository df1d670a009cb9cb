#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "corebot/store.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/scan.hpp"

namespace corebot::store::sqlite {

class SqliteCollection final : public Collection {
 public:
  SqliteCollection(ConnectionPool& pool, std::string name);

  [[nodiscard]] const std::string& name() const override { return name_; }
  boost::json::value insert_one(boost::json::object doc) override;
  std::vector<boost::json::value> insert_many(std::vector<boost::json::object> docs) override;
  std::vector<boost::json::object> find(const boost::json::object& filter,
                                        const FindOptions& options) override;
  std::optional<boost::json::object> find_one(const boost::json::object& filter,
                                              const FindOptions& options) override;
  std::unique_ptr<Cursor> find_cursor(const boost::json::object& filter,
                                      const FindOptions& options) override;
  std::int64_t count(const boost::json::object& filter) override;
  UpdateResult update_one(const boost::json::object& filter, const boost::json::object& update,
                          const UpdateOptions& options) override;
  UpdateResult update_many(const boost::json::object& filter, const boost::json::object& update,
                           const UpdateOptions& options) override;
  std::vector<UpdateResult> update_each(const std::vector<UpdateSpec>& specs) override;
  UpdateResult replace_one(const boost::json::object& filter, boost::json::object replacement,
                           const UpdateOptions& options) override;
  std::int64_t delete_one(const boost::json::object& filter) override;
  std::int64_t delete_many(const boost::json::object& filter) override;
  void create_index(const IndexSpec& spec) override;

 private:
  using Change = std::function<bool(boost::json::object&, bool)>;
  // One write transaction around `modify_in`.
  UpdateResult modify(const boost::json::object& filter, bool many, const UpdateOptions& options,
                      const Change& change);
  // What a write goes to: the one document whose key is `id`'s (a filter that is one equality on
  // `_id`, see Filter::id_equality), or else the documents `filter` matches.
  struct Target {
    const boost::json::value* id = nullptr;
    const Filter* filter = nullptr;  // used without an id only
  };
  // Applies `change` to the target's documents (or upserts) inside the caller's transaction;
  // `indexes` caches the collection's index metadata for the transaction (null: not loaded yet).
  UpdateResult modify_in(Connection& connection, std::optional<std::vector<IndexInfo>>& indexes,
                         Target target, bool many, bool upsert, const Change& change);
  std::vector<boost::json::value> insert_docs(std::vector<boost::json::object>& docs);
  std::int64_t remove(const boost::json::object& filter, bool many);

  // The statements every write uses, spelled once: a batch of writes looks each up in the
  // connection's cache without building its text again.
  struct Sql {
    std::string insert;     // ?1 id key, ?2 document
    std::string update;     // ?1 document, ?2 rowid
    std::string select_id;  // ?1 id key -> rowid, doc
  };

  ConnectionPool& pool_;
  std::string name_;
  Sql sql_;
};

}  // namespace corebot::store::sqlite
