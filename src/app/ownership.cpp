#include "app/ownership.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "core/secrets.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

std::string random_code() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  unsigned char bytes[8];
  if (!urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes)) {
    throw std::runtime_error("cannot read /dev/urandom for the owner code");
  }
  std::string code;
  char hex[3];
  for (unsigned char b : bytes) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    code += hex;
  }
  return code;
}

}  // namespace

std::optional<std::int64_t> stored_owner(DocumentStore& store) {
  auto doc = store.collection(kAdminCollection).find_one(json::object{{"_id", "owner"}});
  if (!doc) return std::nullopt;
  if (const auto* id = doc->if_contains("user_id"); id && id->is_int64()) return id->get_int64();
  return std::nullopt;
}

std::string ensure_owner_code(DocumentStore& store, std::int64_t now_ms) {
  Collection& admin = store.collection(kAdminCollection);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (auto doc = admin.find_one(json::object{{"_id", "owner_code"}})) {
      if (const auto* code = doc->if_contains("code"); code && code->is_string()) {
        return std::string(code->get_string());
      }
    }
    try {
      std::string code = random_code();
      admin.insert_one(json::object{{"_id", "owner_code"}, {"code", code}, {"created_at", now_ms}});
      return code;
    } catch (const StoreError& e) {
      if (e.kind() != StoreErrorKind::kDuplicateKey) throw;  // another process made one: read it
    }
  }
  throw std::runtime_error("cannot store the owner code");
}

bool claim_owner(DocumentStore& store, std::int64_t user_id, std::string_view code,
                 std::int64_t now_ms) {
  Collection& admin = store.collection(kAdminCollection);
  auto doc = admin.find_one(json::object{{"_id", "owner_code"}});
  if (!doc) return false;
  const auto* stored = doc->if_contains("code");
  if (stored == nullptr || !stored->is_string() || code.empty() ||
      !core::same_secret(std::string_view(stored->get_string()), code)) {
    return false;
  }
  try {
    admin.insert_one(json::object{{"_id", "owner"}, {"user_id", user_id}, {"claimed_at", now_ms}});
  } catch (const StoreError& e) {
    if (e.kind() == StoreErrorKind::kDuplicateKey) return false;  // claimed a moment ago
    throw;
  }
  admin.delete_one(json::object{{"_id", "owner_code"}});
  return true;
}

}  // namespace corebot::app
