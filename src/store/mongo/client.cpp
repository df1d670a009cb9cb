#include "store/mongo/client.hpp"

#include <mutex>
#include <string_view>
#include <thread>

#include "store/document.hpp"

namespace corebot::store::mongo {
namespace json = boost::json;

namespace {

// Server error codes (https://www.mongodb.com/docs/manual/reference/error-codes/).
bool is_unavailable_code(std::uint32_t code) {
  switch (code) {
    case 6:      // HostUnreachable
    case 7:      // HostNotFound
    case 89:     // NetworkTimeout
    case 91:     // ShutdownInProgress
    case 189:    // PrimarySteppedDown
    case 262:    // ExceededTimeLimit
    case 9001:   // SocketException
    case 10107:  // NotWritablePrimary
    case 11600:  // InterruptedAtShutdown
    case 11602:  // InterruptedDueToReplStateChange
    case 13435:  // NotPrimaryNoSecondaryOk
    case 13436:  // NotPrimaryOrSecondary
      return true;
    default:
      return false;
  }
}

StoreErrorKind kind_of_server_code(std::uint32_t code, std::string_view message) {
  switch (code) {
    case 11000:
    case 11001:
    case 12582:
      return StoreErrorKind::kDuplicateKey;
    case 14:  // TypeMismatch
    case 28:  // PathNotViable: a field inside a scalar
      return StoreErrorKind::kTypeMismatch;
    case 10334:  // BSONObjectTooLarge
    case 17419:
    case 17420:
      return StoreErrorKind::kTooLarge;
    case 2:  // BadValue: the shape of the document refuses the update, or a bad argument
      if (message.find("array") != std::string_view::npos ||
          message.find("non-numeric") != std::string_view::npos) {
        return StoreErrorKind::kTypeMismatch;
      }
      return StoreErrorKind::kInvalidArgument;
    case 9:    // FailedToParse
    case 40:   // ConflictingUpdateOperators
    case 52:   // DollarPrefixedFieldName
    case 66:   // ImmutableField
    case 67:   // CannotCreateIndex
    case 73:   // InvalidNamespace
    case 85:   // IndexOptionsConflict
    case 86:   // IndexKeySpecsConflict
    case 197:  // InvalidIndexSpecificationOption
      return StoreErrorKind::kInvalidArgument;
    case 1:  // InternalError: FerretDB (SQLite handler) reports a unique violation by an update so
      if (message.find("UNIQUE constraint failed") != std::string_view::npos) {
        return StoreErrorKind::kDuplicateKey;
      }
      return StoreErrorKind::kInternal;
    case 13:  // Unauthorized
    case 18:  // AuthenticationFailed
      return StoreErrorKind::kUnavailable;
    case 115:  // CommandNotSupported
    case 238:  // NotImplemented (FerretDB says so for what it lacks)
      return StoreErrorKind::kUnsupportedOperator;
    default:
      return is_unavailable_code(code) ? StoreErrorKind::kUnavailable : StoreErrorKind::kInternal;
  }
}

// libmongoc's default handler for errors and warnings, minus one FerretDB causes whenever a client
// pool closes
// ("Couldn't send endSessions": FerretDB lacks the command; nothing is lost).
void log_handler(mongoc_log_level_t level, const char* domain, const char* message, void* data) {
  if (level > MONGOC_LOG_LEVEL_MESSAGE) return;  // info/debug: libmongoc internals
  if (std::string_view(message).find("endSessions") != std::string_view::npos) return;
  mongoc_log_default_handler(level, domain, message, data);
}

}  // namespace

bool is_connection_error(const bson_error_t& error) {
  switch (error.domain) {
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_SERVER_SELECTION:
      return true;
    case MONGOC_ERROR_SERVER:
    case MONGOC_ERROR_WRITE_CONCERN:
      return is_unavailable_code(error.code);
    default:
      return false;
  }
}

bool nothing_applied(const bson_error_t& error) {
  switch (error.domain) {
    case MONGOC_ERROR_SERVER_SELECTION:
      return true;
    case MONGOC_ERROR_STREAM:
      return error.code == MONGOC_ERROR_STREAM_CONNECT ||
             error.code == MONGOC_ERROR_STREAM_NAME_RESOLUTION;
    case MONGOC_ERROR_SERVER:
      return error.code == 10107 || error.code == 13435 || error.code == 13436;
    default:
      return false;
  }
}

StoreError to_store_error(const bson_error_t& error) {
  StoreErrorKind kind = StoreErrorKind::kInternal;
  switch (error.domain) {
    case MONGOC_ERROR_SERVER:
    case MONGOC_ERROR_WRITE_CONCERN:
      kind = kind_of_server_code(error.code, error.message);
      break;
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_SERVER_SELECTION:
    case MONGOC_ERROR_CLIENT:  // authentication, TLS
      kind = StoreErrorKind::kUnavailable;
      break;
    case MONGOC_ERROR_BSON:
    case MONGOC_ERROR_COMMAND:
      kind = error.code == MONGOC_ERROR_COMMAND_INVALID_ARG ? StoreErrorKind::kInvalidArgument
                                                            : StoreErrorKind::kInternal;
      break;
    default:
      break;
  }
  return StoreError(kind, "", "",
                    std::string(error.message) + " (mongodb error " + std::to_string(error.domain) +
                        "." + std::to_string(error.code) + ")");
}

Backend::Backend(const std::string& uri_text) {
  static std::once_flag init;
  std::call_once(init, [] {
    mongoc_init();
    mongoc_log_set_handler(log_handler, nullptr);
  });
  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(uri_text.c_str(), &error);
  if (uri == nullptr) {
    throw StoreError(StoreErrorKind::kInvalidArgument, "", "open",
                     std::string("bad mongodb URI: ") + error.message);
  }
  const char* db = mongoc_uri_get_database(uri);
  database_ = db != nullptr && *db != '\0' ? db : "corebot";
  for (const mongoc_host_list_t* host = mongoc_uri_get_hosts(uri); host != nullptr;
       host = host->next) {
    if (!where_.empty()) where_ += ",";
    where_ += host->host_and_port;
  }
  if (where_.empty()) where_ = "(srv)";
  // A worker thread should not hang 30 s (libmongoc's default) per attempt on a dead server.
  if (!mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 2000);
  }
  if (mongoc_uri_get_appname(uri) == nullptr) mongoc_uri_set_appname(uri, "corebot");
  pool_ = mongoc_client_pool_new_with_error(uri, &error);
  mongoc_uri_destroy(uri);
  if (pool_ == nullptr) {
    throw StoreError(StoreErrorKind::kInvalidArgument, "", "open",
                     std::string("mongodb client pool: ") + error.message);
  }
  mongoc_client_pool_set_error_api(pool_, MONGOC_ERROR_API_VERSION_2);
  health_.backend = "mongodb";
}

