// The engine's persistent job runner: every module's Jobs (corebot/jobs.hpp) is a view of this
// one runner, which keeps all jobs in the store collection "engine.jobs" and mirrors them in
// memory so that one timer (for the earliest due time) is all that waits.
//
// A job document: {_id: "<module>/<id>", module, id, kind, due_ms: <Unix ms>, interval_ms: <0 for
// a one-off>, payload: {...}}.
//
// At most once per due time (the contract in jobs.hpp): a run is claimed in the store with a write
// conditioned on the due time it is for (a one-off is deleted, a repeating job gets its next due
// time) and the handler runs only after that write succeeded. A crash between the claim and the
// end of the handler skips the run; nothing can run it twice. A store that fails the claim leaves
// the job as it was and the runner tries again later (backoff), so a failing store delays runs
// but never loses or repeats them.
//
// Thread: the executor's (the loop thread) for every call and callback; store work runs on the
// AsyncStore's workers.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/executor.hpp"
#include "corebot/jobs.hpp"
#include "corebot/store.hpp"

namespace corebot::app {

struct JobRunnerStats {
  std::uint64_t runs = 0;            // handlers called
  std::uint64_t failures = 0;        // handlers that threw
  std::uint64_t skipped = 0;         // claims that found the job changed meanwhile
  std::uint64_t store_failures = 0;  // store errors (loads, claims, writes)
};

class JobRunner {
 public:
  static constexpr std::string_view kCollection = "engine.jobs";
  // Called when a handler throws or a job has no handler: (module, message).
  using ErrorSink = std::function<void(const std::string& module, const std::string& message)>;

  JobRunner(AsyncStore& store, core::Executor& executor, const core::Clock& clock,
            ErrorSink on_error);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Loads the stored jobs and starts running those that are due. Call after the modules' start()
  // registered their handlers. `loaded` (optional) runs once the stored jobs are in memory.
  void start(std::function<void()> loaded = {});
  // Stops starting runs (a run in progress finishes). Later schedules are still stored.
  void stop();

  // The Jobs a module sees: every id and handler is the module's own.
  [[nodiscard]] Jobs& for_module(const std::string& module);

  [[nodiscard]] const JobRunnerStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t size() const { return jobs_.size(); }

 private:
  class ModuleJobs;
  struct Entry {
    std::string module;
    std::string id;
    std::string kind;
    std::int64_t due_ms = 0;
    std::int64_t interval_ms = 0;  // 0: a one-off
    boost::json::object payload;
    bool claiming = false;  // a claim for due_ms is in the store's hands
  };

  void handle(const std::string& module, std::string kind, JobHandler handler);
  void schedule(const std::string& module, std::string id, std::string kind, JobSchedule when,
                boost::json::object payload, JobDone done);
  void cancel(const std::string& module, std::string id, JobDone done);

  template <class Work, class Done>
  void serial(Work work, Done done);
  void next_op();
  void arm();
  void run_due();
  void claim(const std::string& key);
  void run(const Entry& entry, std::int64_t due_ms);
  [[nodiscard]] std::int64_t now_ms() const;

  AsyncStore& store_;
  core::Executor& executor_;
  const core::Clock& clock_;
  ErrorSink on_error_;
  std::map<std::string, Entry> jobs_;           // by "<module>/<id>"
  std::map<std::string, JobHandler> handlers_;  // by "<module>/<kind>"
  std::map<std::string, std::unique_ptr<ModuleJobs>> views_;
  std::deque<std::function<void()>> ops_;  // store writes waiting for the one in progress
  bool op_running_ = false;
  std::optional<core::Executor::TimerId> timer_;
  std::int64_t timer_due_ms_ = 0;
  int store_failures_in_a_row_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  JobRunnerStats stats_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::app
