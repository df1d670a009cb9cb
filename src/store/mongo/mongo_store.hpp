// The MongoDB backend (libmongoc): a client pool, native queries validated by the shared engine,
// bounded retries on connection loss. See docs/store.md, "The MongoDB backend".
#pragma once

#include <memory>

#include "corebot/store.hpp"
#include "store/document.hpp"

namespace corebot::store {

// Opens a store on `uri.path` (a mongodb:// or mongodb+srv:// URI, passed to libmongoc). The
// database is the URI's path, "corebot" if none. Pings the server before returning. Throws
// StoreError: kInvalidArgument for a bad URI, kUnavailable when no server answers.
std::unique_ptr<DocumentStore> open_mongo_store(const StoreUri& uri);

}  // namespace corebot::store
