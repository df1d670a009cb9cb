#include "store/mongo/mongo_store.hpp"

#include <algorithm>

#include "store/collection_cache.hpp"
#include "store/mongo/client.hpp"
#include "store/mongo/mongo_collection.hpp"

namespace corebot::store {
namespace {

using mongo::Backend;
using mongo::ClientLease;
using mongo::MongoFailure;

class MongoStore final : public DocumentStore {
 public:
  explicit MongoStore(const std::string& uri) : backend_(uri) {
    try {
      backend_.identify();
    } catch (const StoreError& e) {
      throw StoreError(e.kind(), "", "open", e.message());
    }
  }

  Collection& collection(std::string_view name) override { return collections_.get(name); }

  std::vector<std::string> list_collections() override {
    try {
      return backend_.run(true, [&](ClientLease& client) {
        mongoc_database_t* db =
            mongoc_client_get_database(client.get(), backend_.database().c_str());
        MongoFailure failure;
        char** names = mongoc_database_get_collection_names_with_opts(db, nullptr, &failure.error);
        mongoc_database_destroy(db);
        if (names == nullptr) throw failure;
        std::vector<std::string> out;
        for (char** name = names; *name != nullptr; ++name) {
          if (!std::string_view(*name).starts_with("system.")) out.emplace_back(*name);
        }
        bson_strfreev(names);
        std::sort(out.begin(), out.end());
        return out;
      });
    } catch (const StoreError& e) {
      throw e.in("", "list_collections");
    }
  }

  void drop_collection(std::string_view name) override {
    check_collection_name(name);
    try {
      backend_.run(false, [&](ClientLease& client) {
        mongoc_collection_t* coll = mongoc_client_get_collection(
            client.get(), backend_.database().c_str(), std::string(name).c_str());
        MongoFailure failure;
        const bool ok = mongoc_collection_drop_with_opts(coll, nullptr, &failure.error);
        mongoc_collection_destroy(coll);
        // Dropping an absent collection is not an error (NamespaceNotFound).
        if (!ok && !(failure.error.domain == MONGOC_ERROR_SERVER && failure.error.code == 26)) {
          throw failure;
        }
        return 0;
      });
    } catch (const StoreError& e) {
      throw e.in(name, "drop_collection");
    }
  }

  [[nodiscard]] StoreHealth health() const override { return backend_.health(); }

 private:
  Backend backend_;
  CollectionCache collections_{[this](std::string name) {
    return std::make_unique<mongo::MongoCollection>(backend_, std::move(name));
  }};
};

}  // namespace

std::unique_ptr<DocumentStore> open_mongo_store(const StoreUri& uri) {
  return std::make_unique<MongoStore>(uri.path);
}

}  // namespace corebot::store
