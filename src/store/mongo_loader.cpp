// open_mongo_store_plugin (store/mongo_loader.hpp): find, dlopen and check the MongoDB plugin.
#include "store/mongo_loader.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace corebot::store {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPluginFile = "libcorebot_store_mongo.so";

using OpenFn = DocumentStore* (*)(const StoreUri*);
using AbiFn = int (*)();

[[noreturn]] void unavailable(std::string message) {
  throw StoreError(StoreErrorKind::kUnavailable, "", "open", std::move(message));
}

std::vector<fs::path> candidates() {
  std::vector<fs::path> out;
  if (const char* explicit_path = std::getenv("COREBOT_MONGO_BACKEND")) {
    if (*explicit_path != '\0') return {fs::path(explicit_path)};
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / kPluginFile);
    out.push_back(exe.parent_path().parent_path() / "lib" / "corebot" / kPluginFile);
  }
#ifdef COREBOT_MONGO_PLUGIN_BUILD_PATH
  out.emplace_back(COREBOT_MONGO_PLUGIN_BUILD_PATH);
#endif
  return out;
}

// Loaded once per process and never unloaded: the stores it opens run its code.
OpenFn load() {
  static std::mutex mutex;
  static OpenFn open = nullptr;
  std::lock_guard lock(mutex);
  if (open != nullptr) return open;
  std::string looked;
  for (const auto& path : candidates()) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      looked += (looked.empty() ? "" : ", ") + path.string();
      continue;
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      unavailable("the MongoDB backend " + path.string() + " does not load (" +
                  (why ? why : "unknown error") +
                  "): install libmongoc (Debian: apt-get install libmongoc-1.0-0), or use a "
                  "sqlite:// store");
    }
    auto abi = reinterpret_cast<AbiFn>(::dlsym(handle, "corebot_store_mongo_abi"));
    auto entry = reinterpret_cast<OpenFn>(::dlsym(handle, "corebot_store_mongo_open"));
    if (abi == nullptr || entry == nullptr || abi() != kMongoPluginAbi) {
      unavailable("the MongoDB backend " + path.string() +
                  " belongs to another Corebot version: install the one built with this binary");
    }
    open = entry;
    return open;
  }
  unavailable(std::string("this Corebot has no MongoDB backend (") + kPluginFile +
              " not found; looked in: " + looked +
              "): install it next to the corebot binary or in ../lib/corebot/, or use a "
              "sqlite:// store");
}

}  // namespace

std::unique_ptr<DocumentStore> open_mongo_store_plugin(const StoreUri& uri) {
  return std::unique_ptr<DocumentStore>(load()(&uri));
}

}  // namespace corebot::store
