#include "sandbox.hpp"

#include <lua.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <stdexcept>

namespace corebot::script {

namespace {

// How many VM instructions run between two looks at the budget and the clock.
constexpr int kHookEvery = 1000;
// The registry keys of the sandbox's tables.
constexpr const char* kLoaded = "corebot.loaded";

const char* const kBinaryPrefix = LUA_SIGNATURE;  // "\x1bLua"

}  // namespace

Sandbox::Sandbox(std::string module, Limits limits, std::map<std::string, std::string> files,
                 Now now, Print print)
    : module_(std::move(module)),
      limits_(limits),
      files_(std::move(files)),
      now_(std::move(now)),
      print_(std::move(print)) {
  HostScope host(*this);
  L_ = lua_newstate(&Sandbox::allocate, this);
  if (!L_) throw std::runtime_error("cannot create a Lua state: out of memory");
  lua_atpanic(L_, [](lua_State* L) -> int {
    // Only reached for an error outside any protected call: a bug of the engine's, not the
    // module's. There is no safe way on.
    std::fprintf(stderr, "corebot: unprotected Lua error: %s\n", lua_tostring(L, -1));
    std::abort();
  });
  open_libraries();
}

Sandbox::~Sandbox() {
  if (!L_) return;
  // Whatever Lua code still runs while closing (a to-be-closed variable) stops at once.
  abort_ = Abort::kClosing;
  lua_sethook(L_, &Sandbox::hook, LUA_MASKCOUNT, 1);
  lua_close(L_);
}

Sandbox& Sandbox::of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<Sandbox*>(ud);
}

void* Sandbox::allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto& s = *static_cast<Sandbox*>(ud);
  const std::size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    s.used_bytes_ -= old;
    return nullptr;
  }
  if (nsize > old && s.host_depth_ == 0 && s.used_bytes_ - old + nsize > s.limits_.memory_bytes) {
    // Lua answers a refusal with an emergency collection and asks once more; a second refusal
    // of the same request means the module really holds too much. A request larger than the
    // whole cap can never fit (lauxlib's buffers, string.rep, do not ask twice).
    const bool again = s.refused_once_ && s.refused_ptr_ == ptr && s.refused_size_ == nsize;
    if (again || nsize > s.limits_.memory_bytes) {
      s.refused_once_ = false;
      if (s.abort_ == Abort::kNone) s.abort_ = Abort::kMemory;
    } else {
      s.refused_once_ = true;
      s.refused_ptr_ = ptr;
      s.refused_size_ = nsize;
    }
    return nullptr;
  }
  void* out = std::realloc(ptr, nsize);
  if (!out) return nullptr;
  // The emergency collection between a refusal and the retry only frees and shrinks.
  if (nsize > old) s.refused_once_ = false;
  s.used_bytes_ = s.used_bytes_ - old + nsize;
  return out;
}

void Sandbox::hook(lua_State* L, lua_Debug* ar) {
  (void)ar;
  Sandbox& s = of(L);
  if (s.abort_ == Abort::kNone) {
    s.used_ += kHookEvery;
    if (s.used_ > s.limits_.instructions) {
      s.abort_ = Abort::kInstructions;
    } else if (s.now_() > s.deadline_) {
      s.abort_ = Abort::kDeadline;
    }
  }
  if (s.abort_ != Abort::kNone) s.abort(L, s.abort_);
}

void Sandbox::begin_slice(lua_State* T, std::int64_t used) {
  used_ = used;
  abort_ = Abort::kNone;
  refused_once_ = false;
  deadline_ = now_() + limits_.deadline;
  lua_sethook(T, &Sandbox::hook, LUA_MASKCOUNT, kHookEvery);
}

void Sandbox::abort(lua_State* T, Abort why) {
  abort_ = why;
  // From now on every instruction raises again, so no handler of the module's gets to run long.
  lua_sethook(T, &Sandbox::hook, LUA_MASKCOUNT, 1);
  luaL_where(T, 1);
  lua_pushstring(T, abort_message(why).c_str());
  lua_concat(T, 2);
  lua_error(T);
  std::abort();  // lua_error does not return
}

std::string Sandbox::abort_message(Abort why) const {
  switch (why) {
    case Abort::kNone:
      return "";
    case Abort::kInstructions:
      return "stopped: the call ran more than " + std::to_string(limits_.instructions) +
             " instructions (an endless loop?) — do less work per event";
    case Abort::kDeadline:
      return "stopped: the call ran longer than " + std::to_string(limits_.deadline.count()) +
             " ms without waiting — do less work per event";
    case Abort::kMemory:
      return "stopped: the module reached its memory cap of " +
             std::to_string(limits_.memory_bytes >> 10) + " KiB — keep less data in memory";
    case Abort::kSends:
      return "stopped: more than " + std::to_string(limits_.send_calls) +
             " sends in one handler — send fewer messages per event";
    case Abort::kStoreCalls:
      return "stopped: more than " + std::to_string(limits_.store_calls) +
             " store calls in one handler — ask the store for more at once";
    case Abort::kClosing:
      return "stopped: the module is being unloaded";
  }
  return "stopped";
}

