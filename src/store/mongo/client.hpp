// The MongoDB backend's connection layer: a libmongoc client pool, errors mapped to StoreError,
// bounded retries with backoff on connection loss, and the health they report.
#pragma once

#include <mongoc/mongoc.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "corebot/store.hpp"
#include "store/mongo/bson_json.hpp"

namespace corebot::store::mongo {

// A failed libmongoc call; `index` is the failing operation of a bulk write, if known.
struct MongoFailure {
  bson_error_t error{};
  std::optional<std::size_t> index;
};

// Whether `error` means the server could not be reached (the store reports kUnavailable).
bool is_connection_error(const bson_error_t& error);
// Whether `error` guarantees that the operation was not applied (safe to retry a write).
bool nothing_applied(const bson_error_t& error);
StoreError to_store_error(const bson_error_t& error);

// Retry policy: an operation failing with a connection error is attempted up to kMaxAttempts
// times, sleeping kFirstBackoff, x4, x4... between attempts. Reads are always retried; writes
// only when the error proves nothing was applied (no server selected, connection refused, not
// primary), so a retried $inc never applies twice.
inline constexpr int kMaxAttempts = 4;
inline constexpr std::chrono::milliseconds kFirstBackoff{50};

class ClientLease {
 public:
  ClientLease(mongoc_client_pool_t* pool, mongoc_client_t* client) : pool_(pool), client_(client) {}
  ClientLease(ClientLease&& other) noexcept
      : pool_(other.pool_), client_(std::exchange(other.client_, nullptr)) {}
  ClientLease& operator=(ClientLease&&) = delete;
  ~ClientLease() {
    if (client_ != nullptr) mongoc_client_pool_push(pool_, client_);
  }
  [[nodiscard]] mongoc_client_t* get() const { return client_; }

 private:
  mongoc_client_pool_t* pool_;
  mongoc_client_t* client_;
};

// The pool and the state shared by a store's collections. Thread-safe.
class Backend {
 public:
  // Throws StoreError: kInvalidArgument for a bad URI.
  explicit Backend(const std::string& uri);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  [[nodiscard]] const std::string& database() const { return database_; }
  [[nodiscard]] const std::string& where() const { return where_; }  // host:port, no credentials
  [[nodiscard]] StoreHealth health() const;
  // FerretDB speaks the MongoDB wire protocol with known differences (docs/store.md).
  [[nodiscard]] bool ferretdb() const { return ferretdb_; }
  // Asks the server what it is (buildInfo, with the retry policy); throws kUnavailable when no
  // server answers.
  void identify();

  ClientLease lease() { return {pool_, mongoc_client_pool_pop(pool_)}; }

  // Runs `f(ClientLease&)` under the retry policy; `f` throws MongoFailure on error. Other
  // failures become StoreErrors (connection errors kUnavailable, the rest by server code).
  template <class F>
  auto run(bool read_only, F&& f) {
    for (int attempt = 1;; ++attempt) {
      try {
        ClientLease client = lease();
        auto result = f(client);
        record_success();
        return result;
      } catch (const MongoFailure& failure) {
        if (!is_connection_error(failure.error)) throw failed(failure, read_only);
        record_failure(failure.error);
        if (attempt >= kMaxAttempts || !(read_only || nothing_applied(failure.error))) {
          throw failed(failure, read_only);
        }
        backoff(attempt);
      }
    }
  }

  // The StoreError for `failure` (prefixed "spec <i>: " when it names a bulk operation).
  [[nodiscard]] StoreError failed(const MongoFailure& failure, bool read_only) const;
  void record_success();
  void record_failure(const bson_error_t& error);

 private:
  void backoff(int attempt);

  mongoc_client_pool_t* pool_ = nullptr;
  bool ferretdb_ = false;
  std::string database_;
  std::string where_;
  mutable std::mutex mutex_;
  StoreHealth health_;
};

}  // namespace corebot::store::mongo
