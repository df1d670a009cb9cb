// backup_store / restore_store (store/backup.hpp): the SQLite online backup API for sqlite://
// stores, a collection-by-collection copy through the DocumentStore interface for the others.
#include "store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "corebot/store.hpp"
#include "store/document.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace corebot::store {
namespace {

namespace fs = std::filesystem;

// Must match the layout version in sqlite_store.cpp: a backup from a newer build is refused.
constexpr std::int64_t kNewestSchema = 1;
constexpr std::size_t kBatch = 500;

[[noreturn]] void fail(StoreErrorKind kind, const std::string& operation, std::string message) {
  throw StoreError(kind, "", operation, std::move(message));
}

// One raw sqlite3 connection (the store's pool is for documents; a backup works on pages).
class Db {
 public:
  Db(const std::string& path, int flags, const std::string& operation) : operation_(operation) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      fail(StoreErrorKind::kUnavailable, operation, "cannot open '" + path + "': " + why);
    }
    sqlite3_busy_timeout(db_, 10000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  sqlite3* get() { return db_; }

  // The first column of the first row of `sql` as text ("" when there is none).
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      error("'" + sql + "'");
    }
    std::string out;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      if (text) out = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) error("'" + sql + "'");
    return out;
  }

  [[noreturn]] void error(const std::string& what) {
    const int code = sqlite3_errcode(db_);
    const auto kind = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? StoreErrorKind::kCorrupt
                      : code == SQLITE_BUSY || code == SQLITE_LOCKED  ? StoreErrorKind::kUnavailable
                                                                      : StoreErrorKind::kInternal;
    fail(kind, operation_, what + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
  std::string operation_;
};

// Copies every page of `from` into `to` in one step (one read transaction: a consistent
// snapshot), waiting while a writer holds a lock.
void copy_pages(Db& from, Db& to, const std::string& operation) {
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!backup) to.error("cannot start the copy");
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    fail(rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? StoreErrorKind::kUnavailable
                                                  : StoreErrorKind::kInternal,
         operation,
         std::string("the copy failed: ") + sqlite3_errstr(rc) +
             (rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? " (the database stayed locked for 10 s; "
                                                         "try again when it is quieter)"
                                                       : ""));
  }
}

// Creates `path` empty with mode 0600 (SQLite would create it 0644): a backup holds user data.
void create_private_file(const std::string& path, const std::string& operation) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    fail(StoreErrorKind::kUnavailable, operation,
         "cannot create '" + path + "': " + std::generic_category().message(errno) +
             " (check that the folder exists and is writable)");
  }
  ::close(fd);
}

// A temporary file next to the destination, removed unless released.
class PendingFile {
 public:
  explicit PendingFile(std::string path) : path_(std::move(path)) {}
  ~PendingFile() {
    if (path_.empty()) return;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path_ + suffix, ec);
  }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  void rename_to(const std::string& destination, const std::string& operation) {
    std::error_code ec;
    fs::rename(path_, destination, ec);
    if (ec) {
      fail(StoreErrorKind::kUnavailable, operation,
           "cannot rename '" + path_ + "' to '" + destination + "': " + ec.message());
    }
    path_.clear();
  }

 private:
  std::string path_;
};

// A backup is one self-contained file: no -wal beside it.
void make_standalone(const std::string& path, const std::string& operation) {
  Db db(path, SQLITE_OPEN_READWRITE, operation);
  db.scalar("PRAGMA journal_mode = DELETE");
}

std::size_t copy_collections(DocumentStore& from, DocumentStore& to, bool drop_others) {
  const auto names = from.list_collections();
  if (drop_others) {
    const std::set<std::string> keep(names.begin(), names.end());
    for (const auto& name : to.list_collections()) {
      if (!keep.contains(name)) to.drop_collection(name);
    }
  }
  std::size_t documents = 0;
  for (const auto& name : names) {
    to.drop_collection(name);
    auto cursor = from.collection(name).find_cursor({});
    Collection& target = to.collection(name);
    for (auto batch = cursor->next_batch(kBatch); !batch.empty();
         batch = cursor->next_batch(kBatch)) {
      documents += batch.size();
      target.insert_many(std::move(batch));
    }
  }
  return documents;
}

StoreUri sqlite_uri(const std::string& path) { return StoreUri{"sqlite", path, {}}; }

