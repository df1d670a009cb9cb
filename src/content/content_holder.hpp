// ContentHolder: the live content of a bot. load() compiles a new snapshot and swaps it in
// only when it has no errors, so a broken spreadsheet never replaces working content.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "content/reader/reader.hpp"
#include "content/report.hpp"
#include "content/snapshot.hpp"
#include "content/source.hpp"

namespace corebot::content {

// A failed read as a report: one error without a cell, with the reader's fix (or a generic one).
Report read_failure_report(const ReadResult& read);

class ContentHolder {
 public:
  explicit ContentHolder(CompileOptions options = {}, ReadLimits limits = {});

  // Reads (ContentSource: a file, a CSV folder or a link, parsed in a child process) and
  // compiles. On success (no errors; warnings are fine) the new snapshot replaces the current
  // one; otherwise the current one stays. The report says which; a read failure is one error
  // without a cell. Thread-safe; concurrent loads run one after the other. Blocks on I/O: call
  // it off the event loop.
  [[nodiscard]] Report load(const std::filesystem::path& path);
  // The same for a read already done (ContentSource::read()).
  [[nodiscard]] Report load(ReadResult read);
  [[nodiscard]] Report load(Workbook workbook);

  // The current snapshot, or null before the first successful load. Keep the pointer for a
  // whole update so every read sees one consistent content. Thread-safe, never blocks long.
  std::shared_ptr<const ContentSnapshot> current() const;
  // Increases with every successful load (0 before the first).
  uint64_t version() const;

 private:
  const CompileOptions options_;
  const ReadLimits limits_;
  std::mutex load_mutex_;          // serialises loads
  mutable std::mutex swap_mutex_;  // guards current_ and version_
  std::shared_ptr<const ContentSnapshot> current_;
  uint64_t version_ = 0;
};

}  // namespace corebot::content
