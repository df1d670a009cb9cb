// The module API as Lua sees it: ctx (one update), bot (Telegram through the outbox), store (the
// module's collections), settings, log. Each binding's doc is the "// @lua" comment above it:
// tools/lua_api_doc.py turns them into docs/modules.md's reference, and fails (a test) when a
// binding has none.
//
// Lua errors unwind with longjmp, so a binding raises only when no C++ object is alive in its
// frame: C++ work runs inside guard(), whose exceptions become Lua errors once it returned.
#include <boost/json.hpp>
#include <lua.hpp>

#include <cstdio>
#include <cstring>
#include <regex>
#include <set>

#include "binding_helpers.hpp"
#include "corebot/content.hpp"
#include "corebot/users.hpp"
#include "json_bridge.hpp"
#include "script.hpp"

namespace corebot::script {

namespace {

using namespace detail;

// --- ctx -------------------------------------------------------------------------------------

// @lua ctx fields
// `ctx.kind` ("message", "callback_query", ...), `ctx.text` (message text or caption),
// `ctx.command` ("quiz" for "/quiz 3"), `ctx.args` ("3"), `ctx.callback_data`, `ctx.message_id`
// (the message a pressed button is on), `ctx.chat_id`, `ctx.user_id` (integers, nil when the
// update has none), `ctx.username`, `ctx.language` (the user's language), `ctx.is_admin`,
// `ctx.role` ("owner", "admin", "operator" or "none": check it again before acting on an admin
// panel button, since callback data can be forged),
// `ctx.update` (the raw update as a table), `ctx.module` (the module's name) and `ctx.session`:
// a table kept per (chat, user) across updates and restarts, saved when the handler ends without
// an error. A ctx is valid only while its handler runs.
int ctx_index(lua_State* L) {
  const char* key = luaL_checkstring(L, 2);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;  // a method
  lua_pop(L, 1);
  Event& ev = check_ctx(L, 1);
  Context& c = *ev.ctx;
  auto push_sv = [L](std::string_view s) { lua_pushlstring(L, s.data(), s.size()); };
  auto push_id = [L](std::optional<std::int64_t> v) {
    if (v) {
      lua_pushinteger(L, *v);
    } else {
      lua_pushnil(L);
    }
  };
  const std::string_view k = key;
  if (k == "kind") return push_sv(c.kind()), 1;
  if (k == "text") return push_sv(c.text()), 1;
  if (k == "command") return push_sv(c.command()), 1;
  if (k == "args") return push_sv(c.command_args()), 1;
  if (k == "callback_data") return push_sv(c.callback_data()), 1;
  if (k == "username") return push_sv(c.username()), 1;
  if (k == "message_id") return lua_pushinteger(L, c.callback_message_id()), 1;
  if (k == "chat_id") return push_id(c.chat_id()), 1;
  if (k == "user_id") return push_id(c.user_id()), 1;
  if (k == "is_admin") return lua_pushboolean(L, c.is_admin()), 1;
  if (k == "role") return push_sv(role_name(c.role())), 1;
  if (k == "language") return push_sv(c.language()), 1;
  if (k == "module") return push_sv(Script::of(L).manifest().info.name), 1;
  if (k == "update") return push_json(L, c.update()), 1;
  if (k == "session") return lua_getiuservalue(L, 1, 1), 1;
  return luaL_error(L, "ctx has no field '%s' (docs/modules.md lists them)", key);
}

// @lua ctx:reply(text [, extra])
// Sends `text` to the update's chat at interactive priority; `extra` adds sendMessage parameters
// ({reply_markup = {...}, parse_mode = "HTML"}). Does not wait. Counts as a send.
int ctx_reply(lua_State* L) {
  Event& ev = check_ctx(L, 1);
  luaL_checkstring(L, 2);
  if (!ev.ctx->chat_id()) return luaL_error(L, "ctx:reply: this update has no chat to reply to");
  count_send(L, ev);
  return guard(L, [&] {
    ev.ctx->reply(lua_tostring(L, 2), table_arg(L, 3, "ctx:reply extra"));
    return 0;
  });
}

// @lua ctx:edit(message_id, text [, extra])
// Edits a message of the update's chat (editMessageText) at interactive priority. Does not wait.
// Counts as a send.
int ctx_edit(lua_State* L) {
  Event& ev = check_ctx(L, 1);
  const lua_Integer id = luaL_checkinteger(L, 2);
  luaL_checkstring(L, 3);
  if (!ev.ctx->chat_id()) return luaL_error(L, "ctx:edit: this update has no chat");
  count_send(L, ev);
  return guard(L, [&] {
    ev.ctx->edit_text(id, lua_tostring(L, 3), table_arg(L, 4, "ctx:edit extra"));
    return 0;
  });
}

// @lua ctx:answer([text [, show_alert]])
// Answers the pressed button (stops its spinner), with an optional notice. Only the first answer
// of an update is sent. Counts as a send.
int ctx_answer(lua_State* L) {
  Event& ev = check_ctx(L, 1);
  const char* text = luaL_optstring(L, 2, "");
  const bool alert = lua_toboolean(L, 3) != 0;
  count_send(L, ev);
  return guard(L, [&] {
    ev.ctx->answer_callback(text, alert);
    return 0;
  });
}

// @lua ctx:tr(key, fallback) -> string
// The Texts sheet's entry `key` in the user's language, else `fallback`: how the owner rewords
// the module.
int ctx_tr(lua_State* L) {
  Event& ev = check_ctx(L, 1);
  const char* key = luaL_checkstring(L, 2);
  const char* fallback = luaL_checkstring(L, 3);
  return guard(L, [&] {
    const std::string text = ev.ctx->text(key, fallback);
    lua_pushlstring(L, text.data(), text.size());
    return 1;
  });
}

// @lua ctx:rows(sheet) -> {row, ...}
// The rows of a sheet the module declared in module.toml ([[sheets]]), each a table column ->
// value (empty cells absent) plus `_row` (its row number). Empty without a spreadsheet.
int ctx_rows(lua_State* L) {
  Event& ev = check_ctx(L, 1);
  const char* sheet = luaL_checkstring(L, 2);
  bool declared = false;
  for (const auto& s : Script::of(L).manifest().info.sheets) declared = declared || s.name == sheet;
  if (!declared) {
    return luaL_error(L, "ctx:rows('%s'): module.toml declares no such sheet — add [[sheets]]",
                      sheet);
  }
  const Content* content = ev.ctx->content();
  if (!content) return lua_newtable(L), 1;
  const auto& rows = content->rows(sheet);
  lua_createtable(L, static_cast<int>(rows.size()), 0);
  lua_Integer i = 1;
  for (const auto& row : rows) {
    lua_createtable(L, 0, static_cast<int>(row.values.size()) + 1);
    for (const auto& [column, value] : row.values) {
      lua_pushlstring(L, value.data(), value.size());
      lua_setfield(L, -2, column.c_str());
    }
    lua_pushinteger(L, row.row);
    lua_setfield(L, -2, "_row");
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

// @lua ctx:call(method, params) -> result
// Calls any Bot API method at interactive priority and waits for the outcome:
// {ok, result, error_code, description, blocked_by_user}. Needs the permission "send". Counts as
// a send.
int ctx_call(lua_State* L) {
  Event& ev = check_ctx(L, 1);
  need_permission(L, "send", "ctx:call");
  luaL_checkstring(L, 2);
  count_send(L, ev);
  guard(L, [&] {
    ApiCall call{lua_tostring(L, 2), table_arg(L, 3, "ctx:call params"), {}};
    ev.start = [&services = Script::of(L).services(),
                call = std::move(call)](std::function<void(Deliver)> complete) mutable {
      services.sender().call(std::move(call), Priority::kInteractive,
                             [complete](const CallResult& r) {
                               complete([r](lua_State* L2) { return push_call_result(L2, r); });
                             });
    };
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// --- bot -------------------------------------------------------------------------------------

// The files of a call: a list of {field, filename, content_type, data} (data: the bytes, a Lua
// string), sent as multipart/form-data.
std::vector<Upload> files_arg(lua_State* L, int index) {
  std::vector<Upload> out;
  if (lua_isnoneornil(L, index)) return out;
  if (!lua_istable(L, index)) throw std::runtime_error("files must be a list of tables");
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    Upload u;
    auto text = [&](const char* key, std::string& to, bool required) {
      lua_pushstring(L, key);
      lua_rawget(L, -2);  // raw: no metamethod runs inside the C++ frames
      std::size_t len = 0;
      const char* v = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : nullptr;
      if (v) to.assign(v, len);
      lua_pop(L, 1);
      if (!v && required) {
        lua_pop(L, 1);
        throw std::runtime_error(std::string("files[") + std::to_string(i) + "]." + key +
                                 " must be a string");
      }
    };
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      throw std::runtime_error("files[" + std::to_string(i) + "] must be a table");
    }
    text("field", u.field, true);
    text("filename", u.filename, false);
    text("content_type", u.content_type, false);
    text("data", u.data, true);
    lua_pop(L, 1);
    out.push_back(std::move(u));
  }
  return out;
}

int bot_send_impl(lua_State* L, bool wait, const char* what) {
  need_permission(L, "send", what);
  Event& ev = need_event(L, what);
  luaL_checkstring(L, 1);
  count_send(L, ev);
  guard(L, [&] {
    ApiCall call{lua_tostring(L, 1), table_arg(L, 2, what), files_arg(L, 4)};
    const Priority priority = priority_arg(L, 3);
    ModuleServices& services = Script::of(L).services();
    if (!wait) {
      services.sender().call(std::move(call), priority, {});
      return 0;
    }
    ev.start = [&services, priority,
                call = std::move(call)](std::function<void(Deliver)> complete) mutable {
      services.sender().call(std::move(call), priority, [complete](const CallResult& r) {
        complete([r](lua_State* L2) { return push_call_result(L2, r); });
      });
    };
    return 0;
  });
  if (!wait) return 0;
  return Script::of(L).await(L, ev);
}

// @lua bot.call(method, params [, priority [, files]]) -> result
// Calls a Bot API method through the outbox and waits for the outcome: {ok, result, error_code,
// description, blocked_by_user}. `priority`: "interactive" (default), "admin", "notification",
// "bulk". `files` uploads as multipart/form-data: {{field = "document", filename = "top.csv",
// content_type = "text/csv", data = csv_text}} (a JSON parameter refers to one as
// "attach://<field>"). Needs the permission "send"; inside a handler only. Counts as a send.
int bot_call(lua_State* L) { return bot_send_impl(L, true, "bot.call"); }

// @lua bot.send(method, params [, priority [, files]])
// bot.call without waiting for the outcome.
int bot_send(lua_State* L) { return bot_send_impl(L, false, "bot.send"); }

// @lua bot.notify_admins(text) -> integer
// Sends `text` to each of the bot's admins (the Admins sheet's rows of role admin or owner, and
// the admins bound by @username) at admin priority, without waiting; returns how many it wrote
// to. Needs the permission "send"; inside a handler (or a job, a timer) only. Counts as one send.
int bot_notify_admins(lua_State* L) {
  need_permission(L, "send", "bot.notify_admins");
  Event& ev = need_event(L, "bot.notify_admins");
  luaL_checkstring(L, 1);
  count_send(L, ev);
  return guard(L, [&] {
    ModuleServices& services = Script::of(L).services();
    std::set<std::int64_t> to;
    std::set<std::string> usernames;  // admins given as @username, bound once they wrote
    if (auto content = services.content()) {
      for (const auto& admin : content->admins()) {
        if (admin.role < Role::kAdmin) continue;
        if (admin.user_id != 0) to.insert(admin.user_id);
        if (!admin.username.empty()) usernames.insert(admin.username);
      }
    }
    for (const auto& bound : services.admin().bindings()) {
      if (bound.user_id != 0 && usernames.count(bound.username)) to.insert(bound.user_id);
    }
    const std::string text = lua_tostring(L, 1);
    for (std::int64_t id : to) {
      services.sender().call("sendMessage", {{"chat_id", id}, {"text", text}}, Priority::kAdmin);
    }
    lua_pushinteger(L, static_cast<lua_Integer>(to.size()));
    return 1;
  });
}

// @lua bot.module
// The module's name, as module.toml gives it (a string).

// @lua bot.now() -> integer
// Wall-clock time in Unix milliseconds (the engine's clock: tests move it).
int bot_now(lua_State* L) {
  const auto wall = Script::of(L).services().clock().wall();
  lua_pushinteger(
      L, std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count());
  return 1;
}

// --- settings, log ---------------------------------------------------------------------------

// @lua settings.get(key) -> string | nil
// The value of a setting module.toml declares ([[settings]]): the Settings sheet's, else
// [modules.<name>] in the config, else the declared default; nil when none.
int settings_get(lua_State* L) {
  const char* key = luaL_checkstring(L, 1);
  Script& s = Script::of(L);
  bool declared = false;
  for (const auto& d : s.manifest().info.settings) declared = declared || d.key == key;
  if (!declared) {
    return luaL_error(L,
                      "settings.get('%s'): module.toml declares no such setting — add it to "
                      "[[settings]]",
                      key);
  }
  return guard(L, [&] {
    auto v = s.services().settings().get(key);
    if (v) {
      lua_pushlstring(L, v->data(), v->size());
    } else {
      lua_pushnil(L);
    }
    return 1;
  });
}

int log_at(lua_State* L, LogLevel level) {
  const char* message = luaL_checkstring(L, 1);
  return guard(L, [&] {
    Script::of(L).services().log(level, message);
    return 0;
  });
}

// @lua log.info(message)
// Writes to the engine's log with the module's name in front (also log.warn, log.error).
int log_info(lua_State* L) { return log_at(L, LogLevel::kInfo); }
// @lua log.warn(message)
// As log.info, at warning level.
int log_warn(lua_State* L) { return log_at(L, LogLevel::kWarn); }
// @lua log.error(message)
// As log.info, at error level.
int log_error(lua_State* L) { return log_at(L, LogLevel::kError); }

void set_library(lua_State* L, const char* name, const luaL_Reg* functions) {
  lua_newtable(L);
  luaL_setfuncs(L, functions, 0);
  lua_setglobal(L, name);
}

}  // namespace

void push_ctx(lua_State* L, Event& ev) {
  auto* box = static_cast<CtxBox*>(lua_newuserdatauv(L, sizeof(CtxBox), 1));
  box->id = ev.id;
  luaL_setmetatable(L, kCtxMeta);
  const auto& session = ev.ctx->session();
  const auto* mine = session.if_contains(Script::of(L).manifest().info.name);
  if (mine && mine->is_object()) {
    push_json(L, *mine);
  } else {
    lua_newtable(L);
  }
  lua_setiuservalue(L, -2, 1);
}

void read_session(lua_State* L, int index, Event& ev) {
  lua_getiuservalue(L, index, 1);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    throw std::runtime_error("must stay a table");
  }
  ev.session = to_json(L, -1, "ctx.session");
  if (ev.session.is_array()) throw std::runtime_error("must be a table with names as keys");
  ev.has_session = true;
  lua_pop(L, 1);
}

void open_bindings(Script& script) {
  lua_State* L = script.sandbox().state();
  Sandbox::HostScope host(script.sandbox());
  static const luaL_Reg kCtxMethods[] = {
      {"reply", ctx_reply}, {"edit", ctx_edit}, {"answer", ctx_answer}, {"tr", ctx_tr},
      {"rows", ctx_rows},   {"call", ctx_call}, {nullptr, nullptr}};
  luaL_newmetatable(L, kCtxMeta);
  lua_newtable(L);
  luaL_setfuncs(L, kCtxMethods, 0);
  lua_pushcclosure(L, ctx_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, "ctx");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  static const luaL_Reg kBot[] = {{"call", bot_call},
                                  {"send", bot_send},
                                  {"now", bot_now},
                                  {"notify_admins", bot_notify_admins},
                                  {nullptr, nullptr}};
  set_library(L, "bot", kBot);
  lua_getglobal(L, "bot");
  lua_pushstring(L, script.manifest().info.name.c_str());
  lua_setfield(L, -2, "module");
  lua_pop(L, 1);
  open_store_bindings(L);
  open_time_bindings(L);
  static const luaL_Reg kSettings[] = {{"get", settings_get}, {nullptr, nullptr}};
  set_library(L, "settings", kSettings);
  static const luaL_Reg kLog[] = {
      {"info", log_info}, {"warn", log_warn}, {"error", log_error}, {nullptr, nullptr}};
  set_library(L, "log", kLog);
}

}  // namespace corebot::script
