// ModuleServices for module unit tests: everything a module gets in start(), faked so a test
// drives it by hand and never sleeps.
//
//   corebot::testing::FakeServices services("reminders");
//   services.declare(module.info());            // settings defaults, modules() list
//   services.fake_settings().values = {{"max_per_user", 2}};
//   module.start(services);
//   ... module.on_update(ctx) ...
//   services.run_store_until([&] { return services.recorded.calls.size() == 1; });
//   services.advance(std::chrono::minutes(10));  // due timers and jobs run
//
// What each fake does:
//  - clock: starts at a fixed date and moves only by advance().
//  - sender: `recorded`, a RecordingSender (tests/fakes/recording_sender.hpp); `done` is not called
//  unless
//    the test calls it.
//  - timers: run on advance(), in due order, when the fake clock reaches them.
//  - jobs: recorded (`fake_jobs().scheduled`); a test runs one with jobs.fire(id), or every due one
//  by
//    advance(). Like the engine, a one-off job is removed before its handler runs. `done`
//    callbacks run at once (with `fail_with` as the error when the test set one).
//  - settings: `fake_settings().values` (a JSON object, as [modules.<name>] in the config) over the
//    defaults declared in ModuleInfo::settings.
//  - users: an in-memory map (`fake_users().records`); callbacks run at once.
//  - store: a real SQLite store in a temporary file, one worker thread (work runs and answers in
//    the order it was asked). Results come back through a queue the test
//    drains with run_store_until(predicate): the module sees them asynchronously, as in the
//    engine, and on the test's thread.
//  - content, modules(): settable; reload_content() records its callback (`reloads`) for the test
//    to answer with finish_reload(report).
//  - log(): recorded in `logs`; report_error() in `reported_errors` (and `logs`).
//  - admin(): `fake_admin()`, in memory (bindings, owner and code, maintenance, figures, the
//    exportable collections' documents, a backup answered at once).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "corebot/admin.hpp"
#include "corebot/content.hpp"
#include "corebot/module.hpp"
#include "corebot/services.hpp"
#include "store/filter.hpp"
#include "tests/fakes/inbox.hpp"
#include "tests/fakes/recording_sender.hpp"

namespace corebot::testing {

// A clock that moves only when told. Starts at 2026-01-01 00:00:00 UTC (wall) so documents and
// messages that show dates are predictable.
class FakeClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return steady_; }
  [[nodiscard]] WallTime wall() const override { return wall_; }
  void advance(Duration d) {
    steady_ += d;
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }

 private:
  TimePoint steady_{std::chrono::hours(1)};
  WallTime wall_{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};
};

// Timers on the fake clock: run_due() runs every timer whose time has come, earliest first.
class FakeTimers final : public Timers {
 public:
  explicit FakeTimers(const Clock& clock) : clock_(clock) {}

  Id after(Duration delay, std::function<void()> fn) override {
    return add(delay, Duration::zero(), std::move(fn));
  }
  Id every(Duration interval, std::function<void()> fn) override {
    EXPECT_GT(interval, Duration::zero()) << "Timers::every needs an interval > 0";
    return add(interval, interval, std::move(fn));
  }
  void cancel(Id id) override { timers_.erase(id); }

  // Runs the due timers (a repeating one at most once per call, then one interval later).
  void run_due() {
    std::vector<Id> due;
    for (const auto& [id, t] : timers_) {
      if (t.at <= clock_.now()) due.push_back(id);
    }
    std::sort(due.begin(), due.end(),
              [&](Id a, Id b) { return timers_.at(a).at < timers_.at(b).at; });
    for (Id id : due) {
      auto it = timers_.find(id);
      if (it == timers_.end()) continue;  // cancelled by an earlier one
      auto fn = it->second.fn;
      if (it->second.interval > Duration::zero()) {
        it->second.at = clock_.now() + it->second.interval;
      } else {
        timers_.erase(it);
      }
      fn();
    }
  }
  [[nodiscard]] std::size_t active() const { return timers_.size(); }
  // The interval of a repeating timer (zero for a one-off or an unknown id).
  [[nodiscard]] Duration interval(Id id) const {
    auto it = timers_.find(id);
    return it == timers_.end() ? Duration::zero() : it->second.interval;
  }

 private:
  struct Timer {
    TimePoint at;
    Duration interval;
    std::function<void()> fn;
  };
  Id add(Duration delay, Duration interval, std::function<void()> fn) {
    timers_[++next_] = Timer{clock_.now() + delay, interval, std::move(fn)};
    return next_;
  }
  const Clock& clock_;
  Id next_ = 0;
  std::map<Id, Timer> timers_;
};

