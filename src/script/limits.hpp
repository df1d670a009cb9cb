// The limits one Lua module runs under (docs/modules.md, "The sandbox"). Each is enforced by the
// sandbox itself, not by the module's good will: a module cannot raise or catch its way past them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace corebot::script {

struct Limits {
  // Everything the module's Lua state holds (code, tables, strings, coroutines), in bytes.
  std::size_t memory_bytes = 32u << 20;
  // Lua VM instructions one call may run: one event handler (all its slices between waits
  // together), the module's main chunk at load, on_start, one job run, one timer call.
  std::int64_t instructions = 20'000'000;
  // Wall-clock time one slice of Lua code may run without waiting (the time a handler spends
  // waiting for the store or Telegram does not count).
  std::chrono::milliseconds deadline{1000};
  // Store calls (store.*) and sends (ctx:reply, bot.call, ...) one handler may make.
  int store_calls = 100;
  int send_calls = 20;
};

}  // namespace corebot::script
