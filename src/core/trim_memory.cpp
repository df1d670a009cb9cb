// trim_startup_memory (core/trim_memory.hpp): read /proc/self/smaps, MADV_DONTNEED the clean
// read-only file mappings, malloc_trim the heap.
#include "core/trim_memory.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

// mimalloc's own "give free memory back" when the executable links it (corebot_use_allocator);
// weak, so this library needs neither its header nor the library itself.
extern "C" void mi_collect(bool force) __attribute__((weak));

namespace corebot::core {
namespace {

struct Mapping {
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
  bool candidate = false;  // file-backed and not writable
  std::size_t rss_kb = 0;
  std::size_t private_kb = 0;  // Anonymous + Private_Dirty: must stay 0 to drop the mapping
};

std::vector<Mapping> read_smaps(const std::string& path) {
  std::vector<Mapping> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first.empty()) continue;
    if (first.back() != ':') {  // "begin-end perms offset dev inode [path]"
      const auto dash = first.find('-');
      if (dash == std::string::npos) continue;
      Mapping m;
      m.begin = std::stoull(first.substr(0, dash), nullptr, 16);
      m.end = std::stoull(first.substr(dash + 1), nullptr, 16);
      std::string perms, offset, device, inode, file;
      fields >> perms >> offset >> device >> inode >> file;
      m.candidate = perms.size() >= 2 && perms[1] != 'w' && !file.empty() && file[0] == '/';
      out.push_back(m);
      continue;
    }
    if (out.empty()) continue;
    std::size_t kb = 0;
    fields >> kb;
    if (first == "Rss:") out.back().rss_kb = kb;
    if (first == "Anonymous:" || first == "Private_Dirty:") out.back().private_kb += kb;
  }
  return out;
}

}  // namespace

TrimResult trim_startup_memory(const std::string& smaps) {
  TrimResult result;
  for (const auto& m : read_smaps(smaps)) {
    if (!m.candidate || m.private_kb != 0 || m.rss_kb == 0) continue;
    // NOLINTNEXTLINE(performance-no-int-to-ptr): addresses read from smaps
    if (::madvise(reinterpret_cast<void*>(m.begin), m.end - m.begin, MADV_DONTNEED) == 0) {
      ++result.mappings;
      result.bytes += m.rss_kb * 1024;
    }
  }
  if (mi_collect != nullptr) mi_collect(true);
  ::malloc_trim(0);  // glibc's heap: all of it without mimalloc, its own leftovers with it
  return result;
}

}  // namespace corebot::core
