// libFuzzer target: the ODS reader must turn any input into a workbook or a clear error.
// Built only with -DCOREBOT_FUZZ=ON and clang (see src/content/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "content/reader/reader.hpp"
#include "content/snapshot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace corebot::content;
  ReadLimits limits;
  limits.max_cells = 20'000;  // keep each run fast
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadResult r = read_workbook_bytes(bytes, Format::kOds, "fuzz.ods", limits);
  if (r.ok()) {
    (void)compile_snapshot(std::move(*r.workbook));  // validation must cope with anything read
  } else if (r.error.rfind("fuzz.ods: ", 0) != 0) {
    std::abort();  // every error names the file
  }
  return 0;
}
