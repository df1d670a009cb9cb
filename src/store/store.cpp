// The public face of the store: the factory and the async adapter (errors: store_error.cpp).
#include "corebot/store.hpp"

#include "store/document.hpp"
#include "store/mongo_loader.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace corebot {

std::unique_ptr<DocumentStore> open_store(std::string_view uri) {
  const store::StoreUri parsed = store::parse_store_uri(uri);
  if (parsed.scheme == "sqlite") return store::open_sqlite_store(parsed);
  if (parsed.scheme == "mongodb" || parsed.scheme == "mongodb+srv") {
    return store::open_mongo_store_plugin(parsed);
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