// Jobs kept in memory. The engine's at-most-once claim is modelled: a one-off job is gone before
// its handler runs, a repeating one has its next due time moved on.
class FakeJobs final : public Jobs {
 public:
  struct Scheduled {
    std::string kind;
    JobSchedule when;
    boost::json::object payload;
  };

  void handle(std::string kind, JobHandler handler) override {
    handlers[std::move(kind)] = std::move(handler);
  }
  void schedule(std::string id, std::string kind, JobSchedule when, boost::json::object payload,
                JobDone done) override {
    if (fail_with.empty()) scheduled[id] = Scheduled{std::move(kind), when, std::move(payload)};
    if (done) done(fail_with);
  }
  void cancel(std::string id, JobDone done) override {
    if (fail_with.empty()) {
      scheduled.erase(id);
      cancelled.push_back(id);
    }
    if (done) done(fail_with);
  }

  // Runs the job `id` now (for its current due time). False when there is no such job or no
  // handler for its kind.
  bool fire(const std::string& id) {
    auto it = scheduled.find(id);
    if (it == scheduled.end()) return false;
    auto handler = handlers.find(it->second.kind);
    if (handler == handlers.end()) return false;
    JobRun run{id, it->second.kind, it->second.payload, it->second.when.at,
               it->second.when.interval.has_value()};
    if (run.repeating) {
      it->second.when.at +=
          std::chrono::duration_cast<WallTime::duration>(*it->second.when.interval);
    } else {
      scheduled.erase(it);  // claimed before the handler runs
    }
    handler->second(run);
    return true;
  }
  // Fires every job due at `now`, earliest first. Returns how many ran.
  int run_due(WallTime now) {
    std::vector<std::pair<WallTime, std::string>> due;
    for (const auto& [id, job] : scheduled) {
      if (job.when.at <= now) due.emplace_back(job.when.at, id);
    }
    std::sort(due.begin(), due.end());
    int ran = 0;
    for (const auto& [at, id] : due) ran += fire(id) ? 1 : 0;
    return ran;
  }

  std::map<std::string, JobHandler> handlers;
  std::map<std::string, Scheduled> scheduled;
  std::vector<std::string> cancelled;
  std::string fail_with;  // non-empty: schedule/cancel fail with this error and change nothing
};

// Settings from a JSON object over declared defaults. Numbers and booleans read as text, as the
// engine gives them ("5", "true").
class FakeSettings final : public Settings {
 public:
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const override {
    if (const auto* v = values.if_contains(key)) {
      if (v->is_string()) return std::string(v->get_string());
      return boost::json::serialize(*v);
    }
    if (auto it = defaults.find(std::string(key)); it != defaults.end() && !it->second.empty()) {
      return it->second;
    }
    return std::nullopt;
  }
  [[nodiscard]] const boost::json::object& config() const override { return values; }

  boost::json::object values;
  std::map<std::string, std::string> defaults;
};

// Users in a map; callbacks run at once.
class FakeUsers final : public Users {
 public:
  void hold_message(HeldMessage message, UsersDone done) override {
    held.push_back(std::move(message));
    if (done) done("");
  }
  void find(std::int64_t id, UserFound done) override {
    auto it = records.find(id);
    done(it == records.end() ? std::nullopt : std::optional<UserRecord>(it->second), "");
  }
  void find_by_username(std::string_view username, UserFound done) override {
    if (!username.empty() && username.front() == '@') username.remove_prefix(1);
    std::optional<UserRecord> best;
    for (const auto& [id, user] : records) {
      if (lower(user.username) == lower(username) &&
          (!best || user.last_seen_ms > best->last_seen_ms)) {
        best = user;
      }
    }
    done(best, "");
  }
  void add_tag(std::int64_t id, std::string tag, UsersDone done) override {
    auto& tags = records[id].tags;
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
    if (done) done("");
  }
  void remove_tag(std::int64_t id, std::string tag, UsersDone done) override {
    auto& tags = records[id].tags;
    tags.erase(std::remove(tags.begin(), tags.end(), tag), tags.end());
    if (done) done("");
  }
  void set_banned(std::int64_t id, bool banned, UsersDone done) override {
    records[id].banned = banned;
    if (done) done("");
  }
  // The store's own filter over each record as the engine stores it (users_directory.cpp).
  void select_ids(boost::json::object filter, UserIdsFound done) override {
    std::vector<std::int64_t> ids;
    try {
      const auto compiled = store::Filter::compile(filter);
      for (const auto& [id, user] : records) {
        boost::json::array tags;
        for (const auto& t : user.tags) tags.emplace_back(t);
        const boost::json::object doc{{"_id", id},
                                      {"first_name", user.first_name},
                                      {"last_name", user.last_name},
                                      {"username", user.username},
                                      {"username_lc", lower(user.username)},
                                      {"language_code", user.language_code},
                                      {"first_seen", user.first_seen_ms},
                                      {"last_seen", user.last_seen_ms},
                                      {"tags", std::move(tags)},
                                      {"blocked", user.blocked},
                                      {"banned", user.banned},
                                      {"unreachable", unreachable[id]}};
        if (!user.banned && compiled.matches(doc)) ids.push_back(id);
      }
    } catch (const std::exception& e) {
      return done({}, e.what());
    }
    done(std::move(ids), "");
  }
  void mark_unreachable(std::int64_t id, std::string reason, UsersDone done) override {
    records[id].blocked = true;
    unreachable[id] = std::move(reason);
    if (done) done("");
  }

