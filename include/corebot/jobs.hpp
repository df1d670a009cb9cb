// Persistent jobs: work a module wants done at a time, after a delay, or every N minutes, kept in
// the store so that it still happens after a restart.
//
// The guarantee, and why it is "at most once": a job's run is claimed in the store (its next due
// time moved on, or a one-off job marked done) BEFORE the handler is called. A crash between the
// claim and the end of the handler therefore skips that run rather than repeating it; a handler
// whose work must not be lost records its own progress (a cursor in its own collection) and
// reschedules. So: each due time runs at most once, even across crashes and restarts; a due
// time missed while the engine was down runs once, as soon as the engine is up again (a repeating
// job that missed several runs runs once, then keeps its rhythm from now).
//
// Jobs are per module: ids are the module's own ("reminder:42"), two modules may use the same id.
// Thread: the loop thread for every call and every callback.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "corebot/clock.hpp"

namespace corebot {

// When a job runs.
struct JobSchedule {
  WallTime at{};                     // the first (or only) run
  std::optional<Duration> interval;  // set: repeats every interval after `at`

  static JobSchedule once_at(WallTime time) { return {time, std::nullopt}; }
  static JobSchedule after(const Clock& clock, Duration delay) {
    return {clock.wall() + std::chrono::duration_cast<WallTime::duration>(delay), std::nullopt};
  }
  // First run one interval from now.
  static JobSchedule every(const Clock& clock, Duration interval) {
    return {clock.wall() + std::chrono::duration_cast<WallTime::duration>(interval), interval};
  }
};

// One run of a job, as its handler sees it.
struct JobRun {
  std::string id;
  std::string kind;
  boost::json::object payload;  // as scheduled
  WallTime due{};               // the due time this run is for
  bool repeating = false;       // false: the job is gone after this run
};

// Runs one job; exceptions are caught, logged and counted like a module error (the run is not
// retried: see "at most once" above).
using JobHandler = std::function<void(const JobRun&)>;
// The store's answer to schedule/cancel: empty on success, else what failed.
using JobDone = std::function<void(const std::string& error)>;

class Jobs {
 public:
  virtual ~Jobs() = default;
  // Says which function runs jobs of `kind`. Call it in Module::start(), before any job of that
  // kind can be due: jobs found in the store for a kind nobody handles are kept and logged.
  virtual void handle(std::string kind, JobHandler handler) = 0;
  // Creates or replaces the job `id` (replacing resets its schedule and payload). `done`, when
  // given, runs when the job is stored.
  virtual void schedule(std::string id, std::string kind, JobSchedule when,
                        boost::json::object payload = {}, JobDone done = {}) = 0;
  // Removes the job `id` (a no-op when there is none). A run already started is not stopped.
  virtual void cancel(std::string id, JobDone done = {}) = 0;
};

}  // namespace corebot
