// The Collection objects of a store, made on first use and kept for the store's life: callers
// hold the Collection& that DocumentStore::collection() returns across calls. Shared by the
// backends, which differ only in how they make one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "corebot/store.hpp"

namespace corebot::store {

class CollectionCache {
 public:
  using Make = std::function<std::unique_ptr<Collection>(std::string name)>;

  explicit CollectionCache(Make make) : make_(std::move(make)) {}

  // The collection `name`, made with `make` the first time. Throws StoreError (kInvalidArgument)
  // for a name check_collection_name refuses. Thread-safe.
  Collection& get(std::string_view name);

 private:
  Make make_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Collection>, std::less<>> collections_;
};

}  // namespace corebot::store
