// The store and users bindings of the Lua module API (store.*, users.find); see bindings.cpp
// for the rules every binding follows.
#include <boost/json.hpp>
#include <lua.hpp>

#include "binding_helpers.hpp"
#include "corebot/users.hpp"

namespace corebot::script {

namespace {

using namespace detail;

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

void set_library(lua_State* L, const char* name, const luaL_Reg* functions) {
  lua_newtable(L);
  luaL_setfuncs(L, functions, 0);
  lua_setglobal(L, name);
}

}  // namespace

void open_store_bindings(lua_State* L) {
  static const luaL_Reg kStore[] = {{"find", store_find},     {"find_one", store_find_one},
                                    {"insert", store_insert}, {"update", store_update},
                                    {"delete", store_delete}, {"count", store_count},
                                    {nullptr, nullptr}};
  set_library(L, "store", kStore);
  static const luaL_Reg kUsers[] = {{"find", users_find}, {nullptr, nullptr}};
  set_library(L, "users", kUsers);
}

}  // namespace corebot::script
