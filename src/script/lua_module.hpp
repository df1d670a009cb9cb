// A Lua module as a corebot::Module: found in a configured folder ([scripts] dirs), written
// against the same public API as a C++ module (it uses only ModuleServices and Context). Runs
// each update, job run (handlers.jobs) and timer in the current loaded version (script.hpp);
// counts failures (ModuleServices::report_error: the engine's module errors), tells the admins, and
// switches itself off after too many in a row; reloads its folder when it changes.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "corebot/module.hpp"
#include "corebot/module_factory.hpp"
#include "limits.hpp"
#include "manifest.hpp"
#include "script.hpp"

namespace corebot::script {

struct Options {
  Limits limits;
  // Failures in a row (errors or stopped handlers) that switch the module off; a new version
  // switches it on again.
  int max_failures = 5;
  // How often the folder is checked for changes, in seconds; 0: never (no hot reload).
  int reload_s = 2;
};

class LuaModule final : public Module {
 public:
  // Reads module.toml (throws ManifestError). The Lua code is loaded in start().
  LuaModule(std::filesystem::path dir, Options options);
  ~LuaModule() override;

  [[nodiscard]] ModuleInfo info() const override { return manifest_.info; }
  // Loads the code; throws std::runtime_error with the error and its traceback.
  void start(ModuleServices& services) override;
  void stop() override;
  Handled on_update(Context& ctx) override;

  // Loads the folder again if it changed (the reload timer calls it). A version that fails to
  // load leaves the running one in place. Returns whether a new version went live.
  bool check_for_changes();

  [[nodiscard]] bool switched_off() const { return off_; }
  [[nodiscard]] int failures_in_a_row() const { return failures_; }
  [[nodiscard]] std::int64_t failures_total() const { return failures_total_; }
  [[nodiscard]] std::size_t memory_used() const;

 private:
  std::shared_ptr<Script> make_script(Manifest manifest) const;
  void on_finished(const Outcome& outcome);
  // Registers a Jobs handler for each kind the current version handles (handlers.jobs) that has
  // none yet: a job's run calls the running version's handler.
  void register_jobs();
  void run_job(const JobRun& run);
  // Calls handlers.on_start() of the current version, if it has one (after start and a reload).
  void run_on_start();
  void tell_admins(const std::string& english, const std::string& russian);

  std::filesystem::path dir_;
  Options options_;
  Manifest manifest_;
  ModuleServices* services_ = nullptr;
  std::shared_ptr<Script> current_;
  std::vector<std::shared_ptr<Script>> retired_;  // replaced, with events still running
  std::string fingerprint_;
  Timers::Id reload_timer_ = 0;
  std::set<std::string> job_kinds_;  // registered with Jobs::handle
  int failures_ = 0;
  std::int64_t failures_total_ = 0;
  bool off_ = false;
  // Cleared in the destructor: a handler's end reported after that is ignored.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The Lua modules in `dirs`: every folder directly inside one that holds a module.toml (a
// folder that is itself a module counts too). Throws ManifestError for a bad module.toml.
std::vector<ModuleFactory> discover(const std::vector<std::string>& dirs, const Options& options);

}  // namespace corebot::script
