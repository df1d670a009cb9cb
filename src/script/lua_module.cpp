#include "lua_module.hpp"

#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "json_bridge.hpp"

namespace corebot::script {

namespace {

// The first line of an error, short enough for a Telegram message.
std::string headline(const std::string& error) {
  std::string line = error.substr(0, error.find('\n'));
  if (line.size() > 600) line = line.substr(0, 600) + "…";
  return line;
}

bool same_routing(const ModuleInfo& a, const ModuleInfo& b) {
  if (a.name != b.name || a.callback_prefix != b.callback_prefix ||
      a.update_kinds != b.update_kinds || a.commands.size() != b.commands.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.commands.size(); ++i) {
    if (a.commands[i].name != b.commands[i].name) return false;
  }
  return true;
}

}  // namespace

LuaModule::LuaModule(std::filesystem::path dir, Options options)
    : dir_(std::move(dir)), options_(options), manifest_(read_manifest(dir_)) {}

LuaModule::~LuaModule() { *alive_ = false; }

std::shared_ptr<Script> LuaModule::make_script(Manifest manifest) const {
  auto files = read_lua_files(dir_);
  std::weak_ptr<bool> alive = alive_;
  auto* self = const_cast<LuaModule*>(this);
  return std::make_shared<Script>(
      std::move(manifest), std::move(files), options_.limits, *services_,
      [services = services_] { return services->clock().now(); },
      [alive, self](const Outcome& outcome) {
        if (auto a = alive.lock(); a && *a) self->on_finished(outcome);
      });
}

void LuaModule::start(ModuleServices& services) {
  services_ = &services;
  fingerprint_ = fingerprint(dir_);
  current_ = make_script(manifest_);
  const std::string error = current_->load();
  if (!error.empty()) {
    current_.reset();
    throw std::runtime_error(dir_.string() + ": " + error + " — fix the module's code");
  }
  register_jobs();
  if (options_.reload_s > 0) {
    reload_timer_ = services.timers().every(std::chrono::seconds(options_.reload_s),
                                            [this] { check_for_changes(); });
  }
  run_on_start();
}

void LuaModule::register_jobs() {
  for (const auto& kind : current_->handler_keys("jobs")) {
    if (!job_kinds_.insert(kind).second) continue;
    std::weak_ptr<bool> alive = alive_;
    services_->jobs().handle(kind, [this, alive](const JobRun& run) {
      if (auto a = alive.lock(); a && *a) run_job(run);
    });
  }
}

void LuaModule::run_job(const JobRun& run) {
  if (off_ || !current_) {
    services_->log(LogLevel::kWarn,
                   "job " + run.id + " (" + run.kind + ") not run: the module is switched off");
    return;
  }
  auto script = current_;
  const bool started = script->spawn(
      [kind = run.kind](lua_State* L, int handlers) {
        if (raw_field(L, handlers, "jobs") != LUA_TTABLE) return false;
        return raw_field(L, -1, kind.c_str()) == LUA_TFUNCTION;
      },
      [run, payload = boost::json::value(run.payload)](lua_State* L) {
        lua_createtable(L, 0, 5);
        lua_pushlstring(L, run.id.data(), run.id.size());
        lua_setfield(L, -2, "id");
        lua_pushlstring(L, run.kind.data(), run.kind.size());
        lua_setfield(L, -2, "kind");
        push_json(L, payload);
        lua_setfield(L, -2, "payload");
        lua_pushinteger(
            L, std::chrono::duration_cast<std::chrono::milliseconds>(run.due.time_since_epoch())
                   .count());
        lua_setfield(L, -2, "due");
        lua_pushboolean(L, run.repeating);
        lua_setfield(L, -2, "repeating");
      });
  if (!started) {
    on_finished({false, Abort::kNone,
                 "job " + run.id + ": the module has no handler for its kind '" + run.kind +
                     "' — add jobs = { " + run.kind +
                     " = function(job) ... end } to the "
                     "table main.lua returns"});
  }
}

void LuaModule::run_on_start() {
  current_->spawn([](lua_State* L,
                     int handlers) { return raw_field(L, handlers, "on_start") == LUA_TFUNCTION; },
                  {});
}

void LuaModule::stop() {
  if (reload_timer_ != 0 && services_) services_->timers().cancel(reload_timer_);
  reload_timer_ = 0;
  *alive_ = false;
  retired_.clear();
  current_.reset();
}

Handled LuaModule::on_update(Context& ctx) {
  // Versions replaced by a reload go once their last event ended.
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(),
                                [](const auto& s) { return s->pending() == 0; }),
                 retired_.end());
  if (off_ || !current_) return Handled::kContinue;
  // Keep this version alive for the call, even if a handler's end triggers a reload.
  auto script = current_;
  return script->handle(ctx);
}