  // --- Statistics, search and listing ---
  void statistics(StatisticsDone done) override { done(stats, ""); }
  void search(std::string query, std::size_t limit, UsersFound done) override {
    std::vector<UserRecord> out;
    if (!query.empty() && query[0] == '@') query.erase(0, 1);
    for (const auto& [id, user] : records) {
      const bool hit =
          std::to_string(id) == query || lower(user.username) == lower(query) ||
          lower(user.first_name + " " + user.last_name).find(lower(query)) != std::string::npos;
      if (hit && out.size() < limit) out.push_back(user);
    }
    done(std::move(out), "");
  }
  void all(UsersFound done) override {
    std::vector<UserRecord> out;
    for (const auto& [id, user] : records) out.push_back(user);
    done(std::move(out), "");
  }

  std::map<std::int64_t, UserRecord> records;
  std::map<std::int64_t, std::string> unreachable;  // mark_unreachable's reasons
  std::vector<HeldMessage> held;                    // hold_message's, in order
  Statistics stats;                                 // what statistics() answers

 private:
  static std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
};

// The engine's admin side, in memory; callbacks run at once.
class FakeAdminControl final : public AdminControl {
 public:
  [[nodiscard]] std::vector<AdminBinding> bindings() const override { return binding_list; }
  [[nodiscard]] bool has_owner() const override { return owner != 0; }
  [[nodiscard]] bool is_owner_code(std::string_view given) const override {
    return owner == 0 && !code.empty() && given == code;
  }
  void claim_ownership(std::int64_t user_id, std::string_view given,
                       std::function<void(bool, const std::string&)> done) override {
    const bool ok = owner == 0 && !code.empty() && given == code;
    if (ok) {
      owner = user_id;
      code.clear();
    }
    done(ok, "");
  }
  [[nodiscard]] bool maintenance() const override { return maintenance_on; }
  void set_maintenance(bool on, AdminDone done) override {
    maintenance_on = on;
    if (done) done("");
  }
  [[nodiscard]] EngineFigures figures() const override { return engine_figures; }
  void read_collection(std::string_view module, std::string_view collection,
                       DocumentsRead done) override {
    auto it = collections.find(std::string(module) + "." + std::string(collection));
    if (it == collections.end()) return done({}, "no such exportable collection");
    done(it->second, "");
  }
  // Answers at once with `backup` (or `backup_error`), counting requests.
  void take_backup(std::size_t max_bytes, BackupTaken done) override {
    ++backups_taken;
    backup_limit = max_bytes;
    done(backup_error.empty() ? backup : StoreBackup{}, backup_error);
  }

  std::vector<AdminBinding> binding_list;
  std::int64_t owner = 0;
  std::string code;
  bool maintenance_on = false;
  EngineFigures engine_figures;
  std::map<std::string, std::vector<boost::json::object>> collections;  // "module.collection"
  StoreBackup backup;
  std::string backup_error;
  int backups_taken = 0;
  std::size_t backup_limit = 0;
};

// Removes the temporary database when the services go (declared first, so it goes last).
struct TempFile {
  explicit TempFile(std::string p) : path(std::move(p)) {}
  ~TempFile() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path + suffix, ignored);
    }
  }
  std::string path;
};