// Refuses anything but an intact Corebot SQLite store this build can read.
void check_backup(const std::string& path) {
  const std::string op = "restore";
  if (!fs::is_regular_file(path)) {
    fail(StoreErrorKind::kInvalidArgument, op, "no backup file at '" + path + "'");
  }
  Db db(path, SQLITE_OPEN_READONLY, op);
  const std::string integrity = db.scalar("PRAGMA quick_check");
  if (integrity != "ok") {
    fail(StoreErrorKind::kCorrupt, op,
         "'" + path + "' is damaged (" + integrity + "): restore an older backup");
  }
  if (db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'corebot_indexes'") != "1") {
    fail(StoreErrorKind::kInvalidArgument, op,
         "'" + path + "' is an SQLite file but not a Corebot store (made by `corebot backup`?)");
  }
  const std::int64_t version = std::stoll(db.scalar("PRAGMA user_version"));
  if (version > kNewestSchema) {
    fail(StoreErrorKind::kUnavailable, op,
         "'" + path + "' was written by a newer Corebot (store schema " + std::to_string(version) +
             "): upgrade Corebot, then restore");
  }
}

}  // namespace

BackupReport backup_store(std::string_view uri, const std::string& destination) {
  const std::string op = "backup";
  const StoreUri parsed = parse_store_uri(uri);
  std::error_code ec;
  if (fs::exists(destination, ec)) {
    fail(StoreErrorKind::kInvalidArgument, op,
         "'" + destination + "' already exists: choose a new file name");
  }
  PendingFile pending(destination + ".partial");
  create_private_file(pending.path(), op);
  BackupReport report;
  if (parsed.scheme == "sqlite") {
    if (!fs::is_regular_file(parsed.path)) {
      fail(StoreErrorKind::kUnavailable, op,
           "no database at '" + parsed.path + "' (has the bot run once? is the path right?)");
    }
    {
      Db from(parsed.path, SQLITE_OPEN_READONLY, op);
      Db to(pending.path(), SQLITE_OPEN_READWRITE, op);
      copy_pages(from, to, op);
      report.collections = static_cast<std::size_t>(std::stoll(
          to.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' "
                    "ESCAPE '\\'")));
    }
  } else {
    auto from = open_store(uri);
    {
      auto to = open_sqlite_store(sqlite_uri(pending.path()));
      report.documents = copy_collections(*from, *to, false);
      report.collections = to->list_collections().size();
    }
  }
  make_standalone(pending.path(), op);
  pending.rename_to(destination, op);
  return report;
}

BackupReport restore_store(const std::string& backup, std::string_view uri) {
  const std::string op = "restore";
  const StoreUri parsed = parse_store_uri(uri);
  check_backup(backup);
  BackupReport report;
  if (parsed.scheme == "sqlite") {
    if (!fs::exists(parsed.path)) {
      const fs::path parent = fs::path(parsed.path).parent_path();
      if (!parent.empty()) fs::create_directories(parent);
      create_private_file(parsed.path, op);
    }
    Db from(backup, SQLITE_OPEN_READONLY, op);
    Db to(parsed.path, SQLITE_OPEN_READWRITE, op);
    copy_pages(from, to, op);
    // The copy carries the backup's rollback journal mode; the store runs in WAL.
    to.scalar("PRAGMA journal_mode = WAL");
    report.collections = static_cast<std::size_t>(std::stoll(
        to.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' "
                  "ESCAPE '\\'")));
    return report;
  }
  // Read the backup through a private copy: opening a store writes to its file.
  PendingFile copy(
      (fs::temp_directory_path() / ("corebot-restore-" + std::to_string(::getpid()) + ".db"))
          .string());
  std::error_code ec;
  fs::remove(copy.path(), ec);
  create_private_file(copy.path(), op);
  {
    Db from(backup, SQLITE_OPEN_READONLY, op);
    Db to(copy.path(), SQLITE_OPEN_READWRITE, op);
    copy_pages(from, to, op);
  }
  auto from = open_sqlite_store(sqlite_uri(copy.path()));
  auto to = open_store(uri);
  report.documents = copy_collections(*from, *to, true);
  report.collections = from->list_collections().size();
  return report;
}

}  // namespace corebot::store