std::size_t LuaModule::memory_used() const {
  return current_ ? current_->sandbox().memory_used() : 0;
}

void LuaModule::on_finished(const Outcome& outcome) {
  if (outcome.ok) {
    failures_ = 0;
    return;
  }
  ++failures_;
  ++failures_total_;
  const std::string& name = manifest_.info.name;
  // Counted with the engine's module errors (corebot_module_errors_total), and logged.
  services_->report_error("handler failed (" + std::to_string(failures_) +
                          " in a row): " + outcome.error);
  if (off_) return;
  const std::string error = headline(outcome.error);
  if (failures_ >= options_.max_failures) {
    off_ = true;
    services_->log(LogLevel::kError, "switched off after " + std::to_string(failures_) +
                                         " failures in a row; a new version switches it on");
    tell_admins("⛔ Module " + name + " was switched off after " + std::to_string(failures_) +
                    " failures in a row. Last error: " + error +
                    "\nFix the module's files: the bot loads the new version and switches it on.",
                "⛔ Модуль " + name + " отключён после " + std::to_string(failures_) +
                    " ошибок подряд. Последняя ошибка: " + error +
                    "\nИсправьте файлы модуля: бот загрузит новую версию и включит его.");
    return;
  }
  tell_admins("⚠️ Module " + name + " failed (" + std::to_string(failures_) + " of " +
                  std::to_string(options_.max_failures) + " before it is switched off): " + error,
              "⚠️ Ошибка в модуле " + name + " (" + std::to_string(failures_) +
                  " из " + std::to_string(options_.max_failures) + " до отключения): " + error);
}

void LuaModule::tell_admins(const std::string& english, const std::string& russian) {
  auto content = services_->content();
  if (!content) return;  // no spreadsheet, no Admins sheet: the log has it
  const std::string& text = content->default_language() == "ru" ? russian : english;
  for (const auto& admin : content->admins()) {
    if (admin.user_id == 0) continue;  // an @username has no chat id to write to
    services_->sender().call("sendMessage", {{"chat_id", admin.user_id}, {"text", text}},
                             Priority::kAdmin);
  }
}

bool LuaModule::check_for_changes() {
  if (!services_) return false;
  const std::string now = fingerprint(dir_);
  if (now == fingerprint_) return false;
  fingerprint_ = now;
  const std::string& name = manifest_.info.name;
  std::string error;
  std::shared_ptr<Script> next;
  try {
    Manifest manifest = read_manifest(dir_);
    if (!same_routing(manifest.info, manifest_.info)) {
      throw std::runtime_error(
          "module.toml changed the name, commands, callback_prefix or update_kinds — restart "
          "the bot to apply those");
    }
    next = make_script(std::move(manifest));
    error = next->load();
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty()) {
    services_->log(LogLevel::kError,
                   "the new version did not load; the old one keeps running: " + error);
    tell_admins("⚠️ Module " + name +
                    ": the new version did not load, the old one keeps "
                    "running. " +
                    headline(error),
                "⚠️ Модуль " + name +
                    ": новая версия не загрузилась, работает прежняя. " + headline(error));
    return false;
  }
  if (current_) {
    current_->cancel_timers();  // the new version starts its own in on_start
    if (current_->pending() > 0) retired_.push_back(current_);
  }
  current_ = std::move(next);
  manifest_ = current_->manifest();
  const bool was_off = off_;
  off_ = false;
  failures_ = 0;
  services_->log(LogLevel::kInfo, std::string("reloaded") + (was_off ? ", switched on again" : ""));
  register_jobs();
  run_on_start();
  return true;
}

std::vector<ModuleFactory> discover(const std::vector<std::string>& dirs, const Options& options) {
  namespace fs = std::filesystem;
  std::vector<fs::path> found;
  for (const auto& d : dirs) {
    const fs::path dir(d);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      throw ManifestError(d + ": not a folder — [scripts] dirs lists folders of Lua modules");
    }
    if (fs::exists(dir / "module.toml")) {
      found.push_back(dir);
      continue;
    }
    std::vector<fs::path> inside;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_directory() && fs::exists(entry.path() / "module.toml")) {
        inside.push_back(entry.path());
      }
    }
    std::sort(inside.begin(), inside.end());
    found.insert(found.end(), inside.begin(), inside.end());
  }
  std::vector<ModuleFactory> out;
  for (const auto& dir : found) {
    const Manifest manifest = read_manifest(dir);
    out.push_back({manifest.info.name,
                   [dir, options] { return std::make_unique<LuaModule>(dir, options); },
                   ModuleDefault::kOn, 500});
  }
  return out;
}

}  // namespace corebot::script
