// Reading a spreadsheet in a child process, so a parser that crashes, aborts or hangs on a
// hostile file costs one failed reload instead of the whole bot.
//
// Why: liborcus (the XLSX/ODS parser) is built with assertions on in Debian, and some malformed
// XML trips one (found by fuzzing, kept in tests/fixtures/content/fuzz/known-crash/): in-process,
// that abort() would take the engine and every chat down with it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "content/reader/reader.hpp"

namespace corebot::content {

struct IsolationOptions {
  // The child is killed after this long and the read fails with a message saying so.
  std::chrono::milliseconds timeout{60000};
  // Address space the child may add to what the parent already maps; a parser that tries to
  // allocate more gets std::bad_alloc ("not enough memory"). Not applied under AddressSanitizer,
  // which reserves terabytes of address space up front. 0: no limit.
  size_t max_extra_memory = size_t{1} << 30;
};

// Runs read() in a forked child and returns its result. A child that dies by a signal, exits
// without an answer or runs out of time yields ReadResult::error naming source_name and what
// happened, with ReadResult::fix telling the owner what to do. read() runs in the child only:
// it may use what the caller captured (memory is copied), must not log (another thread may have
// held the log's lock at fork time) and its side effects do not reach the parent.
// Blocks until the child ends; call it off the event loop. Thread-safe.
ReadResult read_isolated(const std::function<ReadResult()>& read, std::string_view source_name,
                         const IsolationOptions& options = {});

// The wire format between child and parent, exposed for tests. decode_read_result() returns
// nullopt when the bytes are not a complete encoding.
std::string encode_read_result(const ReadResult& result);
std::optional<ReadResult> decode_read_result(std::string_view bytes);

}  // namespace corebot::content