Backend::~Backend() { mongoc_client_pool_destroy(pool_); }

StoreHealth Backend::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

StoreError Backend::failed(const MongoFailure& failure, bool read_only) const {
  StoreError e = to_store_error(failure.error);
  std::string message = e.message();
  if (e.kind() == StoreErrorKind::kUnavailable) {
    message = "mongodb at " + where_ + ": " + message;
    if (!read_only && !nothing_applied(failure.error)) {
      message += "; the write may or may not have been applied";
    }
  }
  if (failure.index.has_value()) message = spec_prefix(*failure.index) + message;
  return StoreError(e.kind(), "", "", message);
}

void Backend::record_success() {
  std::lock_guard lock(mutex_);
  health_.ok = true;
  health_.consecutive_failures = 0;
}

void Backend::record_failure(const bson_error_t& error) {
  std::lock_guard lock(mutex_);
  health_.ok = false;
  health_.last_error = error.message;
  ++health_.consecutive_failures;
}

void Backend::backoff(int attempt) {
  {
    std::lock_guard lock(mutex_);
    ++health_.retries;
  }
  auto delay = kFirstBackoff;
  for (int i = 1; i < attempt; ++i) delay *= 4;
  std::this_thread::sleep_for(delay);
}

void Backend::identify() {
  const json::object info = run(true, [&](ClientLease& client) {
    BsonPtr command = make_bson();
    BSON_APPEND_INT32(command.get(), "buildInfo", 1);
    MongoFailure failure;
    Reply reply;
    if (!mongoc_client_command_simple(client.get(), "admin", command.get(), nullptr, &reply.b,
                                      &failure.error)) {
      throw failure;
    }
    return to_json(&reply.b);
  });
  const auto text = [&](const char* key) -> std::string {
    const auto* v = info.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
  };
  ferretdb_ = info.contains("ferretdbVersion");
  std::lock_guard lock(mutex_);
  health_.server =
      ferretdb_ ? "FerretDB " + text("ferretdbVersion") + " (MongoDB " + text("version") + " wire)"
                : "MongoDB " + text("version");
}

}  // namespace corebot::store::mongo
