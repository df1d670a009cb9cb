// The time bindings of the Lua module API: timers.* (in memory, gone with the version that made
// them) and jobs.* (persistent, corebot/jobs.hpp); see bindings.cpp for the rules every binding
// follows. A job's run calls handlers.jobs[kind] of the running version (lua_module.cpp).
#include <boost/json.hpp>
#include <lua.hpp>

#include <chrono>
#include <cmath>

#include "binding_helpers.hpp"

namespace corebot::script {

namespace {

using namespace detail;

// Seconds (a Lua number, fractions allowed) as a Duration; raises below `minimum`.
Duration seconds_arg(lua_State* L, int index, double minimum, const char* what) {
  const lua_Number s = luaL_checknumber(L, index);
  if (!std::isfinite(s) || s < minimum || s > 366.0 * 24 * 3600) {
    luaL_error(L, "%s: %f seconds is out of range — give %s to 31622400 seconds", what,
               static_cast<double>(s), minimum >= 1 ? "1" : "0");
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

int add_timer(lua_State* L, bool repeating, const char* what) {
  const Duration delay = seconds_arg(L, 1, repeating ? 1.0 : 0.0, what);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  return guard(L, [&] {
    lua_pushinteger(L, static_cast<lua_Integer>(Script::of(L).add_timer(L, 2, delay, repeating)));
    return 1;
  });
}

// @lua timers.after(seconds, fn) -> id
// Calls `fn()` once after `seconds` (fractions allowed), in an event of its own with the usual
// limits (it may use store.*, bot.*, jobs.*). In memory only: lost on a restart and when a new
// version of the module is loaded (use jobs for what must happen). At most 100 timers at once.
int timers_after(lua_State* L) { return add_timer(L, false, "timers.after"); }

// @lua timers.every(seconds, fn) -> id
// Calls `fn()` every `seconds` (at least 1), the first time one interval from now, until
// timers.cancel. As timers.after.
int timers_every(lua_State* L) { return add_timer(L, true, "timers.every"); }

// @lua timers.cancel(id) -> boolean
// Cancels a timer; false when it already ran (once) or was cancelled.
int timers_cancel(lua_State* L) {
  const lua_Integer id = luaL_checkinteger(L, 1);
  return guard(L, [&] {
    lua_pushboolean(L, Script::of(L).cancel_timer(static_cast<Timers::Id>(id)));
    return 1;
  });
}

// The `when` of jobs.schedule: {at = unix_ms} | {after = seconds} | {every = seconds [, at]}.
JobSchedule when_arg(lua_State* L, int index) {
  boost::json::object when = table_arg(L, index, "jobs.schedule when");
  const Clock& clock = Script::of(L).services().clock();
  auto number = [&](const char* key) -> std::optional<double> {
    const auto* v = when.if_contains(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) {
      throw std::runtime_error(std::string("jobs.schedule: when.") + key + " must be a number");
    }
    return v->to_number<double>();
  };
  for (const auto& [key, v] : when) {
    (void)v;
    if (key != "at" && key != "after" && key != "every") {
      throw std::runtime_error("jobs.schedule: unknown when." + std::string(key) +
                               " — give {at = unix_ms}, {after = seconds} or {every = seconds}");
    }
  }
  const auto at = number("at");
  const auto after = number("after");
  const auto every = number("every");
  if (at && after) throw std::runtime_error("jobs.schedule: give when.at or when.after, not both");
  if (!at && !after && !every) {
    throw std::runtime_error(
        "jobs.schedule: when is empty — give {at = unix_ms}, {after = seconds} or "
        "{every = seconds}");
  }
  if (every && *every < 60) {
    throw std::runtime_error(
        "jobs.schedule: when.every must be at least 60 seconds (use "
        "timers.every for shorter rhythms)");
  }
  if (after && *after < 0) throw std::runtime_error("jobs.schedule: when.after must be >= 0");
  JobSchedule s;
  if (at) {
    s.at = WallTime(std::chrono::duration_cast<WallTime::duration>(
        std::chrono::milliseconds(static_cast<std::int64_t>(*at))));
  } else if (after) {
    s = JobSchedule::after(
        clock, std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*after)));
  }
  if (every) {
    const auto interval =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*every));
    if (!at && !after) s = JobSchedule::every(clock, interval);
    s.interval = interval;
  }
  return s;
}

