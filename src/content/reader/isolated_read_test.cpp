// read_isolated(): a reader that crashes, hangs or runs out of memory in the child process must
// become a clear read error in the parent, and a good read must arrive exactly as read in-process.
#include "content/reader/isolated_read.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#ifndef COREBOT_CONTENT_FIXTURES
#error "COREBOT_CONTENT_FIXTURES must name tests/fixtures/content"
#endif

namespace corebot::content {
namespace {

using namespace std::chrono_literals;

std::string fixture(const std::string& name) {
  return std::string(COREBOT_CONTENT_FIXTURES) + "/" + name;
}

// Two workbooks are the same when their encodings are: every sheet, cell and merged range.
void expect_same(const ReadResult& a, const ReadResult& b) {
  ASSERT_TRUE(a.ok()) << a.error;
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(encode_read_result(a), encode_read_result(b));
}

TEST(IsolatedRead, GoodWorkbooksArriveAsReadInProcess) {
  for (const char* name : {"good.xlsx", "good.ods", "broken.xlsx"}) {
    SCOPED_TRACE(name);
    const ReadResult direct = read_workbook(fixture(name));
    const ReadResult isolated = read_isolated([&] { return read_workbook(fixture(name)); }, name);
    expect_same(direct, isolated);
    EXPECT_FALSE(isolated.workbook->sheets.front().rows().empty());
  }
}

TEST(IsolatedRead, KeepsMergedRangesAndEveryCellKind) {
  Workbook book;
  book.source = "mixed";
  Sheet sheet("Mixed");
  sheet.set({.row = 0, .col = 0, .kind = CellKind::kText, .text = "héllo\nworld", .number = 0});
  sheet.set({.row = 0, .col = 2, .kind = CellKind::kNumber, .text = "0.1", .number = 0.1});
  sheet.set({.row = 3, .col = 1, .kind = CellKind::kBoolean, .text = "TRUE", .number = 1});
  sheet.set({.row = 4, .col = 0, .kind = CellKind::kDateTime, .text = "2024-05-01", .number = 0});
  sheet.set({.row = 5, .col = 7, .kind = CellKind::kError, .text = "#DIV/0!", .number = 0});
  sheet.add_merged({.first_row = 0, .first_col = 0, .last_row = 1, .last_col = 1});
  sheet.finish();
  book.sheets.push_back(std::move(sheet));
  book.sheets.emplace_back("Empty");
  book.sheets.back().finish();
  book.warnings.push_back({"Mixed", "the file is not UTF-8", "save it as CSV UTF-8"});
  ReadResult original;
  original.workbook = book;

  const ReadResult copy = read_isolated([&] { return original; }, "mixed");
  expect_same(original, copy);
  EXPECT_EQ(copy.workbook->source, "mixed");
  EXPECT_EQ(copy.workbook->sheets[0].at(0, 2).number, 0.1);
  EXPECT_EQ(copy.workbook->sheets[0].merged().size(), 1u);
  ASSERT_EQ(copy.workbook->warnings.size(), 1u);
  EXPECT_EQ(copy.workbook->warnings[0].fix, "save it as CSV UTF-8");
}

TEST(IsolatedRead, FailuresKeepTheirMessageAndFix) {
  const ReadResult failed = read_isolated(
      [] {
        ReadResult r;
        r.error = "x.xlsx: not a valid XLSX file";
        r.fix = "save it again";
        return r;
      },
      "x.xlsx");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error, "x.xlsx: not a valid XLSX file");
  EXPECT_EQ(failed.fix, "save it again");
}

TEST(IsolatedRead, DecodingRefusesEveryTruncation) {
  ReadResult r = read_workbook(fixture("good.xlsx"));
  ASSERT_TRUE(r.ok()) << r.error;
  const std::string bytes = encode_read_result(r);
  ASSERT_TRUE(decode_read_result(bytes).has_value());
  // Step through the prefixes (all of the short ones, then a sample) and one byte too many.
  for (size_t n = 0; n < bytes.size(); n += n < 512 ? 1 : 97) {
    EXPECT_FALSE(decode_read_result(std::string_view(bytes).substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(decode_read_result(bytes + ".").has_value());
}

TEST(IsolatedRead, AReaderThatAbortsIsAnErrorNotACrash) {
  const ReadResult r = read_isolated([]() -> ReadResult { std::abort(); }, "bad.xlsx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "bad.xlsx: the spreadsheet reader crashed on this file (SIGABRT)");
  EXPECT_NE(r.fix.find("save it again"), std::string::npos) << r.fix;
}

TEST(IsolatedRead, AReaderThatHangsIsStopped) {
  IsolationOptions options;
  options.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const ReadResult r = read_isolated(
      []() -> ReadResult {
        for (;;) std::this_thread::sleep_for(1s);
      },
      "slow.ods", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "slow.ods: reading the spreadsheet took longer than 300 ms and was stopped");
  // Only an upper bound: the child must not outlive the deadline by much.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
}

TEST(IsolatedRead, AReaderThatThrowsSaysWhat) {
  const ReadResult r =
      read_isolated([]() -> ReadResult { throw std::runtime_error("boom"); }, "odd.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "cannot be read: boom");
}

TEST(IsolatedRead, AReaderThatWantsTooMuchMemoryGetsBadAlloc) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the address-space cap is off under AddressSanitizer";
#else
  IsolationOptions options;
  options.max_extra_memory = size_t{256} << 20;
  const ReadResult r = read_isolated(
      []() -> ReadResult {
        std::vector<char> huge(size_t{2} << 30, 'x');
        ReadResult never;
        never.error = std::to_string(huge.size());
        return never;
      },
      "huge.xlsx", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "not enough memory to read the file");
#endif
}

// The child must not reach what the engine holds open (the store, sockets) nor write files.
TEST(IsolatedRead, TheChildHoldsNoneOfTheParentsFilesAndWritesNone) {
  const int inherited = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC: fork alone keeps it
  ASSERT_GE(inherited, 0);
  const std::string scratch = ::testing::TempDir() + "isolated_read_write_probe";
  const ReadResult r = read_isolated(
      [&]() -> ReadResult {
        ReadResult out;
        const bool closed = ::fcntl(inherited, F_GETFD) == -1 && errno == EBADF;
        const int fd = ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const bool write_refused = fd >= 0 && ::write(fd, "x", 1) == -1 && errno == EFBIG;
        out.error =
            std::string(closed ? "closed" : "open") + "," + (write_refused ? "refused" : "written");
        return out;
      },
      "probe.xlsx");
  ::close(inherited);
  std::remove(scratch.c_str());
  EXPECT_EQ(r.error, "closed,refused");
}

// Inputs the fuzzers found that crash liborcus 0.17 itself (tests/fixtures/content/fuzz/README.md).
// In-process the ODS one aborts the whole engine on an assert(); here it is one clear error.
TEST(IsolatedRead, KnownParserCrashesBecomeErrors) {
  const ReadResult aborts = read_isolated(
      [&] { return read_workbook(fixture("fuzz/known-crash/odf-styles-assert.ods")); },
      "odf-styles-assert.ods");
  ASSERT_FALSE(aborts.ok());
  EXPECT_EQ(aborts.error,
            "odf-styles-assert.ods: the spreadsheet reader crashed on this file (SIGABRT)");
  // These read past a buffer or through a null pointer inside liborcus: an error either way
  // (a signal, AddressSanitizer's exit, or by luck a parse error), never a crash of the caller.
  for (const char* name : {"xlsx-sax-overread.xlsx", "ods-content-null-deref.ods"}) {
    const ReadResult r = read_isolated(
        [&] { return read_workbook(fixture(std::string("fuzz/known-crash/") + name)); }, name);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error.rfind(std::string(name) + ": ", 0), 0u) << r.error;
  }
}

}  // namespace
}  // namespace corebot::content
