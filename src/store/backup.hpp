// Backups of a store, whatever its backend, as one SQLite file: the format `corebot run` opens as
// sqlite:///path, so a backup is also a way to move a bot between MongoDB and SQLite.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace corebot::store {

struct BackupReport {
  std::size_t collections = 0;
  std::size_t documents = 0;  // counted for MongoDB only (SQLite copies pages, not documents)
};

// Writes a copy of the store at `uri` to `destination`, a new SQLite file (0600; an existing file
// is refused, a failed backup leaves nothing behind). sqlite://: SQLite's online backup API, a
// consistent snapshot taken while the bot keeps running. mongodb://: every collection read
// through the MongoDB backend (libmongoc); each collection is consistent, not the set (take it
// when nothing writes, or accept a few seconds' skew). Indexes are not copied: the engine
// declares the ones it needs. Throws StoreError saying what to do.
BackupReport backup_store(std::string_view uri, const std::string& destination);

// Replaces everything in the store at `uri` with the backup's content, after checking that
// `backup` is an intact Corebot store (SQLite integrity check, schema version). sqlite://: the
// online backup API copies the file into the database (created if missing); stop the bot first,
// it caches what it has read. mongodb://: drops the store's collections, then inserts the
// backup's documents (not atomic: restore again if it fails midway). Throws StoreError.
BackupReport restore_store(const std::string& backup, std::string_view uri);

}  // namespace corebot::store
