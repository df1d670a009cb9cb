// libFuzzer target: the input is a webhook POST body (the secret and path right), run through
// the real body parsing, the dispatcher and the modules of the fuzz bot (fuzz_bot.hpp).
//   scripts/fuzz.sh [seconds]   (builds build-fuzz with clang, runs this and updates_fuzz)
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_bot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return corebot::fuzz::webhook_one(data, size);
}
