// Lua values <-> JSON (Boost.JSON), for what crosses between a module and the engine: store
// documents, Bot API parameters and results, the session. Tables with keys 1..n are arrays, other
// tables objects with string keys (an empty table is an object); integers stay integers; JSON
// null is nil. Functions, userdata, cycles and nesting deeper than kMaxDepth are refused.
#pragma once

#include <boost/json/value.hpp>

struct lua_State;

namespace corebot::script {

inline constexpr int kMaxDepth = 64;

// Pushes `value` onto L's stack. Raises a Lua error when too deep.
void push_json(lua_State* L, const boost::json::value& value, int depth = 0);
// The value at `index` as JSON. Throws std::runtime_error (naming `what`) for what JSON cannot
// hold; never raises a Lua error, so C++ objects on the way are destroyed.
boost::json::value to_json(lua_State* L, int index, const char* what, int depth = 0);

}  // namespace corebot::script
