#include "core/trim_memory.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace corebot::core {
namespace {

constexpr std::size_t kSize = 64 * 4096;

// The resident kB of the mapping that starts at `addr`, from /proc/self/smaps.
std::size_t rss_kb(const void* addr) {
  std::ifstream in("/proc/self/smaps");
  std::string line;
  char start[32];
  std::snprintf(start, sizeof start, "%lx-", reinterpret_cast<unsigned long>(addr));
  bool in_it = false;
  while (std::getline(in, line)) {
    if (line.rfind(start, 0) == 0) in_it = true;
    if (in_it && line.rfind("Rss:", 0) == 0) return std::stoul(line.substr(4));
  }
  ADD_FAILURE() << "no mapping at " << start;
  return 0;
}

struct TrimTest : ::testing::Test {
  TrimTest() {
    path = std::filesystem::temp_directory_path() / ("corebot-trim-" + std::to_string(::getpid()));
    std::ofstream out(path, std::ios::binary);
    std::string page(4096, '\0');
    for (std::size_t i = 0; i < kSize / 4096; ++i) {
      std::memset(page.data(), static_cast<int>('a' + i % 26), page.size());
      out << page;
    }
    out.close();
    fd = ::open(path.c_str(), O_RDONLY);
    // Written-back pages are clean (dirty page-cache pages count as Private_Dirty: kept).
    EXPECT_EQ(::fsync(fd), 0);
  }
  ~TrimTest() override {
    ::close(fd);
    std::filesystem::remove(path);
  }
  static std::size_t sum(const char* p) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < kSize; i += 4096) total += static_cast<unsigned char>(p[i]);
    return total;
  }
  std::filesystem::path path;
  int fd = -1;
};

TEST_F(TrimTest, DropsCleanReadOnlyFilePagesAndTheyReadBackTheSame) {
  auto* p = static_cast<char*>(::mmap(nullptr, kSize, PROT_READ, MAP_PRIVATE, fd, 0));
  ASSERT_NE(p, MAP_FAILED);
  const std::size_t before = sum(p);
  ASSERT_GE(rss_kb(p), kSize / 1024);
  const TrimResult r = trim_startup_memory();
  EXPECT_GE(r.mappings, 1u);
  EXPECT_GE(r.bytes, kSize);
  EXPECT_EQ(rss_kb(p), 0u);
  EXPECT_EQ(sum(p), before);  // read again from the file
  ::munmap(p, kSize);
}

TEST_F(TrimTest, KeepsCopyOnWritePagesAndWritableMappings) {
  // A relocated, then write-protected segment (like RELRO): its private pages must survive.
  auto* relro =
      static_cast<char*>(::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  ASSERT_NE(relro, MAP_FAILED);
  std::memset(relro, 'Z', 4096);
  ASSERT_EQ(::mprotect(relro, kSize, PROT_READ), 0);
  auto* data =
      static_cast<char*>(::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  ASSERT_NE(data, MAP_FAILED);
  data[4096] = 'Q';
  trim_startup_memory();
  EXPECT_EQ(relro[0], 'Z');
  EXPECT_EQ(relro[4095], 'Z');
  EXPECT_EQ(data[4096], 'Q');
  ::munmap(relro, kSize);
  ::munmap(data, kSize);
}

}  // namespace
}  // namespace corebot::core
