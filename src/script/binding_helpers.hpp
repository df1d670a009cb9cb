// What the binding files (bindings.cpp, bindings_store.cpp) share: raising Lua errors safely
// around C++ objects (guard), the checks every binding makes (a running handler, a permission,
// the caps), and argument conversions. Internal to src/script/.
#pragma once

#include <boost/json.hpp>
#include <lua.hpp>

#include <cstdio>
#include <regex>
#include <stdexcept>
#include <string>

#include "json_bridge.hpp"
#include "script.hpp"

namespace corebot::script {

// Adds store.* and users.find (bindings_store.cpp).
void open_store_bindings(lua_State* L);
// Adds timers.* and jobs.* (bindings_jobs.cpp).
void open_time_bindings(lua_State* L);

}  // namespace corebot::script

namespace corebot::script::detail {

inline constexpr const char* kCtxMeta = "corebot.ctx";

// The ctx userdata: the id of its event (Script::event).
struct CtxBox {
  std::uint64_t id;
};

// Runs `body`; an exception it throws becomes a Lua error after its objects were destroyed.
template <class F>
int guard(lua_State* L, F&& body) {
  char message[600] = {0};
  int results = 0;
  try {
    results = body();
  } catch (const std::exception& e) {
    std::snprintf(message, sizeof message, "%s", e.what());
  }
  if (message[0] != 0) return luaL_error(L, "%s", message);
  return results;
}

// The running event; raises outside a handler.
inline Event& need_event(lua_State* L, const char* what) {
  Event* ev = Script::current(L);
  if (!ev) {
    luaL_error(L, "%s can only be used inside a handler (not while the module loads)", what);
  }
  return *ev;
}

inline void need_permission(lua_State* L, const char* permission, const char* what) {
  if (!Script::of(L).manifest().permissions.count(permission)) {
    luaL_error(L, "%s needs the permission \"%s\": add it to permissions in module.toml", what,
               permission);
  }
}

inline void count_send(lua_State* L, Event& ev) {
  Script& s = Script::of(L);
  if (++ev.sends > s.sandbox().limits().send_calls) s.sandbox().abort(L, Abort::kSends);
}

inline Event& need_store(lua_State* L, const char* what) {
  need_permission(L, "store", what);
  Event& ev = need_event(L, what);
  Script& s = Script::of(L);
  if (++ev.store_calls > s.sandbox().limits().store_calls) s.sandbox().abort(L, Abort::kStoreCalls);
  return ev;
}

// The ctx at `index`, which must belong to the running event.
inline Event& check_ctx(lua_State* L, int index) {
  auto* box = static_cast<CtxBox*>(luaL_checkudata(L, index, kCtxMeta));
  Event* ev = Script::of(L).event(box->id);
  if (!ev || Script::current(L) != ev) {
    luaL_error(L,
               "this ctx belongs to an event that was already handled — use the ctx your "
               "handler was given, and keep data (not ctx) between events");
  }
  return *ev;
}

inline boost::json::object table_arg(lua_State* L, int index, const char* what) {
  if (lua_isnoneornil(L, index)) return {};
  if (!lua_istable(L, index)) throw std::runtime_error(std::string(what) + " must be a table");
  boost::json::value v = to_json(L, index, what);
  if (v.is_object()) return std::move(v.get_object());
  throw std::runtime_error(std::string(what) + " must be a table with names as keys, not a list");
}

inline Priority priority_arg(lua_State* L, int index) {
  const char* p = lua_isnoneornil(L, index) ? "interactive" : lua_tostring(L, index);
  const std::string name = p ? p : "";
  if (name == "interactive") return Priority::kInteractive;
  if (name == "admin") return Priority::kAdmin;
  if (name == "notification") return Priority::kNotification;
  if (name == "bulk") return Priority::kBulk;
  throw std::runtime_error("unknown priority '" + name +
                           "' — use interactive, admin, notification or bulk");
}

inline void check_collection(const std::string& name) {
  static const std::regex kName("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");
  if (!std::regex_match(name, kName)) {
    throw std::runtime_error("the collection name '" + name +
                             "' must be letters, digits, '_' and '-' (it is the module's own: "
                             "\"scores\" is stored as <module>.scores)");
  }
}

inline int push_call_result(lua_State* L, const CallResult& r) {
  lua_createtable(L, 0, 5);
  lua_pushboolean(L, r.ok);
  lua_setfield(L, -2, "ok");
  push_json(L, r.result);
  lua_setfield(L, -2, "result");
  lua_pushinteger(L, r.error_code);
  lua_setfield(L, -2, "error_code");
  lua_pushlstring(L, r.description.data(), r.description.size());
  lua_setfield(L, -2, "description");
  lua_pushboolean(L, r.blocked_by_user);
  lua_setfield(L, -2, "blocked_by_user");
  return 1;
}

// A Deliver that raises `message` in the waiting handler.
inline Deliver raise(std::string message) {
  return [message = std::move(message)](lua_State* L) -> int {
    return luaL_error(L, "%s", message.c_str());
  };
}

}  // namespace corebot::script::detail