std::string Sandbox::error_text(lua_State* T) {
  switch (lua_type(T, -1)) {
    case LUA_TSTRING: {
      std::size_t n = 0;
      const char* s = lua_tolstring(T, -1, &n);
      return std::string(s, n);
    }
    case LUA_TNUMBER:
      return lua_isinteger(T, -1) ? std::to_string(lua_tointeger(T, -1))
                                  : std::to_string(lua_tonumber(T, -1));
    default:
      return std::string("(an error object of type ") + luaL_typename(T, -1) + ")";
  }
}

std::string Sandbox::with_traceback(lua_State* T, const std::string& message) {
  HostScope host(*this);
  luaL_traceback(L_, T, message.c_str(), 0);
  std::string out = lua_tostring(L_, -1);
  lua_pop(L_, 1);
  return out;
}

std::string Sandbox::run_file(const std::string& path, int* ref) {
  auto it = files_.find(path);
  if (it == files_.end()) return "the module has no file " + path;
  begin_slice(L_, 0);
  const std::string chunkname = "@" + path;
  int status = luaL_loadbufferx(L_, it->second.data(), it->second.size(), chunkname.c_str(), "t");
  if (status == LUA_OK) status = ::lua_pcall(L_, 0, 1, 0);
  if (status != LUA_OK) {
    std::string message = abort_ != Abort::kNone ? abort_message(abort_) : error_text(L_);
    if (abort_ != Abort::kNone && lua_type(L_, -1) == LUA_TSTRING) message = error_text(L_);
    lua_pop(L_, 1);
    return message;
  }
  HostScope host(*this);
  *ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  return "";
}

// --- the library -----------------------------------------------------------------------------

void Sandbox::open_libraries() {
  luaL_requiref(L_, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L_, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L_, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L_, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L_, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_pop(L_, 5);
  // package.loaded lists the libraries; it is not reachable from Lua (no package, no debug).
  lua_pushglobaltable(L_);
  for (const char* name : {"dofile", "loadfile", "warn", "require"}) {
    lua_pushnil(L_);
    lua_setfield(L_, -2, name);
  }
  const luaL_Reg replaced[] = {{"require", &Sandbox::l_require},
                               {"load", &Sandbox::l_load},
                               {"pcall", &Sandbox::l_pcall},
                               {"xpcall", &Sandbox::l_xpcall},
                               {"print", &Sandbox::l_print},
                               {"setmetatable", &Sandbox::l_setmetatable},
                               {"collectgarbage", &Sandbox::l_collectgarbage},
                               {nullptr, nullptr}};
  luaL_setfuncs(L_, replaced, 0);
  // No bytecode: string.dump is gone (and with it the way to make it).
  lua_getfield(L_, -1, "string");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "dump");
  lua_pop(L_, 1);
  lua_pop(L_, 1);
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kLoaded);
  // Strict globals (see lua_undefined_global).
  lua_pushglobaltable(L_);
  lua_newtable(L_);
  lua_pushcfunction(L_, &Sandbox::l_undefined_global);
  lua_setfield(L_, -2, "__index");
  ::lua_setmetatable(L_, -2);
  lua_pop(L_, 1);
  lua_sethook(L_, &Sandbox::hook, LUA_MASKCOUNT, kHookEvery);
}

// Reading a global nobody set is an error, so a name from another module (whose globals live
// in another state) or a typo says so instead of being nil.
int Sandbox::l_undefined_global(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L,
                    "the global '%s' is not defined in module %s (each module has only its own "
                    "globals: define it, or use 'rawget(_G, name)' to test for it)",
                    name ? name : "?", of(L).module_.c_str());
}

