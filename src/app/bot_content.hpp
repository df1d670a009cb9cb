// The bot's live content: the spreadsheet named by [content] source, compiled against what the
// registered modules declare, loaded at start, reloaded when a module asks (the admin module's
// /reload and Reload button, through ModuleServices::reload_content) or when the file changes. A
// reload compiles off the event loop and swaps the snapshot atomically; on errors the previous
// content stays live and the report says why.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "content/content_holder.hpp"
#include "content/module_declarations.hpp"
#include "content/source.hpp"
#include "corebot/context.hpp"
#include "corebot/module.hpp"
#include "corebot/registry.hpp"
#include "net/event_loop.hpp"

namespace corebot::app {

// What every registered module declared about content, as the compiler takes it.
content::CompileOptions content_options(const ModuleRegistry& registry);

// The first load failed; what() has one line per problem, then a summary line.
class ContentLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The text an admin gets after a reload ("Content reloaded: 5 pages..." or the errors), cut to
// fit one Telegram message.
std::string reload_message(const content::Report& report, bool swapped,
                           const content::ContentSnapshot* snapshot);

class BotContent {
 public:
  using ReloadDone = std::function<void(const content::Report& report, bool swapped)>;

  // source: a file, a CSV folder or an http(s) link (content/source.hpp).
  BotContent(std::string source, const ModuleRegistry& registry, net::EventLoop& loop,
             content::SourceOptions options = {});
  ~BotContent();
  BotContent(const BotContent&) = delete;
  BotContent& operator=(const BotContent&) = delete;

  // Loads the source, blocking (call before the loop runs). Throws ContentLoadError on errors;
  // warnings are logged. A link that cannot be used (down, or its content has errors) falls back
  // to the copy of its last good download (SourceOptions::cache_dir), with a warning.
  void load_initial();
  // The live snapshot (never null after load_initial()). Thread-safe.
  [[nodiscard]] std::shared_ptr<const content::ContentSnapshot> current() const {
    return holder_.current();
  }
  [[nodiscard]] const std::string& source() const { return source_; }

  // Reloads on a worker thread; `done` runs on the loop thread. Requests made while a reload runs
  // share the next one's outcome. Loop thread.
  void reload(ReloadDone done);
  // Every `interval_s` seconds checks on a worker whether the source changed (a file's size and
  // mtime; a link's ETag/Last-Modified or bytes) and reloads it when it did; the report goes to
  // the log. A poll never overlaps a reload.
  void start_polling(int interval_s);
  void stop();

  // Runs on the loop thread after every reload or poll that put new content live (the engine
  // publishes the command menu again when the content changed what it offers).
  std::function<void()> on_swapped;

  [[nodiscard]] std::uint64_t reloads() const { return reloads_; }
  [[nodiscard]] std::uint64_t failed_reloads() const { return failed_reloads_; }

 private:
  // poll: read only if the source changed; an unchanged source ends without a report.
  void start_worker(bool poll = false);
  void finished(std::optional<content::Report> report);
  void keep_good_copy();  // a link's good content, for a start while the link is down (worker)

  const std::string source_;
  const std::string shown_;  // source_ as logs may show it (no password)
  net::EventLoop& loop_;
  content::ContentSource reader_;  // used by the worker only
  content::ContentHolder holder_;
  std::thread worker_;
  bool running_ = false;             // a reload is in progress
  bool again_ = false;               // another was asked for meanwhile
  std::vector<ReloadDone> waiting_;  // for the reload in progress
  std::vector<ReloadDone> next_;     // for the one after it
  int poll_s_ = 0;
  bool stopped_ = false;
  std::uint64_t reloads_ = 0;
  std::uint64_t failed_reloads_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::app
