// What the engine gives each module (corebot/services.hpp): one ModuleServices per running
// module, built by the engine before start() and kept until after stop(). The parts shared by
// every module (the outbox, the job runner, the users directory, the store, the content) are the
// engine's; what is the module's own (its timers, its settings, its store prefix, its job view,
// its name in the log) lives here.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/module_timers.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "corebot/module.hpp"
#include "corebot/services.hpp"

namespace corebot::app {

// A module's settings: the Settings sheet of the live content, then [modules.<name>], then the
// declared default (see corebot/settings.hpp).
class ModuleSettings final : public Settings {
 public:
  ModuleSettings(std::vector<ContentSetting> declared, boost::json::object config,
                 std::function<std::shared_ptr<const Content>()> content);
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const override;
  [[nodiscard]] const boost::json::object& config() const override { return config_; }

 private:
  std::vector<ContentSetting> declared_;
  boost::json::object config_;
  std::function<std::shared_ptr<const Content>()> content_;
};

// Checks a module's [modules.<name>] table against what it declared. Throws ConfigError naming
// the table, the key, what is wrong and how to fix it (unknown key, a value of the wrong type, a
// table where a value belongs).
void check_module_config(const ModuleInfo& info, const boost::json::object& config);

// The engine's shared parts, as every module's services see them.
struct SharedServices {
  Sender* sender = nullptr;
  const core::Clock* clock = nullptr;
  core::Executor* executor = nullptr;
  Users* users = nullptr;
  AsyncStore* store = nullptr;
  std::function<Jobs&(const std::string& module)> jobs;
  std::function<std::shared_ptr<const Content>()> content;
  const std::vector<ModuleInfo>* modules = nullptr;
  std::function<void(std::function<void(const ReloadReport&)>)> reload;
  // Registers a module's admin HTTP route (ModuleServices::serve_admin_api); unset: none served.
  std::function<void(const std::string& module, std::string route, AdminApiHandler handler)>
      admin_api;
  // A module's failure outside an update (timer, job): counted with the modules' errors.
  std::function<void(const std::string& module, const std::string& message)> module_error;
  AdminControl* admin = nullptr;
};

class EngineServices final : public ModuleServices {
 public:
  EngineServices(const ModuleInfo& info, boost::json::object config, SharedServices shared);
  ~EngineServices() override;

  [[nodiscard]] const std::string& module_name() const override { return name_; }
  [[nodiscard]] Sender& sender() override { return *shared_.sender; }
  [[nodiscard]] const Clock& clock() const override { return *shared_.clock; }
  [[nodiscard]] Timers& timers() override { return timers_; }
  [[nodiscard]] Jobs& jobs() override { return shared_.jobs(name_); }
  [[nodiscard]] const Settings& settings() const override { return settings_; }
  [[nodiscard]] Users& users() override { return *shared_.users; }
  [[nodiscard]] ModuleStore& store() override { return store_; }
  [[nodiscard]] std::shared_ptr<const Content> content() const override;
  [[nodiscard]] const std::vector<ModuleInfo>& modules() const override { return *shared_.modules; }
  void reload_content(std::function<void(const ReloadReport&)> done) override;
  void log(LogLevel level, std::string_view message) override;
  void report_error(std::string_view message) override;
  void serve_admin_api(std::string route, AdminApiHandler handler) override;
  [[nodiscard]] AdminControl& admin() override { return *shared_.admin; }

  // The engine, at the module's stop: no timer of a stopped module runs.
  void cancel_timers() { timers_.cancel_all(); }

 private:
  std::string name_;
  SharedServices shared_;
  ModuleTimers timers_;
  ModuleSettings settings_;
  ModuleStore store_;
};

}  // namespace corebot::app
