// The SQLite backend: one table per collection holding documents as JSON text, WAL, a pool of
// connections with cached statements, indexes on json_extract() expressions.
#pragma once

#include <memory>

#include "corebot/store.hpp"
#include "store/document.hpp"

namespace corebot::store {

// Opens (creating if needed) the database at `uri.path`. Parameters: busy_timeout_ms (5000),
// synchronous (full | normal; full), pool_size (4), max_document_bytes (16 MiB). Unknown
// parameters are an error. Throws StoreError.
std::unique_ptr<DocumentStore> open_sqlite_store(const StoreUri& uri);

}  // namespace corebot::store
