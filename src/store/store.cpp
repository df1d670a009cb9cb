// The public face of the store: errors, the factory, the async adapter.
#include "corebot/store.hpp"

#include "store/document.hpp"
#include "store/sqlite/sqlite_store.hpp"
#ifdef COREBOT_STORE_MONGO
#include "store/mongo/mongo_store.hpp"
#endif

namespace corebot {

std::string_view to_string(StoreErrorKind kind) {
  switch (kind) {
    case StoreErrorKind::kInvalidArgument:
      return "invalid argument";
    case StoreErrorKind::kUnsupportedOperator:
      return "unsupported operator";
    case StoreErrorKind::kTypeMismatch:
      return "type mismatch";
    case StoreErrorKind::kDuplicateKey:
      return "duplicate key";
    case StoreErrorKind::kTooLarge:
      return "too large";
    case StoreErrorKind::kUnavailable:
      return "unavailable";
    case StoreErrorKind::kCorrupt:
      return "corrupt";
    case StoreErrorKind::kInternal:
      return "internal error";
  }
  return "unknown";
}

namespace {

std::string describe(StoreErrorKind kind, const std::string& collection,
                     const std::string& operation, const std::string& message) {
  std::string out = "store";
  if (!collection.empty()) out += " collection '" + collection + "'";
  if (!operation.empty()) out += " " + operation;
  out += ": " + std::string(to_string(kind)) + ": " + message;
  return out;
}

}  // namespace

StoreError::StoreError(StoreErrorKind kind, std::string collection, std::string operation,
                       std::string message)
    : std::runtime_error(describe(kind, collection, operation, message)),
      kind_(kind),
      collection_(std::move(collection)),
      operation_(std::move(operation)),
      message_(std::move(message)) {}

StoreError StoreError::in(std::string_view collection, std::string_view operation) const {
  return StoreError(kind_, collection_.empty() ? std::string(collection) : collection_,
                    operation_.empty() ? std::string(operation) : operation_, message_);
}

std::unique_ptr<DocumentStore> open_store(std::string_view uri) {
  const store::StoreUri parsed = store::parse_store_uri(uri);
  if (parsed.scheme == "sqlite") return store::open_sqlite_store(parsed);
  if (parsed.scheme == "mongodb" || parsed.scheme == "mongodb+srv") {
#ifdef COREBOT_STORE_MONGO
    return store::open_mongo_store(parsed);
#else
    throw StoreError(StoreErrorKind::kUnavailable, "", "open",
                     "this build lacks the MongoDB backend (libmongoc-1.0 was not found when it "
                     "was configured); use a sqlite:// URI");
#endif
  }
  throw StoreError(
      StoreErrorKind::kInvalidArgument, "", "open",
      "unknown store URI scheme '" + parsed.scheme + "' (use sqlite:// or mongodb://)");
}

AsyncStore::AsyncStore(std::shared_ptr<DocumentStore> store, Executor post, std::size_t threads)
    : store_(std::move(store)), post_(std::move(post)) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

AsyncStore::~AsyncStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void AsyncStore::enqueue(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void AsyncStore::worker_loop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and the queue is drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace corebot
