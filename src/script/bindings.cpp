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

#include "corebot/content.hpp"
#include "corebot/users.hpp"
#include "json_bridge.hpp"
#include "script.hpp"

namespace corebot::script {

namespace {

constexpr const char* kCtxMeta = "corebot.ctx";

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
Event& need_event(lua_State* L, const char* what) {
  Event* ev = Script::current(L);
  if (!ev) {
    luaL_error(L, "%s can only be used inside a handler (not while the module loads)", what);
  }
  return *ev;
}

void need_permission(lua_State* L, const char* permission, const char* what) {
  if (!Script::of(L).manifest().permissions.count(permission)) {
    luaL_error(L, "%s needs the permission \"%s\": add it to permissions in module.toml", what,
               permission);
  }
}

void count_send(lua_State* L, Event& ev) {
  Script& s = Script::of(L);
  if (++ev.sends > s.sandbox().limits().send_calls) s.sandbox().abort(L, Abort::kSends);
}

Event& need_store(lua_State* L, const char* what) {
  need_permission(L, "store", what);
  Event& ev = need_event(L, what);
  Script& s = Script::of(L);
  if (++ev.store_calls > s.sandbox().limits().store_calls) s.sandbox().abort(L, Abort::kStoreCalls);
  return ev;
}

// The ctx at `index`, which must belong to the running event.
Event& check_ctx(lua_State* L, int index) {
  auto* box = static_cast<CtxBox*>(luaL_checkudata(L, index, kCtxMeta));
  Event* ev = Script::of(L).event(box->id);
  if (!ev || Script::current(L) != ev) {
    luaL_error(L,
               "this ctx belongs to an event that was already handled — use the ctx your "
               "handler was given, and keep data (not ctx) between events");
  }
  return *ev;
}

boost::json::object table_arg(lua_State* L, int index, const char* what) {
  if (lua_isnoneornil(L, index)) return {};
  if (!lua_istable(L, index)) throw std::runtime_error(std::string(what) + " must be a table");
  boost::json::value v = to_json(L, index, what);
  if (v.is_object()) return std::move(v.get_object());
  throw std::runtime_error(std::string(what) + " must be a table with names as keys, not a list");
}

Priority priority_arg(lua_State* L, int index) {
  const char* p = lua_isnoneornil(L, index) ? "interactive" : lua_tostring(L, index);
  const std::string name = p ? p : "";
  if (name == "interactive") return Priority::kInteractive;
  if (name == "admin") return Priority::kAdmin;
  if (name == "notification") return Priority::kNotification;
  if (name == "bulk") return Priority::kBulk;
  throw std::runtime_error("unknown priority '" + name +
                           "' — use interactive, admin, notification or bulk");
}

void check_collection(const std::string& name) {
  static const std::regex kName("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");
  if (!std::regex_match(name, kName)) {
    throw std::runtime_error("the collection name '" + name +
                             "' must be letters, digits, '_' and '-' (it is the module's own: "
                             "\"scores\" is stored as <module>.scores)");
  }
}

int push_call_result(lua_State* L, const CallResult& r) {
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
Deliver raise(std::string message) {
  return [message = std::move(message)](lua_State* L) -> int {
    return luaL_error(L, "%s", message.c_str());
  };
}

// --- ctx -------------------------------------------------------------------------------------

// @lua ctx fields
// `ctx.kind` ("message", "callback_query", ...), `ctx.text` (message text or caption),
// `ctx.command` ("quiz" for "/quiz 3"), `ctx.args` ("3"), `ctx.callback_data`, `ctx.message_id`
// (the message a pressed button is on), `ctx.chat_id`, `ctx.user_id` (integers, nil when the
// update has none), `ctx.username`, `ctx.language` (the user's language), `ctx.is_admin`,
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

// --- store -----------------------------------------------------------------------------------

// Prepares ev.start for store work `work(Collection&) -> R` and `push(L, R&)`.
template <class Work, class Push>
void start_store(lua_State* L, Event& ev, std::string collection, const char* what, Work work,
                 Push push) {
  check_collection(collection);
  ev.start = [&services = Script::of(L).services(), collection, what, work,
              push](std::function<void(Deliver)> complete) {
    services.store().run(
        [collection, work](ModuleCollections& c) { return work(c.collection(collection)); },
        [complete, push, what, collection](auto result) {
          if (!result.ok()) {
            complete(
                raise(std::string(what) + "('" + collection + "'): " + result.error().message()));
            return;
          }
          complete([push, value = std::move(result.value())](lua_State* L2) mutable {
            return push(L2, value);
          });
        });
  };
}

FindOptions find_options(lua_State* L, int index) {
  FindOptions o;
  boost::json::object opts = table_arg(L, index, "store options");
  for (const auto& [k, v] : opts) {
    if (k == "sort" && v.is_object()) {
      o.sort = v.get_object();
    } else if (k == "limit" && v.is_int64()) {
      o.limit = v.get_int64();
    } else if (k == "skip" && v.is_int64()) {
      o.skip = v.get_int64();
    } else if (k == "projection" && v.is_object()) {
      o.projection = v.get_object();
    } else {
      throw std::runtime_error("store options: unknown or wrong option '" + std::string(k) +
                               "' (sort = {field = 1 or -1}, limit, skip, projection)");
    }
  }
  return o;
}

// @lua store.find(collection, filter [, options]) -> {doc, ...}
// The module's documents matching `filter` (MongoDB's vocabulary: {score = {["$gt"] = 3}}), with
// options {sort = {score = -1}, limit = 10, skip = 0}. Waits for the store. Needs the permission
// "store"; inside a handler only. Counts as a store call.
int store_find(lua_State* L) {
  Event& ev = need_store(L, "store.find");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    auto filter = table_arg(L, 2, "store.find filter");
    auto options = find_options(L, 3);
    start_store(
        L, ev, lua_tostring(L, 1), "store.find",
        [filter, options](Collection& c) { return c.find(filter, options); },
        [](lua_State* L2, std::vector<boost::json::object>& docs) {
          lua_createtable(L2, static_cast<int>(docs.size()), 0);
          lua_Integer i = 1;
          for (const auto& d : docs) {
            push_json(L2, d);
            lua_rawseti(L2, -2, i++);
          }
          return 1;
        });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// @lua store.find_one(collection, filter [, options]) -> doc | nil
// The first document matching `filter`, or nil. As store.find.
int store_find_one(lua_State* L) {
  Event& ev = need_store(L, "store.find_one");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    auto filter = table_arg(L, 2, "store.find_one filter");
    auto options = find_options(L, 3);
    start_store(
        L, ev, lua_tostring(L, 1), "store.find_one",
        [filter, options](Collection& c) { return c.find_one(filter, options); },
        [](lua_State* L2, std::optional<boost::json::object>& doc) {
          if (doc) {
            push_json(L2, *doc);
          } else {
            lua_pushnil(L2);
          }
          return 1;
        });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// @lua store.insert(collection, doc) -> id
// Inserts `doc` and returns its `_id` (a new id when it has none). Waits; needs "store".
int store_insert(lua_State* L) {
  Event& ev = need_store(L, "store.insert");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    auto doc = table_arg(L, 2, "store.insert doc");
    start_store(
        L, ev, lua_tostring(L, 1), "store.insert",
        [doc](Collection& c) { return c.insert_one(doc); },
        [](lua_State* L2, boost::json::value& id) { return push_json(L2, id), 1; });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// @lua store.update(collection, filter, update [, options]) -> {matched, modified}
// Applies `update` (operators: {["$set"] = {...}, ["$inc"] = {score = 1}}) to the first match,
// or to all with options {many = true}; {upsert = true} inserts when none matches. Waits; needs
// "store".
int store_update(lua_State* L) {
  Event& ev = need_store(L, "store.update");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    auto filter = table_arg(L, 2, "store.update filter");
    auto update = table_arg(L, 3, "store.update update");
    auto opts = table_arg(L, 4, "store.update options");
    const bool many = opts.contains("many") && opts.at("many") == true;
    UpdateOptions options;
    options.upsert = opts.contains("upsert") && opts.at("upsert") == true;
    start_store(
        L, ev, lua_tostring(L, 1), "store.update",
        [filter, update, many, options](Collection& c) {
          return many ? c.update_many(filter, update, options)
                      : c.update_one(filter, update, options);
        },
        [](lua_State* L2, UpdateResult& r) {
          lua_createtable(L2, 0, 2);
          lua_pushinteger(L2, r.matched);
          lua_setfield(L2, -2, "matched");
          lua_pushinteger(L2, r.modified);
          lua_setfield(L2, -2, "modified");
          return 1;
        });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// @lua store.delete(collection, filter [, options]) -> count
// Deletes the first document matching `filter` (all with {many = true}); returns how many went.
// Waits; needs "store".
int store_delete(lua_State* L) {
  Event& ev = need_store(L, "store.delete");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    auto filter = table_arg(L, 2, "store.delete filter");
    auto opts = table_arg(L, 3, "store.delete options");
    const bool many = opts.contains("many") && opts.at("many") == true;
    start_store(
        L, ev, lua_tostring(L, 1), "store.delete",
        [filter, many](Collection& c) {
          return many ? c.delete_many(filter) : c.delete_one(filter);
        },
        [](lua_State* L2, std::int64_t& n) { return lua_pushinteger(L2, n), 1; });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// @lua store.count(collection, filter) -> integer
// How many documents match `filter`. Waits; needs "store".
int store_count(lua_State* L) {
  Event& ev = need_store(L, "store.count");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    auto filter = table_arg(L, 2, "store.count filter");
    start_store(
        L, ev, lua_tostring(L, 1), "store.count",
        [filter](Collection& c) { return c.count(filter); },
        [](lua_State* L2, std::int64_t& n) { return lua_pushinteger(L2, n), 1; });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// --- users ---------------------------------------------------------------------------------

int push_user(lua_State* L, const std::optional<UserRecord>& user) {
  if (!user) return lua_pushnil(L), 1;
  lua_createtable(L, 0, 10);
  lua_pushinteger(L, user->id);
  lua_setfield(L, -2, "id");
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"first_name", &user->first_name},
        {"last_name", &user->last_name},
        {"username", &user->username},
        {"language_code", &user->language_code}}) {
    lua_pushlstring(L, value->data(), value->size());
    lua_setfield(L, -2, key);
  }
  lua_pushinteger(L, user->first_seen_ms);
  lua_setfield(L, -2, "first_seen_ms");
  lua_pushinteger(L, user->last_seen_ms);
  lua_setfield(L, -2, "last_seen_ms");
  lua_pushboolean(L, user->blocked);
  lua_setfield(L, -2, "blocked");
  lua_pushboolean(L, user->banned);
  lua_setfield(L, -2, "banned");
  lua_createtable(L, static_cast<int>(user->tags.size()), 0);
  lua_Integer i = 1;
  for (const auto& tag : user->tags) {
    lua_pushlstring(L, tag.data(), tag.size());
    lua_rawseti(L, -2, i++);
  }
  lua_setfield(L, -2, "tags");
  return 1;
}

// @lua users.find(id) -> user | nil
// The bot's user with that Telegram id: {id, first_name, last_name, username, language_code,
// first_seen_ms, last_seen_ms, blocked, banned, tags}; nil when the bot never saw them. Waits.
// Needs the permission "users"; inside a handler only. Counts as a store call.
int users_find(lua_State* L) {
  need_permission(L, "users", "users.find");
  Event& ev = need_event(L, "users.find");
  const lua_Integer id = luaL_checkinteger(L, 1);
  Script& s = Script::of(L);
  if (++ev.store_calls > s.sandbox().limits().store_calls) s.sandbox().abort(L, Abort::kStoreCalls);
  guard(L, [&] {
    ev.start = [&services = s.services(), id](std::function<void(Deliver)> complete) {
      services.users().find(id,
                            [complete](std::optional<UserRecord> user, const std::string& error) {
                              if (!error.empty()) {
                                complete(raise("users.find: " + error));
                                return;
                              }
                              complete([user](lua_State* L2) { return push_user(L2, user); });
                            });
    };
    return 0;
  });
  return s.await(L, ev);
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

  static const luaL_Reg kBot[] = {
      {"call", bot_call}, {"send", bot_send}, {"now", bot_now}, {nullptr, nullptr}};
  set_library(L, "bot", kBot);
  lua_getglobal(L, "bot");
  lua_pushstring(L, script.manifest().info.name.c_str());
  lua_setfield(L, -2, "module");
  lua_pop(L, 1);
  static const luaL_Reg kStore[] = {{"find", store_find},     {"find_one", store_find_one},
                                    {"insert", store_insert}, {"update", store_update},
                                    {"delete", store_delete}, {"count", store_count},
                                    {nullptr, nullptr}};
  set_library(L, "store", kStore);
  static const luaL_Reg kUsers[] = {{"find", users_find}, {nullptr, nullptr}};
  set_library(L, "users", kUsers);
  static const luaL_Reg kSettings[] = {{"get", settings_get}, {nullptr, nullptr}};
  set_library(L, "settings", kSettings);
  static const luaL_Reg kLog[] = {
      {"info", log_info}, {"warn", log_warn}, {"error", log_error}, {nullptr, nullptr}};
  set_library(L, "log", kLog);
}

}  // namespace corebot::script
