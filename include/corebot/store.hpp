// The document store: collections of JSON documents with an `_id`, queried and updated in the
// MongoDB vocabulary, on SQLite (embedded, one file) or MongoDB. See docs/store.md.
//
// Two faces:
//  - DocumentStore / Collection: synchronous, blocking. Call them from worker threads and tests,
//    never from the event loop.
//  - AsyncStore: runs work on a small worker pool and hands the result to the engine through a
//    caller-supplied `post` executor, so nothing blocks the event loop.
//
// Errors: every failure is a StoreError (thrown by the synchronous calls, delivered inside a
// StoreResult by AsyncStore) naming the collection, the operation and what went wrong. A failed
// write changes nothing: each call is one transaction on SQLite (update_many included).
#pragma once

#include <boost/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace corebot {

enum class StoreErrorKind {
  kInvalidArgument,      // malformed filter/update/options, bad collection name, bad URI
  kUnsupportedOperator,  // a `$op` this store does not implement (the message names it)
  kTypeMismatch,         // e.g. $inc on a string, $push on a non-array
  kDuplicateKey,         // `_id` or a unique index already holds the value
  kTooLarge,             // a document over the size limit
  kUnavailable,          // locked/busy database, unreachable server, backend not built
  kCorrupt,              // the file is not a database or fails integrity checks
  kInternal,             // anything else (a bug or an unexpected backend fault)
};

std::string_view to_string(StoreErrorKind kind);

class StoreError : public std::runtime_error {
 public:
  StoreError(StoreErrorKind kind, std::string collection, std::string operation,
             std::string message);

  [[nodiscard]] StoreErrorKind kind() const { return kind_; }
  [[nodiscard]] const std::string& collection() const { return collection_; }
  [[nodiscard]] const std::string& operation() const { return operation_; }
  // What went wrong, without the collection/operation prefix that what() carries.
  [[nodiscard]] const std::string& message() const { return message_; }

  // The same error attributed to `collection`/`operation` where those are still empty.
  [[nodiscard]] StoreError in(std::string_view collection, std::string_view operation) const;

 private:
  StoreErrorKind kind_;
  std::string collection_;
  std::string operation_;
  std::string message_;
};

struct FindOptions {
  boost::json::object sort;        // {"path": 1 | -1, ...}; MongoDB's cross-type order
  std::int64_t limit = 0;          // 0: no limit
  std::int64_t skip = 0;           //
  boost::json::object projection;  // {"a": 1, "b.c": 1} or {"a": 0}; `_id` kept unless 0
};

struct UpdateOptions {
  bool upsert = false;  // insert a document built from the filter's equalities when none matches
};

// One step of Collection::update_each: update_one(filter, update, {.upsert = upsert}).
struct UpdateSpec {
  boost::json::object filter;
  boost::json::object update;  // operators only, as for update_one
  bool upsert = false;
};

struct UpdateResult {
  std::int64_t matched = 0;
  std::int64_t modified = 0;                      // matched documents that actually changed
  std::optional<boost::json::value> upserted_id;  // set when an upsert inserted
};

struct IndexSpec {
  std::string path;  // a dotted path, e.g. "user.id"
  bool unique = false;
};

// Iterates a result batch by batch. Not thread-safe: one thread at a time. Must not outlive the
// store. Without a sort it streams (memory bounded by the batch); with a sort the matching
// documents are sorted in memory first.
class Cursor {
 public:
  virtual ~Cursor() = default;
  // Up to `max` next documents; an empty vector when exhausted. Throws StoreError.
  virtual std::vector<boost::json::object> next_batch(std::size_t max = 256) = 0;
};

// A named collection. All calls are thread-safe and blocking; all throw StoreError. Filters and
// updates are validated even when no document matches: an unknown `$op` is always an error.
class Collection {
 public:
  virtual ~Collection() = default;
  [[nodiscard]] virtual const std::string& name() const = 0;

  // Inserts and returns the `_id` (a new 24-hex-digit id string when the document has none).
  virtual boost::json::value insert_one(boost::json::object doc) = 0;
  // All or nothing: on error none of `docs` is inserted.
  virtual std::vector<boost::json::value> insert_many(std::vector<boost::json::object> docs) = 0;

  virtual std::vector<boost::json::object> find(const boost::json::object& filter,
                                                const FindOptions& options = {}) = 0;
  virtual std::optional<boost::json::object> find_one(const boost::json::object& filter,
                                                      const FindOptions& options = {}) = 0;
  virtual std::unique_ptr<Cursor> find_cursor(const boost::json::object& filter,
                                              const FindOptions& options = {}) = 0;
  virtual std::int64_t count(const boost::json::object& filter) = 0;

  // `update` holds only operators ($set, $inc, ...). update_many is atomic on SQLite.
  virtual UpdateResult update_one(const boost::json::object& filter,
                                  const boost::json::object& update,
                                  const UpdateOptions& options = {}) = 0;
  virtual UpdateResult update_many(const boost::json::object& filter,
                                   const boost::json::object& update,
                                   const UpdateOptions& options = {}) = 0;
  // Applies each spec like update_one, in order, and returns one result per spec. Every filter and
  // update is validated before anything is written. On SQLite the batch is one transaction: on
  // error nothing is written. On MongoDB it is one ordered bulk write (one update per spec on
  // FerretDB), NOT atomic: the specs before the failing one stay applied, the later ones are not
  // attempted. Throws StoreError
  // (operation "update_each") whose message starts with "spec <i>: ", `i` the 0-based index of
  // the failing spec. An empty batch does nothing and returns an empty vector.
  virtual std::vector<UpdateResult> update_each(const std::vector<UpdateSpec>& specs) = 0;
  // Replaces the whole document (keeping its `_id`); `replacement` holds no operators.
  virtual UpdateResult replace_one(const boost::json::object& filter,
                                   boost::json::object replacement,
                                   const UpdateOptions& options = {}) = 0;

