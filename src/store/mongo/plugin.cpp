// The entry points of libcorebot_store_mongo.so, the MongoDB backend loaded on demand
// (store/mongo_loader.hpp). Only these two symbols are exported.
#include "store/mongo/mongo_store.hpp"
#include "store/mongo_loader.hpp"

extern "C" {

__attribute__((visibility("default"))) int corebot_store_mongo_abi() {
  return corebot::store::kMongoPluginAbi;
}

__attribute__((visibility("default"))) corebot::DocumentStore* corebot_store_mongo_open(
    const corebot::store::StoreUri* uri) {
  return corebot::store::open_mongo_store(*uri).release();
}
}
