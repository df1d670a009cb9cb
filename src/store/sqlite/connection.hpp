// A thin RAII layer over the sqlite3 C API: connections with a prepared-statement cache,
// statements reset when their use ends, transactions rolled back unless committed, a pool.
#pragma once

#include <sqlite3.h>

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corebot::store::sqlite {

struct Options {
  std::string path;
  int busy_timeout_ms = 5000;
  bool synchronous_full = true;  // FULL: a commit is on disk when it returns (see docs/store.md)
  std::size_t pool_size = 4;     // idle connections kept open
  std::size_t max_document_bytes = 16 * 1024 * 1024;
};

class Connection;

// One use of a cached prepared statement; resets it (and clears its bindings) when destroyed.
class Statement {
 public:
  // An `owned` statement is finalized (not cached) when the use ends.
  Statement(Connection& connection, sqlite3_stmt* stmt, bool owned)
      : connection_(&connection), stmt_(stmt), owned_(owned) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t number);
  Statement& bind(int index, double number);
  // Binds a JSON scalar the way json_extract() returns it (string -> TEXT, number -> INTEGER or
  // REAL, bool -> INTEGER, null -> NULL).
  Statement& bind_json(int index, const boost::json::value& v);

  // Advances; true while there is a row. Throws StoreError on failure.
  bool step();
  [[nodiscard]] std::int64_t column_int64(int index) const;
  [[nodiscard]] std::string_view column_text(int index) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool owned_;
};

class Connection {
 public:
  explicit Connection(const Options& options);  // throws StoreError
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);
  // Prepared once per connection, then reused (the first kMaxCached distinct texts; rarer ones,
  // e.g. $in lists of unusual lengths, are prepared for one use).
  Statement query(const std::string& sql);
  [[nodiscard]] std::int64_t changes() const;

  // Throws the StoreError for a failed call that returned `rc`.
  [[noreturn]] void fail(int rc, std::string_view context) const;

 private:
  static constexpr std::size_t kMaxCached = 128;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN (IMMEDIATE for writers, so two writers never deadlock upgrading a read lock) ... COMMIT;
// rolls back when destroyed uncommitted.
class Transaction {
 public:
  Transaction(Connection& connection, bool write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(Options options) : options_(std::move(options)) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease() { pool_->release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // An idle connection, or a new one. Thread-safe.
  Lease acquire();
  [[nodiscard]] const Options& options() const { return options_; }

 private:
  void release(std::unique_ptr<Connection> connection);

  Options options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace corebot::store::sqlite
