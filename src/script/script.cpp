#include "script.hpp"

#include <lua.hpp>

#include <cstdio>
#include <stdexcept>

namespace corebot::script {

namespace {

Event*& event_slot(lua_State* L) { return *static_cast<Event**>(lua_getextraspace(L)); }

}  // namespace

int raw_field(lua_State* L, int index, const char* key) {
  index = lua_absindex(L, index);
  lua_pushstring(L, key);
  return lua_rawget(L, index);
}

namespace {

// The handler an update is routed to, pushed onto L; false (nothing pushed) when none.
bool push_handler(lua_State* L, int handlers, const Context& ctx, const ModuleInfo& info) {
  const int top = lua_gettop(L);
  if (!ctx.command().empty()) {
    if (lua_getfield(L, handlers, "commands") == LUA_TTABLE) {
      const std::string command(ctx.command());
      if (lua_getfield(L, -1, command.c_str()) == LUA_TFUNCTION) {
        lua_remove(L, -2);
        return true;
      }
    }
    lua_settop(L, top);
  }
  if (!ctx.callback_data().empty() && !info.callback_prefix.empty() &&
      ctx.callback_data().rfind(info.callback_prefix + ":", 0) == 0) {
    if (lua_getfield(L, handlers, "on_callback") == LUA_TFUNCTION) return true;
    lua_settop(L, top);
  }
  if (lua_getfield(L, handlers, "on_update") == LUA_TFUNCTION) return true;
  lua_settop(L, top);
  return false;
}

}  // namespace

Script::Script(Manifest manifest, std::map<std::string, std::string> files, Limits limits,
               ModuleServices& services, Sandbox::Now now, Finished finished)
    : manifest_(std::move(manifest)),
      services_(services),
      finished_(std::move(finished)),
      sandbox_(manifest_.info.name, limits, std::move(files), std::move(now),
               [this](const std::string& line) { services_.log(LogLevel::kInfo, line); }) {
  sandbox_.owner = this;
  event_slot(sandbox_.state()) = nullptr;
  open_bindings(*this);
}

Script::~Script() {
  for (const auto& [id, timer] : timers_) services_.timers().cancel(id);
  timers_.clear();
  // The events die with the state; their contexts are released (the chats go on).
  events_.clear();
}

Script& Script::of(lua_State* L) { return *static_cast<Script*>(Sandbox::of(L).owner); }
Event* Script::current(lua_State* L) { return event_slot(L); }

Event* Script::event(std::uint64_t id) {
  auto it = events_.find(id);
  return it == events_.end() ? nullptr : it->second.get();
}

std::string Script::load() {
  std::string error = sandbox_.run_file(manifest_.main, &handlers_ref_);
  if (!error.empty()) return error;
  lua_State* L = sandbox_.state();
  lua_rawgeti(L, LUA_REGISTRYINDEX, handlers_ref_);
  const bool table = lua_istable(L, -1);
  lua_pop(L, 1);
  if (!table) {
    return manifest_.main +
           ": must return a table of handlers (return { commands = {...}, on_callback = ..., "
           "on_update = ... })";
  }
  return "";
}

// A new event with its coroutine; the function to run must be on top of L (it is moved to the
// coroutine). Call inside a HostScope.
Event& Script::new_event(lua_State* L) {
  auto owned = std::make_unique<Event>();
  Event& ev = *owned;
  ev.id = ++next_id_;
  ev.thread = lua_newthread(L);
  ev.thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  event_slot(ev.thread) = &ev;
  lua_pushcfunction(ev.thread, &Script::entry);
  lua_xmove(L, ev.thread, 1);  // the function
  events_[ev.id] = std::move(owned);
  return ev;
}

Handled Script::handle(Context& ctx) {
  lua_State* L = sandbox_.state();
  Event* started = nullptr;
  {
    Sandbox::HostScope host(sandbox_);
    lua_rawgeti(L, LUA_REGISTRYINDEX, handlers_ref_);
    if (!push_handler(L, lua_gettop(L), ctx, manifest_.info)) {
      lua_pop(L, 1);
      return Handled::kContinue;
    }
    started = &new_event(L);
    started->ctx = ctx.hold();
    lua_pop(L, 1);  // the handlers table
  }
  const std::uint64_t id = started->id;
  run(*started, 1);
  // Ended already (no wait): it may have passed the update on.
  if (Event* still = event(id)) {
    (void)still;
    return Handled::kStop;
  }
  return last_continue_ ? Handled::kContinue : Handled::kStop;
}

bool Script::spawn(const std::function<bool(lua_State*, int)>& push_function,
                   std::function<void(lua_State*)> argument) {
  lua_State* L = sandbox_.state();
  Event* started = nullptr;
  {
    Sandbox::HostScope host(sandbox_);
    lua_rawgeti(L, LUA_REGISTRYINDEX, handlers_ref_);
    const int handlers = lua_gettop(L);
    if (!lua_istable(L, handlers) || !push_function(L, handlers)) {
      lua_settop(L, handlers - 1);
      return false;
    }
    started = &new_event(L);
    started->argument = std::move(argument);
    lua_settop(L, handlers - 1);
  }
  run(*started, 1);
  return true;
}

std::vector<std::string> Script::handler_keys(const std::string& table) {
  std::vector<std::string> out;
  lua_State* L = sandbox_.state();
  Sandbox::HostScope host(sandbox_);
  const int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, handlers_ref_);
  if (lua_istable(L, -1) && raw_field(L, -1, table.c_str()) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) {
        out.emplace_back(lua_tostring(L, -2));
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
  return out;
}

Timers::Id Script::add_timer(lua_State* L, int function_index, Duration delay, bool repeating) {
  if (timers_.size() >= kMaxTimers) {
    throw std::runtime_error("the module has " + std::to_string(kMaxTimers) +
                             " timers already — cancel some (timers.cancel) or use jobs");
  }
  Timer timer;
  timer.repeating = repeating;
  {
    Sandbox::HostScope host(sandbox_);
    lua_pushvalue(L, function_index);
    timer.ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  auto id_box = std::make_shared<Timers::Id>(0);
  auto fire = [weak = weak_from_this(), id_box] {
    if (auto self = weak.lock()) self->fire_timer(*id_box);
  };
  Timers& t = services_.timers();
  *id_box = repeating ? t.every(delay, fire) : t.after(delay, fire);
  timers_[*id_box] = timer;
  return *id_box;
}

void Script::fire_timer(Timers::Id id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  const int ref = it->second.ref;
  const bool repeating = it->second.repeating;
  if (!repeating) timers_.erase(it);
  spawn(
      [ref](lua_State* L, int) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        return lua_isfunction(L, -1) != 0;
      },
      {});
  if (!repeating) {
    Sandbox::HostScope host(sandbox_);
    luaL_unref(sandbox_.state(), LUA_REGISTRYINDEX, ref);
  }
}

bool Script::cancel_timer(Timers::Id id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  services_.timers().cancel(id);
  {
    Sandbox::HostScope host(sandbox_);
    luaL_unref(sandbox_.state(), LUA_REGISTRYINDEX, it->second.ref);
  }
  timers_.erase(it);
  return true;
}

void Script::cancel_timers() {
  while (!timers_.empty()) cancel_timer(timers_.begin()->first);
}

// The coroutine's body: ctx (or the argument of an event without an update) made inside the
// coroutine (under its limits), then the function.
int Script::entry(lua_State* L) {
  Event& ev = *current(L);
  if (ev.ctx) {
    push_ctx(L, ev);
  } else if (ev.argument) {
    ev.argument(L);
  } else {
    lua_pushnil(L);
  }
  lua_pushvalue(L, -1);
  lua_insert(L, 1);  // keep ctx at 1 for entry_done
  lua_callk(L, 1, 1, 0, &Script::entry_done);
  return entry_done(L, LUA_OK, 0);
}

int Script::entry_done(lua_State* L, int status, std::intptr_t ctx) {
  (void)status;
  (void)ctx;
  Event& ev = *current(L);
  if (!ev.ctx) return 0;  // no update: no session, nothing to pass on
  ev.continue_ = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
  char message[512] = {0};
  try {
    read_session(L, 1, ev);
  } catch (const std::exception& e) {
    std::snprintf(message, sizeof message, "ctx.session: %s", e.what());
  }
  if (message[0] != 0) return luaL_error(L, "%s", message);
  return 0;
}

int Script::await(lua_State* L, Event& ev) {
  ev.deliver = nullptr;
  ev.in_binding = true;
  char failed[512] = {0};
  try {
    ev.start([weak = weak_from_this(), id = ev.id](Deliver deliver) {
      auto self = weak.lock();
      if (!self) return;  // the module was unloaded meanwhile
      Event* e = self->event(id);
      if (!e) return;
      e->deliver = std::move(deliver);
      if (e->in_binding) return;  // answered at once: the binding returns it without waiting
      e->waiting = false;
      self->run(*e, 0);
    });
  } catch (const std::exception& e) {
    std::snprintf(failed, sizeof failed, "%s", e.what());
  }
  ev.in_binding = false;
  ev.start = nullptr;
  if (failed[0] != 0) return luaL_error(L, "%s", failed);
  if (ev.deliver) return ev.deliver(L);
  ev.waiting = true;
  return lua_yieldk(L, 0, 0, &Script::resume_waiting);
}

int Script::resume_waiting(lua_State* L, int status, std::intptr_t ctx) {
  (void)status;
  (void)ctx;
  return current(L)->deliver(L);
}

void Script::run(Event& ev, int nargs) {
  sandbox_.begin_slice(ev.thread, ev.used);
  int nresults = 0;
  const int status = lua_resume(ev.thread, sandbox_.state(), nargs, &nresults);
  ev.used = sandbox_.used();
  if (status == LUA_YIELD) {
    lua_pop(ev.thread, nresults);
    if (ev.waiting) return;
    finish(ev, {false, Abort::kNone, "the handler yielded without waiting for anything"});
    return;
  }
  if (status == LUA_OK) {
    finish(ev, {});
    return;
  }
  const Abort why = sandbox_.aborted();
  std::string message = Sandbox::error_text(ev.thread);
  // A limit reached inside Lua's own code (a refused allocation) raised Lua's plain error.
  if (why != Abort::kNone && message.find(sandbox_.abort_message(why)) == std::string::npos) {
    message = sandbox_.abort_message(why) + " (" + message + ")";
  }
  finish(ev, {false, why, sandbox_.with_traceback(ev.thread, message)});
}

void Script::finish(Event& ev, Outcome outcome) {
  auto owned = std::move(events_[ev.id]);
  events_.erase(ev.id);
  last_continue_ = outcome.ok && ev.continue_;
  if (outcome.ok && ev.has_session && ev.ctx) {
    auto& session = ev.ctx->session();
    const bool empty = ev.session.is_object() && ev.session.get_object().empty();
    if (empty) {
      session.erase(manifest_.info.name);
    } else {
      session[manifest_.info.name] = ev.session;
    }
  }
  lua_State* L = sandbox_.state();
  {
    Sandbox::HostScope host(sandbox_);
    if (!outcome.ok) {
      // Closes what the failed handler left open (to-be-closed variables run under the abort).
      lua_resetthread(ev.thread);
    }
    event_slot(ev.thread) = nullptr;
    luaL_unref(L, LUA_REGISTRYINDEX, ev.thread_ref);
  }
  if (outcome.abort == Abort::kMemory) lua_gc(L, LUA_GCCOLLECT);
  owned.reset();  // releases the Context: the chat's next update may start
  if (finished_) finished_(outcome);
}

}  // namespace corebot::script