class FakeServices final : public ModuleServices {
 public:
  explicit FakeServices(std::string module_name)
      : db_(temp_path(module_name)),
        name_(std::move(module_name)),
        documents_(open_store("sqlite://" + db_.path)),
        // One worker: store work runs and answers in the order it was asked, so tests are
        // deterministic.
        async_(
            documents_, [this](std::function<void()> fn) { queue_.post(std::move(fn)); }, 1),
        store_(async_, name_) {}

  // Takes the module's declared setting defaults and lists it in modules().
  void declare(const ModuleInfo& info) {
    for (const auto& s : info.settings) settings_.defaults[s.key] = s.default_value;
    infos.push_back(info);
  }

  // --- ModuleServices ---
  [[nodiscard]] const std::string& module_name() const override { return name_; }
  [[nodiscard]] Sender& sender() override { return recorded; }
  [[nodiscard]] const Clock& clock() const override { return clock_; }
  [[nodiscard]] Timers& timers() override { return timers_; }
  [[nodiscard]] Jobs& jobs() override { return jobs_; }
  [[nodiscard]] const Settings& settings() const override { return settings_; }
  [[nodiscard]] Users& users() override { return users_; }
  [[nodiscard]] ModuleStore& store() override { return store_; }
  [[nodiscard]] std::shared_ptr<const Content> content() const override { return content_; }
  [[nodiscard]] const std::vector<ModuleInfo>& modules() const override { return infos; }
  void reload_content(std::function<void(const ReloadReport&)> done) override {
    reloads.push_back(std::move(done));
  }
  // Recorded in `reported_errors`, and in `logs` at error level (as the engine logs it).
  void report_error(std::string_view message) override {
    reported_errors.emplace_back(message);
    logs.emplace_back(LogLevel::kError, std::string(message));
  }
  void log(LogLevel level, std::string_view message) override {
    logs.emplace_back(level, std::string(message));
  }
  [[nodiscard]] AdminControl& admin() override { return admin_; }

  // Routes registered with serve_admin_api, for a test to call.
  void serve_admin_api(std::string route, AdminApiHandler handler) override {
    admin_routes[std::move(route)] = std::move(handler);
  }
  std::map<std::string, AdminApiHandler> admin_routes;

  // --- Driving the fakes ---
  // Moves the clock on, then runs the timers and jobs that became due.
  void advance(Duration d) {
    clock_.advance(d);
    timers_.run_due();
    jobs_.run_due(clock_.wall());
  }
  // Runs store results as they arrive until `done()` holds (see Inbox::run_until).
  bool run_store_until(const std::function<bool()>& done) { return queue_.run_until(done); }
  bool run_store_until(const std::function<bool()>& done, std::chrono::seconds deadline) {
    return queue_.run_until(done, deadline);
  }
  // Answers every reload_content() call made so far with `report`.
  void finish_reload(const ReloadReport& report) {
    auto pending = std::move(reloads);
    reloads.clear();
    for (auto& done : pending) done(report);
  }
  void set_content(std::shared_ptr<const Content> content) { content_ = std::move(content); }
  // The module's collections, synchronously (for a test's setup and checks).
  Collection& collection(std::string_view name) {
    return documents_->collection(store_.full_name(name));
  }

  FakeClock& fake_clock() { return clock_; }
  FakeTimers& fake_timers() { return timers_; }
  FakeJobs& fake_jobs() { return jobs_; }
  FakeSettings& fake_settings() { return settings_; }
  FakeUsers& fake_users() { return users_; }
  FakeAdminControl& fake_admin() { return admin_; }

  RecordingSender recorded;
  std::vector<ModuleInfo> infos;
  std::vector<std::function<void(const ReloadReport&)>> reloads;
  std::vector<std::pair<LogLevel, std::string>> logs;
  std::vector<std::string> reported_errors;  // report_error(), in order

 private:
  static std::string temp_path(const std::string& module) {
    static std::atomic<int> counter{0};
    return (std::filesystem::temp_directory_path() /
            ("corebot-fake-" + module + "-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter++) + ".db"))
        .string();
  }

  TempFile db_;
  std::string name_;
  FakeClock clock_;
  FakeTimers timers_{clock_};
  FakeJobs jobs_;
  FakeSettings settings_;
  FakeUsers users_;
  FakeAdminControl admin_;
  std::shared_ptr<const Content> content_;
  Inbox queue_;
  std::shared_ptr<DocumentStore> documents_;
  AsyncStore async_;  // after queue_ and documents_: its destructor posts its last results
  ModuleStore store_;
};

}  // namespace corebot::testing
