#include "app/bot_content.hpp"

#include <boost/json.hpp>

#include <filesystem>

#include "core/log.hpp"
#include "corebot/utf8.hpp"

namespace corebot::app {
namespace fs = std::filesystem;

content::CompileOptions content_options(const ModuleRegistry& registry) {
  return content::compile_options(registry.infos());
}

namespace {

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Telegram's limit is 4096 UTF-16 code units (corebot/utf8.hpp), not bytes: a report in Russian
// fits as many lines as one in English. Leave room for the head and the closing line.
constexpr std::size_t kMaxReport = 3500;

}  // namespace

std::string reload_message(const content::Report& report, bool swapped,
                           const content::ContentSnapshot* snapshot) {
  std::string head;
  if (swapped && snapshot) {
    head = "Content reloaded: " + plural(snapshot->pages().size(), "page") + ", " +
           plural(snapshot->languages().size(), "language") + ", " +
           plural(snapshot->admins().size(), "admin") + ".";
    if (report.warning_count() > 0) head += " " + plural(report.warning_count(), "warning") + ":";
  } else {
    head = "The spreadsheet has " + report.summary() +
           ". The bot keeps showing the previous content until you fix them:";
  }
  std::string body;
  std::size_t body_length = 0;
  std::size_t shown = 0;
  for (const content::Problem& p : report.problems()) {
    std::string line =
        std::string(p.severity == content::Severity::kError ? "✗ " : "⚠ ") + p.to_string() + "\n";
    const std::size_t length = utf8::utf16_length(line);
    if (body_length + length > kMaxReport) break;
    body += line;
    body_length += length;
    ++shown;
  }
  if (shown < report.problems().size()) {
    body += "… and " + std::to_string(report.problems().size() - shown) +
            " more (run `corebot check` for the full list)\n";
  }
  return body.empty() ? head : head + "\n" + body;
}

BotContent::BotContent(std::string source, const ModuleRegistry& registry, net::EventLoop& loop,
                       content::SourceOptions options)
    : source_(std::move(source)),
      shown_(content::display_source(source_)),
      loop_(loop),
      reader_(source_, options),
      holder_(content_options(registry), options.limits) {}

BotContent::~BotContent() {
  *alive_ = false;
  if (worker_.joinable()) worker_.join();
}

void BotContent::load_initial() {
  content::Report report = holder_.load(reader_.read().result);
  if (!report.has_errors()) {
    keep_good_copy();
  } else if (!reader_.cache_file().empty()) {
    // The link is down or its content broken: start from its last good download, if any.
    content::Report cached = holder_.load(reader_.read_cached().result);
    if (!cached.has_errors()) {
      COREBOT_LOG_WARN(
          "content: {} cannot be used now ({}); starting from the copy of its last good download "
          "({}). Fix the link and /reload.",
          shown_, report.summary(), reader_.cache_file().string());
      for (const content::Problem& p : report.problems()) {
        COREBOT_LOG_WARN("content: {}", p.to_string());
      }
      report = std::move(cached);
    }
  }
  if (report.has_errors() || !holder_.current()) {
    std::string message = "content error: " + shown_ + " cannot be used:\n";
    for (const content::Problem& p : report.problems()) {
      message += (p.severity == content::Severity::kError ? "error: " : "warning: ") +
                 p.to_string() + "\n";
    }
    message += shown_ + ": " + report.summary() + " (check it with: corebot check " + shown_ + ")";
    throw ContentLoadError(message);
  }
  for (const content::Problem& p : report.problems()) {
    COREBOT_LOG_WARN("content: {}", p.to_string());
  }
  const auto snapshot = holder_.current();
  COREBOT_LOG_INFO("content: loaded {} ({} pages, {} languages, {} admins)", shown_,
                   snapshot->pages().size(), snapshot->languages().size(),
                   snapshot->admins().size());
}

void BotContent::reload(ReloadDone done) {
  if (stopped_) return;
  if (running_) {
    again_ = true;
    if (done) next_.push_back(std::move(done));
    return;
  }
  if (done) waiting_.push_back(std::move(done));
  start_worker();
}

void BotContent::start_worker(bool poll) {
  running_ = true;
  if (worker_.joinable()) worker_.join();  // the previous one has posted its result: done
  std::weak_ptr<bool> alive = alive_;
  worker_ = std::thread([this, alive, poll] {
    auto started = std::chrono::steady_clock::now();
    std::optional<content::Report> report;
    // Nothing may escape this thread: an exception here would end the process, which is what
    // reading in a child process (isolated_read.hpp) exists to prevent. The old content stays.
    try {
      content::SourceRead read = reader_.read(poll);
      if (!read.unchanged) {
        if (poll && read.result.ok()) COREBOT_LOG_INFO("content: {} changed, reloading", shown_);
        report = holder_.load(std::move(read.result));
        if (!report->has_errors()) keep_good_copy();
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
        COREBOT_LOG_INFO("content: reload of {} took {} ms: {}", shown_, ms, report->summary());
      }
    } catch (const std::exception& e) {
      report.emplace();
      report->error("", "", std::string("the reload failed inside the engine (") + e.what() + ")",
                    "the previous content stays live; try again, and if it repeats, look at the "
                    "engine's log");
      COREBOT_LOG_ERROR("content: reload of {} failed: {}", shown_, e.what());
    }
    loop_.post([this, alive, report = std::move(report)]() mutable {
      if (alive.lock()) finished(std::move(report));
    });
  });
}

void BotContent::keep_good_copy() {
  if (const std::string error = reader_.remember_good(); !error.empty()) {
    COREBOT_LOG_WARN("content: no copy of {} kept for starts while it is unreachable: {}", shown_,
                     error);
  }
}

void BotContent::finished(std::optional<content::Report> report) {
  running_ = false;
  if (report) {  // nullopt: a poll found the source unchanged, nobody waits for it
    const bool swapped = !report->has_errors();
    ++reloads_;
    if (!swapped) {
      ++failed_reloads_;
      COREBOT_LOG_WARN("content: reload refused, the previous content stays: {}",
                       report->summary());
      for (const content::Problem& p : report->problems()) {
        COREBOT_LOG_WARN("content: {}", p.to_string());
      }
    }
    if (swapped && on_swapped) on_swapped();
    auto callbacks = std::move(waiting_);
    waiting_.clear();
    for (auto& cb : callbacks) cb(*report, swapped);
  }
  if (again_ && !stopped_) {
    again_ = false;
    waiting_ = std::move(next_);
    next_.clear();
    start_worker();
  }
}

void BotContent::start_polling(int interval_s) {
  if (interval_s <= 0) return;
  poll_s_ = interval_s;
  std::weak_ptr<bool> alive = alive_;
  loop_.after(std::chrono::seconds(poll_s_), [this, alive] {
    if (!alive.lock() || stopped_) return;
    if (!running_) start_worker(/*poll=*/true);
    start_polling(poll_s_);
  });
}

void BotContent::stop() { stopped_ = true; }

}  // namespace corebot::app
