#include "content/content_holder.hpp"

#include <utility>

namespace corebot::content {

ContentHolder::ContentHolder(CompileOptions options, ReadLimits limits)
    : options_(std::move(options)), limits_(limits) {}

Report read_failure_report(const ReadResult& read) {
  Report report;
  report.error("", "", read.error,
               (read.fix.empty() ? "fix or re-export the file" : read.fix) +
                   "; the bot keeps its current content");
  return report;
}

Report ContentHolder::load(const std::filesystem::path& path) {
  ContentSource source(path.string(), SourceOptions{.limits = limits_});
  return load(source.read().result);
}

Report ContentHolder::load(ReadResult read) {
  if (!read.ok()) return read_failure_report(read);
  return load(std::move(*read.workbook));
}

Report ContentHolder::load(Workbook workbook) {
  std::lock_guard load_lock(load_mutex_);
  CompileResult compiled = compile_snapshot(std::move(workbook), options_);
  if (compiled.snapshot) {
    std::shared_ptr<const ContentSnapshot> old;
    {
      std::lock_guard lock(swap_mutex_);
      old = std::exchange(current_, std::move(compiled.snapshot));
      ++version_;
    }
    // old is released here, outside the lock: freeing a big snapshot may take a while.
  }
  return std::move(compiled.report);
}

std::shared_ptr<const ContentSnapshot> ContentHolder::current() const {
  std::lock_guard lock(swap_mutex_);
  return current_;
}

uint64_t ContentHolder::version() const {
  std::lock_guard lock(swap_mutex_);
  return version_;
}

}  // namespace corebot::content