  // Return the number of documents deleted.
  virtual std::int64_t delete_one(const boost::json::object& filter) = 0;
  virtual std::int64_t delete_many(const boost::json::object& filter) = 0;

  // Idempotent for an identical spec. Creating a unique index over existing duplicates fails
  // with kDuplicateKey.
  virtual void create_index(const IndexSpec& spec) = 0;
};

// The state of the store's connection to its backend, for health endpoints and logs.
struct StoreHealth {
  std::string backend;     // "sqlite" or "mongodb"
  std::string server;      // what the server says it is, e.g. "MongoDB 7.0.14", "FerretDB v1.24.2"
  bool ok = true;          // false once an operation failed to reach the backend, until one does
  std::string last_error;  // the most recent connection failure ("" if none yet)
  std::int64_t consecutive_failures = 0;  // failed attempts since the last success
  std::int64_t retries = 0;               // attempts retried after a connection failure, ever
};

// A database of collections. Thread-safe. Collection names: 1-120 characters of [A-Za-z0-9_.-],
// not starting with '.' or '-'; a module namespaces its own as "<module>.<name>".
class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  // The handle lives as long as the store. A collection exists once something is written to it;
  // reading an absent one yields nothing.
  virtual Collection& collection(std::string_view name) = 0;
  virtual std::vector<std::string> list_collections() = 0;
  virtual void drop_collection(std::string_view name) = 0;
  // Non-blocking (sends nothing, safe on the event loop): what recent operations saw.
  [[nodiscard]] virtual StoreHealth health() const { return {}; }
};

// Opens a store by URI:
//   sqlite:///abs/path/bot.db?busy_timeout_ms=5000&synchronous=full&pool_size=4
//   mongodb://host:port/dbname?serverSelectionTimeoutMS=2000   (any libmongoc URI; the database
//       from the path, "corebot" if none; the server must answer before open_store returns)
// Throws StoreError: kInvalidArgument for a bad URI, kUnavailable/kCorrupt when it cannot open
// (kUnavailable also when this build lacks the MongoDB backend).
std::unique_ptr<DocumentStore> open_store(std::string_view uri);

// The outcome of an AsyncStore call: a value or a StoreError.
template <class T>
class StoreResult {
 public:
  StoreResult(T value) : state_(std::move(value)) {}           // NOLINT: implicit by design
  StoreResult(StoreError error) : state_(std::move(error)) {}  // NOLINT
  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // The value; throws the StoreError when there is none.
  T& value() {
    if (!ok()) throw std::get<1>(state_);
    return std::get<0>(state_);
  }
  // Precondition: !ok().
  [[nodiscard]] const StoreError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, StoreError> state_;
};

// Runs blocking store work on a small pool of worker threads and posts each result back through
// `post` (the event loop's post in the engine; an inline or queue executor in tests).
//
//   async.run([](DocumentStore& s) { return s.collection("shop.orders").count({}); },
//             [](StoreResult<std::int64_t> n) { ... runs via post ... });
//
// Thread-safe. The destructor finishes the queued work (posting its results) and joins, so
// `post` and the store must outlive the AsyncStore.
class AsyncStore {
 public:
  using Executor = std::function<void(std::function<void()>)>;

  AsyncStore(std::shared_ptr<DocumentStore> store, Executor post, std::size_t threads = 2);
  ~AsyncStore();
  AsyncStore(const AsyncStore&) = delete;
  AsyncStore& operator=(const AsyncStore&) = delete;

  // `work(DocumentStore&)` runs on a worker; `done(StoreResult<R>)` runs through `post`, where R
  // is work's return type (std::monostate for void). Exceptions other than StoreError are
  // reported as kInternal.
  template <class Work, class Done>
  void run(Work work, Done done) {
    using Raw = std::invoke_result_t<Work&, DocumentStore&>;
    using R = std::conditional_t<std::is_void_v<Raw>, std::monostate, Raw>;
    enqueue([this, work = std::move(work), done = std::move(done)]() mutable {
      auto result = std::make_shared<std::optional<StoreResult<R>>>();
      try {
        if constexpr (std::is_void_v<Raw>) {
          work(*store_);
          result->emplace(std::monostate{});
        } else {
          result->emplace(work(*store_));
        }
      } catch (const StoreError& e) {
        result->emplace(e);
      } catch (const std::exception& e) {
        result->emplace(StoreError(StoreErrorKind::kInternal, "", "", e.what()));
      }
      post_([done = std::move(done), result]() mutable { done(std::move(**result)); });
    });
  }

 private:
  void enqueue(std::function<void()> task);
  void worker_loop();

  std::shared_ptr<DocumentStore> store_;
  Executor post_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace corebot
