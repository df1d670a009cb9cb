#include "store/collection_cache.hpp"

#include "store/document.hpp"

namespace corebot::store {

Collection& CollectionCache::get(std::string_view name) {
  check_collection_name(name);
  std::lock_guard lock(mutex_);
  auto it = collections_.find(name);
  if (it == collections_.end()) {
    it = collections_.emplace(std::string(name), make_(std::string(name))).first;
  }
  return *it->second;
}

}  // namespace corebot::store
