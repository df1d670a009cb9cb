// StoreError: shared by the engine and the MongoDB backend plugin (both compile this file).
#include "corebot/store.hpp"

namespace corebot {

std::string_view to_string(StoreErrorKind kind) {
  switch (kind) {
    case StoreErrorKind::kInvalidArgument:
      return "invalid argument";
    case StoreErrorKind::kUnsupportedOperator:
      return "unsupported operator";
    case StoreErrorKind::kTypeMismatch:
      return "type mismatch";
    case StoreErrorKind::kDuplicateKey:
      return "duplicate key";
    case StoreErrorKind::kTooLarge:
      return "too large";
    case StoreErrorKind::kUnavailable:
      return "unavailable";
    case StoreErrorKind::kCorrupt:
      return "corrupt";
    case StoreErrorKind::kInternal:
      return "internal error";
  }
  return "unknown";
}

namespace {

std::string describe(StoreErrorKind kind, const std::string& collection,
                     const std::string& operation, const std::string& message) {
  std::string out = "store";
  if (!collection.empty()) out += " collection '" + collection + "'";
  if (!operation.empty()) out += " " + operation;
  out += ": " + std::string(to_string(kind)) + ": " + message;
  return out;
}

}  // namespace

StoreError::StoreError(StoreErrorKind kind, std::string collection, std::string operation,
                       std::string message)
    : std::runtime_error(describe(kind, collection, operation, message)),
      kind_(kind),
      collection_(std::move(collection)),
      operation_(std::move(operation)),
      message_(std::move(message)) {}

StoreError StoreError::in(std::string_view collection, std::string_view operation) const {
  return StoreError(kind_, collection_.empty() ? std::string(collection) : collection_,
                    operation_.empty() ? std::string(operation) : operation_, message_);
}

}  // namespace corebot
