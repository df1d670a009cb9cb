#include "core/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace corebot::core {
namespace fs = std::filesystem;

namespace {

std::string failed(const std::string& what, const fs::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

// write(2) until everything is written or an error that is not EINTR.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string create_private_directories(const fs::path& dir) {
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) return failed("cannot create", *it);
  }
  return {};
}

std::string create_private_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno == EEXIST ? std::string() : failed("cannot create", file);
  ::close(fd);
  return {};
}

std::string write_private_file(const fs::path& file, std::string_view bytes) {
  const fs::path temporary = file.string() + ".tmp";
  ::unlink(temporary.c_str());  // a leftover of a crash, possibly with a wider mode
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return failed("cannot create", temporary);
  const bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  const std::string error = ok ? std::string() : failed("cannot write", temporary);
  ::close(fd);
  if (!ok) {
    ::unlink(temporary.c_str());
    return error;
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) return failed("cannot rename", temporary);
  // The rename is durable only once the folder's entry is on disk too.
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (const int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace corebot::core
