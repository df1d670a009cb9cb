// "Send me a backup" in the admin panel (issue 14): takes a backup of the whole store
// (store/backup.hpp, the file `corebot backup` writes) on a thread of its own, so the loop goes on
// answering and the store's worker goes on serving the bot while pages or documents are copied,
// and hands the file's bytes back on the loop. The file passes through a private temporary file
// that is removed before the result is delivered, whatever the outcome.
//
// One backup at a time: a second request while one runs is answered at once with an error (an
// owner pressing twice gets one file). A backup bigger than the caller's limit is not read into
// memory: the error gives its size and the command that takes it on the server.
//
// Thread: take() and every callback on the loop (through `loop`); the copy on the worker thread.
// The destructor waits for a running copy; its result is then dropped.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/executor.hpp"
#include "corebot/admin.hpp"

namespace corebot::app {

class PanelBackup {
 public:
  // `store_uri`: the engine's store (sqlite:// or mongodb://). `temp_dir`: where the file is made
  // (empty: the system's temporary directory; systemd's PrivateTmp and the image allow it).
  PanelBackup(core::Executor& loop, std::string store_uri, std::string temp_dir = {});
  ~PanelBackup();
  PanelBackup(const PanelBackup&) = delete;
  PanelBackup& operator=(const PanelBackup&) = delete;

  void take(std::size_t max_bytes, BackupTaken done);
  [[nodiscard]] bool busy() const { return busy_; }

 private:
  core::Executor& loop_;
  std::string store_uri_;
  std::string temp_dir_;
  std::thread worker_;
  bool busy_ = false;
  std::uint64_t taken_ = 0;  // names the temporary files
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

}  // namespace corebot::app
