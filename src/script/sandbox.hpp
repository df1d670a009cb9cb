// One Lua state with the sandbox's rules (docs/modules.md, "The sandbox"): only the safe parts
// of base, string, table, math and utf8; `require` inside the module's own files; `load` for
// text only; a memory cap kept by the state's allocator; an instruction budget and a wall-clock
// deadline kept by a count hook. A limit that is hit "aborts" the running call: the hook keeps
// raising and the sandbox's pcall/xpcall re-raise, so Lua code cannot catch its way past it.
// Knows nothing of Telegram or the engine: bindings.cpp adds the module API on top.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "limits.hpp"

struct lua_State;
struct lua_Debug;

namespace corebot::script {

// Why the running call was stopped.
enum class Abort { kNone, kInstructions, kDeadline, kMemory, kSends, kStoreCalls, kClosing };

class Sandbox {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  using Print = std::function<void(const std::string&)>;

  // `files`: the module's Lua files by path relative to its folder ("main.lua", "lib/x.lua"),
  // read before: `require` never touches the disk. `now` is the clock of the deadline.
  Sandbox(std::string module, Limits limits, std::map<std::string, std::string> files, Now now,
          Print print);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  [[nodiscard]] lua_State* state() const { return L_; }
  [[nodiscard]] const std::string& module() const { return module_; }
  [[nodiscard]] const Limits& limits() const { return limits_; }
  static Sandbox& of(lua_State* L);

  // Runs the file `path` as the module's main chunk (within the limits) and keeps the value it
  // returns in the registry (`*ref`). Returns "" or the error, with the Lua traceback.
  std::string run_file(const std::string& path, int* ref);

  // The limits of one call: begin_call() before its first slice; begin_slice() before every
  // lua_resume/lua_pcall of it on thread `T` (`used`: the instructions of the call so far).
  void begin_slice(lua_State* T, std::int64_t used);
  [[nodiscard]] std::int64_t used() const { return used_; }
  [[nodiscard]] Abort aborted() const { return abort_; }
  // Stops the running call for `why` and raises the error in `T` (does not return).
  [[noreturn]] void abort(lua_State* T, Abort why);
  [[nodiscard]] std::string abort_message(Abort why) const;

  [[nodiscard]] std::size_t memory_used() const { return used_bytes_; }

  // The object the bindings hang on this state (script.hpp's Script).
  void* owner = nullptr;

  // While one lives, the allocator ignores the cap: for the engine's own bookkeeping in the state
  // (a coroutine for an event, a traceback) that must not fail halfway outside a protected call.
  class HostScope {
   public:
    explicit HostScope(Sandbox& s) : s_(s) { ++s_.host_depth_; }
    ~HostScope() { --s_.host_depth_; }
    HostScope(const HostScope&) = delete;
    HostScope& operator=(const HostScope&) = delete;

   private:
    Sandbox& s_;
  };

  // The error at the top of `T`'s stack as text (never runs Lua code: __tostring is not called).
  static std::string error_text(lua_State* T);
  // `message` with `T`'s Lua traceback.
  std::string with_traceback(lua_State* T, const std::string& message);

  // Lua C functions of the sandbox (static so the state can call them).
  static int l_require(lua_State* L);
  static int l_load(lua_State* L);
  static int l_pcall(lua_State* L);
  static int l_xpcall(lua_State* L);
  static int l_print(lua_State* L);
  static int l_setmetatable(lua_State* L);
  static int l_collectgarbage(lua_State* L);
  static int l_undefined_global(lua_State* L);

 private:
  static void* allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize);
  static void hook(lua_State* L, ::lua_Debug* ar);
  void open_libraries();

  std::string module_;
  Limits limits_;
  std::map<std::string, std::string> files_;
  Now now_;
  Print print_;
  std::size_t used_bytes_ = 0;
  int host_depth_ = 0;
  // The last request the allocator refused: Lua collects garbage and asks again once; refusing
  // the same request twice is a real out-of-memory, which aborts the call.
  void* refused_ptr_ = nullptr;
  std::size_t refused_size_ = 0;
  bool refused_once_ = false;
  std::int64_t used_ = 0;
  std::chrono::steady_clock::time_point deadline_{};
  Abort abort_ = Abort::kNone;
  lua_State* L_ = nullptr;
};

}  // namespace corebot::script
