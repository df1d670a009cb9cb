// The MongoDB backend lives in a plugin, libcorebot_store_mongo.so, loaded with dlopen the first
// time a mongodb:// store is opened: a bot on SQLite never maps libmongoc and what it pulls in
// (ICU, SASL, libmongocrypt, snappy...), about 5 MB of resident memory (docs/benchmarks.md).
#pragma once

#include <memory>

#include "corebot/store.hpp"
#include "store/document.hpp"

namespace corebot::store {

// The version of the entry point below; a plugin built for another one is refused.
inline constexpr int kMongoPluginAbi = 1;

// Loads the plugin (once) and opens the store. The plugin is looked for at $COREBOT_MONGO_BACKEND
// (a file), then next to the running binary, then in <binary>/../lib/corebot/, then where the
// build tree put it. Throws StoreError kUnavailable naming where it looked and what to install
// when it is missing or does not load (e.g. libmongoc absent), else what the backend throws.
std::unique_ptr<DocumentStore> open_mongo_store_plugin(const StoreUri& uri);

}  // namespace corebot::store

// The plugin's entry points (src/store/mongo/plugin.cpp).
extern "C" {
int corebot_store_mongo_abi();
// Ownership passes to the caller. Throws StoreError.
corebot::DocumentStore* corebot_store_mongo_open(const corebot::store::StoreUri* uri);
}
