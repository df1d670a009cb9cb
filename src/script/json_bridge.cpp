#include "json_bridge.hpp"

#include <boost/json.hpp>
#include <lua.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace corebot::script {

void push_json(lua_State* L, const boost::json::value& value, int depth) {
  if (depth > kMaxDepth || !lua_checkstack(L, 4)) {
    luaL_error(L, "a JSON value nested deeper than %d levels", kMaxDepth);
    return;
  }
  switch (value.kind()) {
    case boost::json::kind::null:
      lua_pushnil(L);
      return;
    case boost::json::kind::bool_:
      lua_pushboolean(L, value.get_bool());
      return;
    case boost::json::kind::int64:
      lua_pushinteger(L, value.get_int64());
      return;
    case boost::json::kind::uint64:
      lua_pushnumber(L, static_cast<lua_Number>(value.get_uint64()));
      return;
    case boost::json::kind::double_:
      lua_pushnumber(L, value.get_double());
      return;
    case boost::json::kind::string: {
      const auto& s = value.get_string();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case boost::json::kind::array: {
      const auto& a = value.get_array();
      lua_createtable(L, static_cast<int>(a.size()), 0);
      lua_Integer i = 1;
      for (const auto& v : a) {
        push_json(L, v, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      return;
    }
    case boost::json::kind::object: {
      const auto& o = value.get_object();
      lua_createtable(L, 0, static_cast<int>(o.size()));
      for (const auto& [k, v] : o) {
        lua_pushlstring(L, k.data(), k.size());
        push_json(L, v, depth + 1);
        lua_rawset(L, -3);
      }
      return;
    }
  }
}

namespace {

// Whether the table at `index` is an array: keys exactly 1..n, n > 0.
bool is_array(lua_State* L, int index, lua_Integer* n) {
  *n = static_cast<lua_Integer>(lua_rawlen(L, index));
  if (*n == 0) return false;
  lua_Integer count = 0;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1)) {
      lua_pop(L, 1);
      return false;
    }
    lua_Integer k = lua_tointeger(L, -1);
    if (k < 1 || k > *n) {
      lua_pop(L, 1);
      return false;
    }
    ++count;
  }
  return count == *n;
}

}  // namespace

boost::json::value to_json(lua_State* L, int index, const char* what, int depth) {
  index = lua_absindex(L, index);
  if (depth > kMaxDepth || !lua_checkstack(L, 4)) {
    throw std::runtime_error(std::string(what) + ": nested deeper than " +
                             std::to_string(kMaxDepth) +
                             " levels (or a table that contains itself)");
  }
  switch (lua_type(L, index)) {
    case LUA_TNIL:
    case LUA_TNONE:
      return nullptr;
    case LUA_TBOOLEAN:
      return lua_toboolean(L, index) != 0;
    case LUA_TNUMBER: {
      if (lua_isinteger(L, index)) return static_cast<std::int64_t>(lua_tointeger(L, index));
      const double d = lua_tonumber(L, index);
      if (!std::isfinite(d))
        throw std::runtime_error(std::string(what) + ": JSON has no NaN or infinity");
      return d;
    }
    case LUA_TSTRING: {
      std::size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      return boost::json::string(s, n);
    }
    case LUA_TTABLE: {
      lua_Integer n = 0;
      if (is_array(L, index, &n)) {
        boost::json::array out;
        out.reserve(static_cast<std::size_t>(n));
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, index, i);
          out.push_back(to_json(L, -1, what, depth + 1));
          lua_pop(L, 1);
        }
        return out;
      }
      boost::json::object out;
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING) {
          throw std::runtime_error(std::string(what) + ": a table with keys of type " +
                                   luaL_typename(L, -2) + " (JSON objects have string keys)");
        }
        std::size_t n2 = 0;
        const char* k = lua_tolstring(L, -2, &n2);
        out[boost::json::string_view(k, n2)] = to_json(L, -1, what, depth + 1);
        lua_pop(L, 1);
      }
      return out;
    }
    default:
      throw std::runtime_error(std::string(what) + ": a " + luaL_typename(L, index) +
                               " cannot be stored or sent (only nil, booleans, numbers, strings, "
                               "tables)");
  }
  return nullptr;
}

}  // namespace corebot::script
