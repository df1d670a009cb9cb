// Gives back the pages a process touched only while starting: once the engine is up, most of
// its resident memory is clean pages of code and read-only data of the binary and its libraries
// (start-up code, relocation processing, the spreadsheet reader), counted in RSS though the
// engine will not run them again. trim_startup_memory() unmaps those clean pages from this
// process (they stay in the page cache: touching one again is a minor fault, no disk read) and
// returns free heap to the system (glibc's or mimalloc's), so the RSS an owner sees is the working
// set (issue 14, docs/benchmarks.md "Idle footprint").
#pragma once

#include <cstddef>
#include <string>

namespace corebot::core {

struct TrimResult {
  std::size_t mappings = 0;  // mappings advised
  std::size_t bytes = 0;     // resident bytes they held before
};

// Only mappings that are backed by a file, not writable, and hold no private (copy-on-write)
// page are touched: their content is the file's, so dropping them loses nothing. Safe to call
// at any time from any thread; errors are ignored (it is advice). `smaps` is for tests.
TrimResult trim_startup_memory(const std::string& smaps = "/proc/self/smaps");

}  // namespace corebot::core
