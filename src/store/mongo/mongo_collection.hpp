// A collection on MongoDB: filters and updates are validated by the shared query engine (so an
// unsupported operator fails identically on every backend), then run natively by the server.
#pragma once

#include <string>

#include "corebot/store.hpp"
#include "store/mongo/client.hpp"

namespace corebot::store::mongo {

// Per-spec results of update_each's ordered bulk write from the server's reply (exposed for
// tests). MongoDB reports each upsert with its index but matched/modified only as totals: an
// upsert spec that did not insert matched exactly one document; the other specs get the
// remaining totals in order (exact when none or all of them matched).
std::vector<UpdateResult> attribute_bulk_reply(const bson_t* reply,
                                               const std::vector<UpdateSpec>& specs);

class MongoCollection final : public Collection {
 public:
  MongoCollection(Backend& backend, std::string name) : backend_(backend), name_(std::move(name)) {}

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
  UpdateResult update(const boost::json::object& filter, const boost::json::object& update,
                      bool many, bool upsert);
  std::int64_t delete_matching(const char* operation, const boost::json::object& filter, bool many);
  // Rejects on FerretDB what it would silently get wrong (see docs/store.md).
  void check_ferretdb_update(const boost::json::object& update) const;
  UpdateResult replace(const boost::json::object& filter, const boost::json::object& replacement,
                       bool upsert);
  std::vector<boost::json::object> read(const boost::json::object& filter,
                                        const FindOptions& options);

  Backend& backend_;
  std::string name_;
};

}  // namespace corebot::store::mongo
