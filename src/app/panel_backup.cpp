// PanelBackup (app/panel_backup.hpp): a store backup on a worker thread, its bytes back on the
// loop.
#include "app/panel_backup.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "corebot/store.hpp"
#include "store/backup.hpp"

namespace corebot::app {
namespace fs = std::filesystem;

namespace {

std::string megabytes(std::uintmax_t bytes) {
  const std::uintmax_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

void remove_quietly(const fs::path& path) {
  std::error_code ignored;
  for (const char* suffix : {"", ".partial", "-journal", "-wal", "-shm"}) {
    fs::remove(path.string() + suffix, ignored);
  }
}

// The worker's whole job: the backup, its size checked, its bytes read, the file removed.
void copy_store(const std::string& uri, const fs::path& path, std::size_t max_bytes,
                StoreBackup& out, std::string& error) {
  try {
    out.collections = store::backup_store(uri, path.string()).collections;
    const std::uintmax_t size = fs::file_size(path);
    if (size > max_bytes) {
      error = "the backup is " + megabytes(size) + ", more than the " + megabytes(max_bytes) +
              " Telegram takes from a bot: take it on the server with `corebot backup FILE` "
              "(docs/install.md, Backups)";
    } else {
      std::ifstream in(path, std::ios::binary);
      out.file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) error = "cannot read the backup back from " + path.string();
    }
  } catch (const StoreError& e) {
    error = e.what();
  } catch (const std::exception& e) {  // filesystem errors
    error = std::string("the backup failed: ") + e.what();
  }
  remove_quietly(path);
  if (!error.empty()) out = {};
}

}  // namespace

PanelBackup::PanelBackup(core::Executor& loop, std::string store_uri, std::string temp_dir)
    : loop_(loop), store_uri_(std::move(store_uri)), temp_dir_(std::move(temp_dir)) {}

PanelBackup::~PanelBackup() {
  *alive_ = false;
  if (worker_.joinable()) worker_.join();
}

void PanelBackup::take(std::size_t max_bytes, BackupTaken done) {
  if (busy_) {
    return done({}, "a backup is being taken already: it arrives in a moment");
  }
  std::error_code ec;
  const fs::path dir = temp_dir_.empty() ? fs::temp_directory_path(ec) : fs::path(temp_dir_);
  if (ec) return done({}, "no temporary directory for the backup: " + ec.message());
  const fs::path path = dir / ("corebot-panel-backup-" + std::to_string(::getpid()) + "-" +
                               std::to_string(++taken_) + ".db");
  if (worker_.joinable()) worker_.join();  // the previous copy has finished (busy_ is false)
  busy_ = true;
  worker_ = std::thread(
      [this, alive = alive_, uri = store_uri_, path, max_bytes, done = std::move(done)]() mutable {
        auto backup = std::make_shared<StoreBackup>();
        auto error = std::make_shared<std::string>();
        copy_store(uri, path, max_bytes, *backup, *error);
        if (!*alive) return;
        loop_.post([this, alive, backup, error, done = std::move(done)] {
          if (!*alive) return;
          busy_ = false;
          done(std::move(*backup), *error);
        });
      });
}

}  // namespace corebot::app
