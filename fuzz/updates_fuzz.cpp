// libFuzzer target: the input is a script of plausible updates with mutated fields, button
// presses on what the bot sent, payments, clock moves and Bot API failures (update_script.cpp),
// each posted through the webhook to the fuzz bot (fuzz_bot.hpp).
//   scripts/fuzz.sh [seconds]
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_bot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return corebot::fuzz::updates_one(data, size);
}