namespace {

// Whether `name` is letters, digits and '_' separated by single dots.
bool valid_module_name(const char* name) {
  static const std::regex kName("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  return std::strlen(name) < 200 && std::regex_match(name, kName);
}

}  // namespace

// @lua require(name) -> value
// Loads `name` from the module's own folder ("questions" is questions.lua, "lib.util" is
// lib/util.lua) once and returns what it returned. Nothing outside the folder can be required.
int Sandbox::l_require(lua_State* L) {
  // Raises only with no C++ object alive in this frame: Lua errors unwind with longjmp.
  Sandbox& s = of(L);
  const char* name = luaL_checkstring(L, 1);
  if (!valid_module_name(name)) {
    return luaL_error(L,
                      "require('%s'): a module name is letters, digits and '_' separated by dots "
                      "(\"lib.util\" for lib/util.lua in the module's folder)",
                      name);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, kLoaded);
  lua_getfield(L, -1, name);
  if (lua_toboolean(L, -1)) {
    if (lua_islightuserdata(L, -1)) {
      return luaL_error(L, "require('%s'): it requires itself (a loop of requires)", name);
    }
    return 1;
  }
  lua_pop(L, 1);
  char path[256];
  std::snprintf(path, sizeof path, "%s.lua", name);
  for (char* c = path; *c != '\0'; ++c) {
    if (*c == '.' && std::strcmp(c, ".lua") != 0) *c = '/';
  }
  const auto it = s.files_.find(path);
  if (it == s.files_.end()) {
    return luaL_error(L, "require('%s'): the module's folder has no %s", name, path);
  }
  lua_pushlightuserdata(L, &s);  // "loading": a require loop finds it
  lua_setfield(L, -2, name);
  char chunkname[260];
  std::snprintf(chunkname, sizeof chunkname, "@%s", path);
  if (luaL_loadbufferx(L, it->second.data(), it->second.size(), chunkname, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_setfield(L, -3, name);
    return lua_error(L);
  }
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name);
  return 1;
}

// @lua load(text [, chunkname]) -> function | nil, error
// Compiles Lua source text in the module's globals. Bytecode is refused, and so is any mode but
// "t" and a reader function.
int Sandbox::l_load(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING) {
    return luaL_error(L, "load: give it Lua source text (a string); reader functions are refused");
  }
  std::size_t n = 0;
  const char* text = lua_tolstring(L, 1, &n);
  const char* mode = luaL_optstring(L, 3, "t");
  if (std::strcmp(mode, "t") != 0 ||
      (n >= std::strlen(kBinaryPrefix) &&
       std::memcmp(text, kBinaryPrefix, std::strlen(kBinaryPrefix)) == 0)) {
    return luaL_error(L, "load: bytecode is refused in modules — load Lua source text only");
  }
  if (!lua_isnoneornil(L, 4)) {
    return luaL_error(L, "load: a chunk runs in the module's own globals; an env is refused");
  }
  const char* chunkname = luaL_optstring(L, 2, "=(load)");
  if (luaL_loadbufferx(L, text, n, chunkname, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  return 1;
}

namespace {

// pcall/xpcall's continuation: a stopped call's error goes on up instead of being caught.
int finish_pcall(lua_State* L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    if (Sandbox::of(L).aborted() != Abort::kNone) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - static_cast<int>(extra);
}

// xpcall's message handler runs the module's only while the call was not stopped.
int guarded_handler(lua_State* L) {
  if (Sandbox::of(L).aborted() != Abort::kNone) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

}  // namespace

// @lua pcall(f, ...) -> ok, ...
// Lua's pcall, except that a sandbox limit (instructions, time, memory, sends, store calls) is
// not caught: the handler stops.
int Sandbox::l_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
  return finish_pcall(L, status, 0);
}

// @lua xpcall(f, handler, ...) -> ok, ...
// Lua's xpcall, with pcall's exception: a sandbox limit is not caught, and `handler` does not run
// for it.
int Sandbox::l_xpcall(lua_State* L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

// @lua print(...)
// Writes its arguments (tostring'ed, tab-separated) to the engine's log at info level, with the
// module's name.
int Sandbox::l_print(lua_State* L) {
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; ++i) {
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
    if (i < n) luaL_addchar(&b, '\t');
  }
  luaL_pushresult(&b);
  of(L).print_(lua_tostring(L, -1));
  return 0;
}

// @lua setmetatable(t, mt) -> t
// Lua's setmetatable; a metatable with __gc is refused (finalizers would run outside any
// handler's limits).
int Sandbox::l_setmetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_istable(L, 2)) {
    lua_pushstring(L, "__gc");
    lua_rawget(L, 2);
    const bool gc = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (gc) return luaL_error(L, "setmetatable: __gc is not available in modules");
  } else if (!lua_isnil(L, 2)) {
    return luaL_typeerror(L, 2, "nil or table");
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  lua_settop(L, 2);
  ::lua_setmetatable(L, 1);
  return 1;
}

// @lua collectgarbage([opt]) -> number
// Only "count" (the module's memory in KiB) and "collect" (a full collection; returns 0).
int Sandbox::l_collectgarbage(lua_State* L) {
  const char* opt = luaL_optstring(L, 1, "collect");
  if (std::strcmp(opt, "count") == 0) {
    lua_pushnumber(L, static_cast<lua_Number>(of(L).used_bytes_) / 1024.0);
    return 1;
  }
  if (std::strcmp(opt, "collect") == 0) {
    lua_gc(L, LUA_GCCOLLECT);
    lua_pushinteger(L, 0);
    return 1;
  }
  return luaL_error(L, "collectgarbage('%s') is not available in modules (only count, collect)",
                    opt);
}

}  // namespace corebot::script
