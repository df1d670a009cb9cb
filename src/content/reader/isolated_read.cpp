#include "content/reader/isolated_read.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <new>

namespace corebot::content {
namespace {

// --- wire format: native byte order (parent and child are the same binary) --------------------

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(uint8_t* v) { return raw(v, sizeof *v); }
  bool u32(uint32_t* v) { return raw(v, sizeof *v); }
  bool u64(uint64_t* v) { return raw(v, sizeof *v); }
  bool f64(double* v) { return raw(v, sizeof *v); }
  bool str(std::string* s) {
    uint64_t n = 0;
    if (!u64(&n) || n > in_.size()) return false;
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  bool raw(void* p, size_t n) {
    if (in_.size() < n) return false;
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  std::string_view in_;
};

constexpr uint8_t kWorkbook = 'W';
constexpr uint8_t kFailure = 'E';
constexpr uint8_t kEnd = '.';  // the last byte: a child cut short never looks complete

// --- the child ---------------------------------------------------------------------------------

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The parent's mapped address space, from /proc/self/statm (pages); 0 when unknown.
size_t mapped_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  statm >> pages;
  return pages * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// Descriptors the child may hold at once: stdio, its pipe, the spreadsheet, and what the parser
// and the sanitizers' runtime open on the side.
constexpr rlim_t kChildMaxFiles = 32;

[[noreturn]] void run_child(int fd, const std::function<ReadResult()>& read, size_t memory_cap) {
  // The engine's signal handlers would wake the parent's event loop (they share its self-pipe):
  // a SIGTERM meant for the whole process group must just end the child.
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) ::signal(sig, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);
  // A parser bug must not reach what the engine holds open (the store, sockets to Telegram and
  // users, the log) nor write files: the child keeps only its pipe and stdio, may open a few
  // files (the spreadsheet itself) and write none (SIGXFSZ ignored, so a write fails with EFBIG
  // instead of killing the child before it can say why).
  if (fd > 3) ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  ::signal(SIGXFSZ, SIG_IGN);
  const rlimit no_writes{0, 0};
  ::setrlimit(RLIMIT_FSIZE, &no_writes);
  const rlimit few_files{kChildMaxFiles, kChildMaxFiles};
  ::setrlimit(RLIMIT_NOFILE, &few_files);
  if (memory_cap != 0) {
    const rlimit limit{memory_cap, memory_cap};
    ::setrlimit(RLIMIT_AS, &limit);
  }
  std::string encoded;
  try {
    encoded = encode_read_result(read());
  } catch (const std::bad_alloc&) {
    ReadResult failed;
    failed.error = "not enough memory to read the file";
    encoded = encode_read_result(failed);
  } catch (const std::exception& e) {
    ReadResult failed;
    failed.error = std::string("cannot be read: ") + e.what();
    encoded = encode_read_result(failed);
  } catch (...) {
    ReadResult failed;
    failed.error = "cannot be read (unknown error)";
    encoded = encode_read_result(failed);
  }
  // _exit: no atexit handlers, no destructors of the parent's objects, no leak report.
  ::_exit(write_all(fd, encoded) ? 0 : 1);
}

// --- the parent --------------------------------------------------------------------------------

struct ChildOutcome {
  std::string output;
  bool timed_out = false;
  int status = 0;  // from waitpid
};

ChildOutcome collect(pid_t pid, int fd, std::chrono::milliseconds timeout) {
  ChildOutcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[64 * 1024];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (ready == 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child closed its end (exited or died)
    outcome.output.append(buffer, static_cast<size_t>(n));
  }
  if (outcome.timed_out) ::kill(pid, SIGKILL);
  while (::waitpid(pid, &outcome.status, 0) < 0 && errno == EINTR) {
  }
  return outcome;
}

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

std::string seconds(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

constexpr char kDamagedFix[] =
    "the file is probably damaged: open it in Excel, LibreOffice or Google Sheets, save it again "
    "as .xlsx and reload";

}  // namespace

std::string encode_read_result(const ReadResult& result) {
  Writer w;
  if (!result.workbook) {
    w.u8(kFailure);
    w.str(result.error);
    w.str(result.fix);
    w.u8(kEnd);
    return w.take();
  }
  const Workbook& book = *result.workbook;
  w.u8(kWorkbook);
  w.str(book.source);
  w.u64(book.sheets.size());
  for (const Sheet& sheet : book.sheets) {
    w.str(sheet.name());
    w.u64(sheet.merged().size());
    for (const MergedRange& m : sheet.merged()) {
      w.u32(m.first_row);
      w.u32(m.first_col);
      w.u32(m.last_row);
      w.u32(m.last_col);
    }
    w.u64(sheet.cell_count());
    for (const Row& row : sheet.rows()) {
      for (const Cell& cell : row.cells) {
        w.u32(cell.row);
        w.u32(cell.col);
        w.u8(static_cast<uint8_t>(cell.kind));
        w.f64(cell.number);
        w.str(cell.text);
      }
    }
  }
  w.u64(book.warnings.size());
  for (const ReadWarning& warning : book.warnings) {
    w.str(warning.sheet);
    w.str(warning.what);
    w.str(warning.fix);
  }
  w.u8(kEnd);
  return w.take();
}

std::optional<ReadResult> decode_read_result(std::string_view bytes) {
  Reader r(bytes);
  ReadResult result;
  uint8_t tag = 0;
  if (!r.u8(&tag)) return std::nullopt;
  if (tag == kFailure) {
    if (!r.str(&result.error) || !r.str(&result.fix)) return std::nullopt;
  } else if (tag == kWorkbook) {
    Workbook book;
    uint64_t sheets = 0;
    if (!r.str(&book.source) || !r.u64(&sheets) || sheets > bytes.size()) return std::nullopt;
    for (uint64_t s = 0; s < sheets; ++s) {
      std::string name;
      uint64_t merged = 0;
      if (!r.str(&name) || !r.u64(&merged) || merged > bytes.size()) return std::nullopt;
      Sheet sheet(std::move(name));
      for (uint64_t i = 0; i < merged; ++i) {
        MergedRange m;
        if (!r.u32(&m.first_row) || !r.u32(&m.first_col) || !r.u32(&m.last_row) ||
            !r.u32(&m.last_col)) {
          return std::nullopt;
        }
        sheet.add_merged(m);
      }
      uint64_t cells = 0;
      if (!r.u64(&cells) || cells > bytes.size()) return std::nullopt;
      for (uint64_t i = 0; i < cells; ++i) {
        Cell cell;
        uint8_t kind = 0;
        if (!r.u32(&cell.row) || !r.u32(&cell.col) || !r.u8(&kind) || !r.f64(&cell.number) ||
            !r.str(&cell.text) || kind > static_cast<uint8_t>(CellKind::kError)) {
          return std::nullopt;
        }
        cell.kind = static_cast<CellKind>(kind);
        sheet.set(std::move(cell));
      }
      sheet.finish();
      book.sheets.push_back(std::move(sheet));
    }
    uint64_t warnings = 0;
    if (!r.u64(&warnings) || warnings > bytes.size()) return std::nullopt;
    for (uint64_t i = 0; i < warnings; ++i) {
      ReadWarning warning;
      if (!r.str(&warning.sheet) || !r.str(&warning.what) || !r.str(&warning.fix)) {
        return std::nullopt;
      }
      book.warnings.push_back(std::move(warning));
    }
    result.workbook = std::move(book);
  } else {
    return std::nullopt;
  }
  uint8_t end = 0;
  if (!r.u8(&end) || end != kEnd || !r.done()) return std::nullopt;
  return result;
}

namespace {

ReadResult read_in_child(const std::function<ReadResult()>& read, std::string_view source_name,
                         const IsolationOptions& options);

}  // namespace

// GCC 12's AddressSanitizer has no fork handler for its allocator: a child forked while another
// thread of the engine holds an allocator lock waits on it forever (seen in the sanitizer build's
// integration tests, never in the normal build, whose glibc malloc is fork-safe). In sanitizer
// builds a child that hangs is therefore tried again, with a short first deadline; normal builds
// fork once and wait the whole timeout.
ReadResult read_isolated(const std::function<ReadResult()>& read, std::string_view source_name,
                         const IsolationOptions& options) {
  if (!kAddressSanitizer) return read_in_child(read, source_name, options);
  IsolationOptions attempt = options;
  attempt.timeout = std::min<std::chrono::milliseconds>(options.timeout, std::chrono::seconds(5));
  ReadResult result;
  for (int tries = 0; tries < 3; ++tries) {
    result = read_in_child(read, source_name, attempt);
    if (result.error.find("and was stopped") == std::string::npos) break;
  }
  return result;
}

namespace {

ReadResult read_in_child(const std::function<ReadResult()>& read, std::string_view source_name,
                         const IsolationOptions& options) {
  ReadResult result;
  auto fail = [&](const std::string& what, const std::string& fix) {
    result.error = std::string(source_name) + ": " + what;
    result.fix = fix;
    return result;
  };
  const size_t memory_cap = (kAddressSanitizer || options.max_extra_memory == 0)
                                ? 0
                                : mapped_bytes() + options.max_extra_memory;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail("cannot start the spreadsheet reader (" + std::string(std::strerror(errno)) + ")",
                "the machine is out of file descriptors or processes; try again");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return fail("cannot start the spreadsheet reader (" + std::string(std::strerror(err)) + ")",
                "the machine is out of memory or processes; try again");
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], read, memory_cap);
  }
  ::close(fds[1]);
  ChildOutcome outcome = collect(pid, fds[0], options.timeout);
  ::close(fds[0]);

  if (outcome.timed_out) {
    return fail(
        "reading the spreadsheet took longer than " + seconds(options.timeout) + " and was stopped",
        "the file is too large or damaged: remove unused sheets and rows, save it again "
        "and reload");
  }
  if (WIFSIGNALED(outcome.status)) {
    return fail("the spreadsheet reader crashed on this file (" +
                    signal_name(WTERMSIG(outcome.status)) + ")",
                kDamagedFix);
  }
  std::optional<ReadResult> decoded = decode_read_result(outcome.output);
  if (!decoded || !WIFEXITED(outcome.status) || WEXITSTATUS(outcome.status) != 0) {
    return fail("the spreadsheet reader stopped without an answer (exit status " +
                    std::to_string(WIFEXITED(outcome.status) ? WEXITSTATUS(outcome.status) : -1) +
                    ")",
                kDamagedFix);
  }
  return std::move(*decoded);
}

}  // namespace

}  // namespace corebot::content
