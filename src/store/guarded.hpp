// How every backend's Collection methods report errors: each runs its work through guarded(), so
// an error names the collection and operation it happened in the same way on every backend.
// Backend-specific translation (SQLite result codes, MongoDB error domains) happens before, where
// the backend turns its own failures into StoreError.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "corebot/store.hpp"

namespace corebot::store {

// Returns f(). A StoreError it throws is attributed to `collection`/`operation` where it does not
// name its own; any other exception becomes kInternal there.
template <class F>
auto guarded(const std::string& collection, const char* operation, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const StoreError& e) {
    throw e.in(collection, operation);
  } catch (const std::exception& e) {
    throw StoreError(StoreErrorKind::kInternal, collection, operation, e.what());
  }
}

}  // namespace corebot::store
