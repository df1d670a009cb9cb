// One loaded version of a Lua module: its sandboxed state, the handlers its main file returned,
// and the events running in it. Each event runs in a coroutine of its own; a binding that waits
// (a store query, a send's outcome) yields it, and the result resumes it on the loop thread.
// LuaModule (lua_module.hpp) owns the current version, and keeps a replaced one until its last
// event ended (hot reload).
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corebot/context.hpp"
#include "corebot/module.hpp"
#include "corebot/services.hpp"
#include "limits.hpp"
#include "manifest.hpp"
#include "sandbox.hpp"

namespace corebot::script {

// Pushes an awaited result onto the waiting coroutine (runs inside it, under its limits) and
// returns how many values it pushed; may raise a Lua error.
using Deliver = std::function<int(lua_State*)>;

// One call of a module's Lua function: an update being handled, or one without an update
// (on_start, a job's run, a timer).
struct Event {
  std::uint64_t id = 0;
  std::shared_ptr<Context> ctx;  // held until the handler ended: the chat's next update waits;
                                 // null for an event without an update
  // Without an update: pushes the function's one argument (runs inside the coroutine, under the
  // limits); unset: the function gets no argument.
  std::function<void(lua_State*)> argument;
  lua_State* thread = nullptr;
  int thread_ref = -2;      // LUA_NOREF
  std::int64_t used = 0;    // instructions so far
  int sends = 0;            // sends so far (ctx:reply, bot.call, ...)
  int store_calls = 0;      // store.* calls so far
  bool in_binding = false;  // a binding is starting asynchronous work right now
  bool waiting = false;     // yielded until `deliver` arrives
  // The asynchronous work a binding starts (Script::await): given `complete`, to call once with
  // the result. Kept here, not on the C stack, since waiting unwinds the binding's frame.
  std::function<void(std::function<void(Deliver)>)> start;
  Deliver deliver;           // the awaited result
  bool continue_ = false;    // the handler returned false: let later modules see the update
  bool has_session = false;  // the handler ended normally: `session` is the module's session
  boost::json::value session;
};

// What a finished event tells its module.
struct Outcome {
  bool ok = true;
  Abort abort = Abort::kNone;  // the limit that stopped it, if one did
  std::string error;           // the error with the Lua traceback
};

class Script : public std::enable_shared_from_this<Script> {
 public:
  using Finished = std::function<void(const Outcome&)>;

  Script(Manifest manifest, std::map<std::string, std::string> files, Limits limits,
         ModuleServices& services, Sandbox::Now now, Finished finished);
  ~Script();

  // Runs the main file; "" or the error (with the traceback). The main file returns a table of
  // handlers (see docs/modules.md, "Lua modules").
  std::string load();
  // Starts the handler the update is routed to. kContinue when the module has none for it, or
  // when it returned false without waiting.
  Handled handle(Context& ctx);
  // Runs a function without an update in an event of its own: `push_function` pushes it onto L
  // (the handlers table is at `handlers`) and returns false when there is none (nothing pushed).
  // `argument` as Event::argument. Returns whether a function started.
  bool spawn(const std::function<bool(lua_State* L, int handlers)>& push_function,
             std::function<void(lua_State*)> argument);
  // The keys of handlers[table] whose values are functions ("jobs": the job kinds it handles).
  [[nodiscard]] std::vector<std::string> handler_keys(const std::string& table);

  // --- timers (timers.after/every in Lua): in memory, cancelled with this version ---
  // Calls the function at `function_index` of L after `delay` (repeating: every `delay`).
  // Returns the timer's id; throws std::runtime_error when the module has too many.
  Timers::Id add_timer(lua_State* L, int function_index, Duration delay, bool repeating);
  // False when the id is not one of this version's live timers.
  bool cancel_timer(Timers::Id id);
  // Cancels every timer of this version (on stop, and when a reload replaces it).
  void cancel_timers();
  [[nodiscard]] std::size_t timers() const { return timers_.size(); }
  // Events started and not yet ended.
  [[nodiscard]] std::size_t pending() const { return events_.size(); }
  [[nodiscard]] Sandbox& sandbox() { return sandbox_; }
  [[nodiscard]] const Manifest& manifest() const { return manifest_; }
  [[nodiscard]] ModuleServices& services() { return services_; }

  // --- for the bindings (bindings.cpp) ---
  static Script& of(lua_State* L);
  // The event whose coroutine `L` is; nullptr outside a handler (the main file).
  static Event* current(lua_State* L);
  Event* event(std::uint64_t id);
  // Runs ev.start (set by the binding) and waits for its result: ev.start gets a `complete`
  // function to call once, on the loop thread, maybe at once, with the Deliver of the result.
  // Call it as `return script.await(L, ev);` with no C++ object alive in the binding's frame
  // (waiting unwinds it).
  int await(lua_State* L, Event& ev);

 private:
  Event& new_event(lua_State* L);
  void fire_timer(Timers::Id id);
  void run(Event& ev, int nargs);
  void finish(Event& ev, Outcome outcome);
  static int entry(lua_State* L);
  static int entry_done(lua_State* L, int status, std::intptr_t ctx);
  static int resume_waiting(lua_State* L, int status, std::intptr_t ctx);

  Manifest manifest_;
  ModuleServices& services_;
  Finished finished_;
  Sandbox sandbox_;
  int handlers_ref_ = -2;
  std::uint64_t next_id_ = 0;
  bool last_continue_ = false;  // how the event that ended last ended
  std::map<std::uint64_t, std::unique_ptr<Event>> events_;
  struct Timer {
    int ref = -2;  // the function, in the registry
    bool repeating = false;
  };
  std::map<Timers::Id, Timer> timers_;
};

// The most timers one module may have at once.
inline constexpr std::size_t kMaxTimers = 100;

// Pushes t[key] of the table at `index` without metamethods (the host reads the module's
// handlers table outside any limit, so no Lua code may run) and returns its type.
int raw_field(lua_State* L, int index, const char* key);

// Adds the module API (ctx, bot, store, settings, log) to `script`'s state (bindings.cpp).
void open_bindings(Script& script);
// Pushes the ctx userdata of `ev` onto L (its uservalue: the session table).
void push_ctx(lua_State* L, Event& ev);
// Reads back the session table of the ctx at `index` into ev.session (throws on what JSON
// cannot hold).
void read_session(lua_State* L, int index, Event& ev);

}  // namespace corebot::script
