#include "store/sqlite/connection.hpp"

#include "corebot/store.hpp"

namespace corebot::store::sqlite {
namespace json = boost::json;

namespace {

StoreErrorKind kind_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? StoreErrorKind::kDuplicateKey
                 : StoreErrorKind::kInvalidArgument;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
      return StoreErrorKind::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreErrorKind::kCorrupt;
    case SQLITE_TOOBIG:
      return StoreErrorKind::kTooLarge;
    default:
      return StoreErrorKind::kInternal;
  }
}

}  // namespace

Statement::~Statement() {
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
  const int rc = sqlite3_bind_int64(stmt_, index, number);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double number) {
  const int rc = sqlite3_bind_double(stmt_, index, number);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_json(int index, const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return bind(index, std::string_view(v.get_string()));
    case json::kind::int64:
      return bind(index, v.get_int64());
    case json::kind::uint64:
      return v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)
                 ? bind(index, static_cast<std::int64_t>(v.get_uint64()))
                 : bind(index, static_cast<double>(v.get_uint64()));
    case json::kind::double_:
      return bind(index, v.get_double());
    case json::kind::bool_:
      return bind(index, static_cast<std::int64_t>(v.get_bool() ? 1 : 0));
    default:
      sqlite3_bind_null(stmt_, index);
      return *this;
  }
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_->fail(rc, "step");
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string_view Statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text == nullptr ? std::string_view()
                         : std::string_view(text, sqlite3_column_bytes(stmt_, index));
}

Connection::Connection(const Options& options) {
  // SQLite counts every allocation under a process-wide mutex unless told not to, and nothing
  // here reads those counts. Only possible before SQLite starts: a later call is refused, harmless.
  static const bool memstatus_off = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)memstatus_off;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open '" + options.path +
                          "': " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError(kind_of(rc), "", "open", std::move(message));
  }
  try {
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    // journal_mode reads the header: a file that is not a database fails here (kCorrupt).
    exec("PRAGMA journal_mode=WAL");
    exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=OFF");
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void Connection::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) fail(rc, sql);
}

Statement Connection::query(const std::string& sql) {
  if (const auto it = cache_.find(sql); it != cache_.end())
    return Statement(*this, it->second, false);
  const bool cache = cache_.size() < kMaxCached;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, sql);
  if (cache) cache_.emplace(sql, stmt);
  return Statement(*this, stmt, !cache);
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

void Connection::fail(int rc, std::string_view context) const {
  std::string message = sqlite3_errmsg(db_);
  if (kind_of(rc) == StoreErrorKind::kUnavailable && (rc & 0xff) == SQLITE_BUSY) {
    message += " (the database is locked by another connection or process)";
  }
  if (!context.empty() && kind_of(rc) == StoreErrorKind::kInternal) {
    message += " [" + std::string(context.substr(0, 200)) + "]";
  }
  throw StoreError(kind_of(rc), "", "", std::move(message));
}

Transaction::Transaction(Connection& connection, bool write) : connection_(connection) {
  connection_.exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const StoreError&) {
    // The transaction may already be rolled back by SQLite (e.g. after SQLITE_FULL).
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  open_ = false;
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  return Lease(*this, std::make_unique<Connection>(options_));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  if (connection == nullptr) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < options_.pool_size) idle_.push_back(std::move(connection));
}

}  // namespace corebot::store::sqlite
