#include "store/sqlite/sqlite_store.hpp"

#include <charconv>

#include "store/collection_cache.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/scan.hpp"
#include "store/sqlite/sqlite_collection.hpp"

namespace corebot::store {
namespace {

using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::Transaction;

// Bumped when the layout of tables changes; a newer file is refused rather than misread.
constexpr std::int64_t kSchemaVersion = 1;

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "open", std::move(message));
}

std::int64_t number_param(const std::string& key, const std::string& text, std::int64_t min,
                          std::int64_t max) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    invalid("store URI parameter " + key + "=" + text + ": expected an integer in [" +
            std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return value;
}

sqlite::Options options_from(const StoreUri& uri) {
  sqlite::Options options;
  options.path = uri.path;
  for (const auto& [key, value] : uri.params) {
    if (key == "busy_timeout_ms") {
      options.busy_timeout_ms = static_cast<int>(number_param(key, value, 0, 600000));
    } else if (key == "synchronous") {
      if (value != "full" && value != "normal") invalid("synchronous must be 'full' or 'normal'");
      options.synchronous_full = value == "full";
    } else if (key == "pool_size") {
      options.pool_size = static_cast<std::size_t>(number_param(key, value, 1, 64));
    } else if (key == "max_document_bytes") {
      options.max_document_bytes =
          static_cast<std::size_t>(number_param(key, value, 1024, 256 * 1024 * 1024));
    } else {
      invalid("unknown sqlite store URI parameter '" + key + "'");
    }
  }
  return options;
}

class SqliteStore final : public DocumentStore {
 public:
  explicit SqliteStore(sqlite::Options options) : pool_(std::move(options)) { bootstrap(); }

  Collection& collection(std::string_view name) override { return collections_.get(name); }

  std::vector<std::string> list_collections() override {
    auto connection = pool_.acquire();
    auto stmt = connection->query(
        "SELECT substr(name, 3) FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' "
        "ESCAPE '\\' ORDER BY name");
    std::vector<std::string> out;
    while (stmt.step()) out.emplace_back(stmt.column_text(0));
    return out;
  }

  void drop_collection(std::string_view name) override {
    check_collection_name(name);
    try {
      auto connection = pool_.acquire();
      Transaction txn(*connection, true);
      connection->exec("DROP TABLE IF EXISTS " + sqlite::table_name(name));
      auto stmt = connection->query("DELETE FROM corebot_indexes WHERE collection = ?1");
      stmt.bind(1, name);
      stmt.step();
      txn.commit();
    } catch (const StoreError& e) {
      throw e.in(name, "drop_collection");
    }
  }

  [[nodiscard]] StoreHealth health() const override {
    StoreHealth health;
    health.backend = "sqlite";  // a local file: errors are reported by each call
    return health;
  }

 private:
  void bootstrap() {
    try {
      auto connection = pool_.acquire();
      Transaction txn(*connection, true);
      auto version = connection->query("PRAGMA user_version");
      version.step();
      const std::int64_t found = version.column_int64(0);
      if (found > kSchemaVersion) {
        throw StoreError(StoreErrorKind::kUnavailable, "", "open",
                         "'" + pool_.options().path + "' has store schema version " +
                             std::to_string(found) + ", newer than this build's " +
                             std::to_string(kSchemaVersion));
      }
      connection->exec(
          "CREATE TABLE IF NOT EXISTS corebot_indexes (collection TEXT NOT NULL, path TEXT NOT "
          "NULL, is_unique INTEGER NOT NULL, multikey INTEGER NOT NULL, PRIMARY KEY (collection, "
          "path))");
      connection->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
      txn.commit();
    } catch (const StoreError& e) {
      throw e.in("", "open");
    }
  }

  ConnectionPool pool_;
  CollectionCache collections_{[this](std::string name) {
    return std::make_unique<sqlite::SqliteCollection>(pool_, std::move(name));
  }};
};

}  // namespace

std::unique_ptr<DocumentStore> open_sqlite_store(const StoreUri& uri) {
  return std::make_unique<SqliteStore>(options_from(uri));
}

}  // namespace corebot::store
