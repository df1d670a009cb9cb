// What the engine gives a module for its whole life (Module::start): everything a module may use
// besides the Context of one update. All references stay valid until the module's stop()
// returned. Thread: the loop thread, for every call and every callback, unless a function says
// otherwise.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corebot/admin.hpp"
#include "corebot/clock.hpp"
#include "corebot/jobs.hpp"
#include "corebot/sender.hpp"
#include "corebot/settings.hpp"
#include "corebot/store.hpp"
#include "corebot/timers.hpp"
#include "corebot/users.hpp"

namespace corebot {

class Content;
struct ModuleInfo;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// The module's own collections. Every name is given the module's prefix ("<module>.<name>"), so a
// module reads and writes only its own data; other data comes through interfaces (Users).
class ModuleCollections {
 public:
  ModuleCollections(DocumentStore& store, std::string prefix)
      : store_(store), prefix_(std::move(prefix)) {}
  // The collection "<module>.<name>" (created on first write).
  Collection& collection(std::string_view name) {
    return store_.collection(prefix_ + std::string(name));
  }

 private:
  DocumentStore& store_;
  std::string prefix_;
};

// The module's data, off the loop: `work(ModuleCollections&)` runs on a store worker thread and
// may block; `done(StoreResult<R>)` runs on the loop thread (see AsyncStore::run).
class ModuleStore {
 public:
  ModuleStore(AsyncStore& store, std::string module) : store_(store), prefix_(module + ".") {}
  template <class Work, class Done>
  void run(Work work, Done done) {
    store_.run(
        [work = std::move(work), prefix = prefix_](DocumentStore& s) mutable {
          ModuleCollections collections(s, prefix);
          return work(collections);
        },
        std::move(done));
  }
  // The full name of one of the module's collections ("quiz.scores"), for logs and exports.
  [[nodiscard]] std::string full_name(std::string_view name) const {
    return prefix_ + std::string(name);
  }

 private:
  AsyncStore& store_;
  std::string prefix_;
};

// The outcome of a content reload, as an admin reads it.
struct ReloadReport {
  bool ok = false;      // the new content is live (warnings may remain)
  std::string message;  // the report for the admin, in English, fit for one Telegram message
};

// A request to the engine's local admin HTTP API (admin.listen, behind the admin token) on a route
// a module serves (ModuleServices::serve_admin_api).
struct AdminApiRequest {
  std::string method;  // "GET" or "POST" (HEAD arrives as GET)
  // The path's segments after "/admin/<route>": "/admin/broadcast/m1/pause" -> {"m1", "pause"}.
  std::vector<std::string> path;
  boost::json::object body;  // POST: the JSON object sent (the engine refuses anything else)
};
// The answer: an HTTP status and the whole JSON body, by convention {"ok":true,"result":...} or
// {"ok":false,"error":"what is wrong — how to fix it"}.
struct AdminApiReply {
  int status = 200;
  boost::json::value body;
};
// Answers through `reply`, exactly once, now or later (on the loop thread).
using AdminApiHandler =
    std::function<void(const AdminApiRequest& request, std::function<void(AdminApiReply)> reply)>;

class ModuleServices {
 public:
  virtual ~ModuleServices() = default;

  [[nodiscard]] virtual const std::string& module_name() const = 0;
  // Bot API calls, through the outbox (priorities, rate limits, retries, uploads).
  [[nodiscard]] virtual Sender& sender() = 0;
  [[nodiscard]] virtual const Clock& clock() const = 0;
  [[nodiscard]] virtual Timers& timers() = 0;
  [[nodiscard]] virtual Jobs& jobs() = 0;
  [[nodiscard]] virtual const Settings& settings() const = 0;
  [[nodiscard]] virtual Users& users() = 0;
  [[nodiscard]] virtual ModuleStore& store() = 0;
  // The live content snapshot (nullptr without a spreadsheet). Outside an update, take it again
  // each time: a reload replaces it.
  [[nodiscard]] virtual std::shared_ptr<const Content> content() const = 0;
  // What every running module declared, in registration order (the admin panel lists their
  // admin_menu entries from here).
  [[nodiscard]] virtual const std::vector<ModuleInfo>& modules() const = 0;
  // Reloads the spreadsheet; `done` gets the report (errors keep the old content live).
  virtual void reload_content(std::function<void(const ReloadReport&)> done) = 0;
  // Writes to the engine's log with the module's name in front.
  virtual void log(LogLevel level, std::string_view message) = 0;
  // A failure the module caught itself (a Lua module's handler that raised or hit a limit):
  // logged at error level with the module's name and counted with the modules' errors (the
  // metric corebot_module_errors_total), like an exception thrown by a C++ module. Telling the
  // admins is the module's part.
  virtual void report_error(std::string_view message) { log(LogLevel::kError, message); }

  // --- The admin HTTP API ---
  // Serves "/admin/<route>" and everything under it (GET and POST) with `handler`, for scripts
  // and the `corebot` CLI. Call it in start(); `route` is one path segment ([a-z0-9_-]+) no other
  // module or the engine serves (the engine's own: status). A second registration of a route
  // replaces the first. Without an admin endpoint (admin.listen unset) nothing is served.
  virtual void serve_admin_api(std::string route, AdminApiHandler handler) {
    (void)route;
    (void)handler;
  }
  // --- The admin panel's engine side (corebot/admin.hpp) -----------------------------------
  // Bindings, ownership, maintenance mode, the engine's figures, exportable collections.
  [[nodiscard]] virtual AdminControl& admin() = 0;
};

}  // namespace corebot