// Prepares ev.start for a Jobs call whose `done` gets the error ("" on success).
template <class Call>
void start_jobs(lua_State* L, Event& ev, const char* what, Call call) {
  ev.start = [&services = Script::of(L).services(), what,
              call = std::move(call)](std::function<void(Deliver)> complete) mutable {
    call(services.jobs(), [complete, what](const std::string& error) {
      if (!error.empty()) {
        complete(raise(std::string(what) + ": " + error));
        return;
      }
      complete([](lua_State* L2) { return lua_pushboolean(L2, 1), 1; });
    });
  };
}

// @lua jobs.schedule(id, kind, when [, payload]) -> true
// Stores the job `id` (the module's own name for it: "reminder:42"; scheduling it again replaces
// it) to run `handlers.jobs[kind](job)` at `when`: {at = unix_ms}, {after = seconds} or
// {every = seconds} (at least 60; with `at` or `after`: the first run then). Kept in the store:
// it still runs after a restart, at most once per due time. `job` is {id, kind, payload, due
// (unix ms), repeating}. Waits until stored; raises when it could not be. Needs the permission
// "jobs"; inside a handler (or on_start) only.
int jobs_schedule(lua_State* L) {
  need_permission(L, "jobs", "jobs.schedule");
  Event& ev = need_event(L, "jobs.schedule");
  luaL_checkstring(L, 1);
  luaL_checkstring(L, 2);
  guard(L, [&] {
    std::string id = lua_tostring(L, 1);
    std::string kind = lua_tostring(L, 2);
    if (id.empty() || kind.empty()) throw std::runtime_error("jobs.schedule: empty id or kind");
    JobSchedule when = when_arg(L, 3);
    boost::json::object payload = table_arg(L, 4, "jobs.schedule payload");
    start_jobs(L, ev, "jobs.schedule",
               [id = std::move(id), kind = std::move(kind), when, payload = std::move(payload)](
                   Jobs& jobs, JobDone done) mutable {
                 jobs.schedule(std::move(id), std::move(kind), when, std::move(payload),
                               std::move(done));
               });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

// @lua jobs.cancel(id) -> true
// Removes the job `id` (nothing happens when there is none). Waits; needs the permission "jobs".
int jobs_cancel(lua_State* L) {
  need_permission(L, "jobs", "jobs.cancel");
  Event& ev = need_event(L, "jobs.cancel");
  luaL_checkstring(L, 1);
  guard(L, [&] {
    start_jobs(L, ev, "jobs.cancel",
               [id = std::string(lua_tostring(L, 1))](Jobs& jobs, JobDone done) mutable {
                 jobs.cancel(std::move(id), std::move(done));
               });
    return 0;
  });
  return Script::of(L).await(L, ev);
}

void set_library(lua_State* L, const char* name, const luaL_Reg* functions) {
  lua_newtable(L);
  luaL_setfuncs(L, functions, 0);
  lua_setglobal(L, name);
}

}  // namespace

void open_time_bindings(lua_State* L) {
  static const luaL_Reg kTimers[] = {{"after", timers_after},
                                     {"every", timers_every},
                                     {"cancel", timers_cancel},
                                     {nullptr, nullptr}};
  set_library(L, "timers", kTimers);
  static const luaL_Reg kJobs[] = {
      {"schedule", jobs_schedule}, {"cancel", jobs_cancel}, {nullptr, nullptr}};
  set_library(L, "jobs", kJobs);
}

}  // namespace corebot::script
