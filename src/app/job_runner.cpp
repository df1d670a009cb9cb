#include "app/job_runner.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <deque>

#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

std::string key_of(const std::string& module, const std::string& id) { return module + "/" + id; }

std::int64_t to_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::int64_t int_field(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

std::string string_field(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

constexpr std::int64_t kMaxRetryMs = 60'000;

}  // namespace

// One module's view: ids and kinds are prefixed with its name on the way in.
class JobRunner::ModuleJobs final : public Jobs {
 public:
  ModuleJobs(JobRunner& runner, std::string module) : runner_(runner), module_(std::move(module)) {}
  void handle(std::string kind, JobHandler handler) override {
    runner_.handle(module_, std::move(kind), std::move(handler));
  }
  void schedule(std::string id, std::string kind, JobSchedule when, json::object payload,
                JobDone done) override {
    runner_.schedule(module_, std::move(id), std::move(kind), when, std::move(payload),
                     std::move(done));
  }
  void cancel(std::string id, JobDone done) override {
    runner_.cancel(module_, std::move(id), std::move(done));
  }

 private:
  JobRunner& runner_;
  std::string module_;
};

// Store writes of the runner go one at a time, in the order they were made: AsyncStore's
// workers would otherwise let a cancel overtake the schedule it cancels.
template <class Work, class Done>
void JobRunner::serial(Work work, Done done) {
  ops_.push_back([this, work = std::move(work), done = std::move(done)]() mutable {
    std::weak_ptr<char> alive = alive_;
    store_.run(std::move(work), [this, alive, done = std::move(done)](auto result) mutable {
      if (!alive.lock()) return;
      done(std::move(result));
      op_running_ = false;
      next_op();
    });
  });
  next_op();
}

void JobRunner::next_op() {
  if (op_running_ || ops_.empty()) return;
  op_running_ = true;
  auto op = std::move(ops_.front());
  ops_.pop_front();
  op();
}

JobRunner::JobRunner(AsyncStore& store, core::Executor& executor, const core::Clock& clock,
                     ErrorSink on_error)
    : store_(store), executor_(executor), clock_(clock), on_error_(std::move(on_error)) {}

JobRunner::~JobRunner() {
  if (timer_) executor_.cancel(*timer_);
}

Jobs& JobRunner::for_module(const std::string& module) {
  auto& view = views_[module];
  if (!view) view = std::make_unique<ModuleJobs>(*this, module);
  return *view;
}

std::int64_t JobRunner::now_ms() const { return to_ms(clock_.wall()); }

void JobRunner::handle(const std::string& module, std::string kind, JobHandler handler) {
  handlers_[module + "/" + kind] = std::move(handler);
  if (started_) arm();
}

void JobRunner::schedule(const std::string& module, std::string id, std::string kind,
                         JobSchedule when, json::object payload, JobDone done) {
  Entry entry;
  entry.module = module;
  entry.id = std::move(id);
  entry.kind = std::move(kind);
  entry.due_ms = to_ms(when.at);
  entry.interval_ms =
      when.interval
          ? std::max<std::int64_t>(
                1, std::chrono::duration_cast<std::chrono::milliseconds>(*when.interval).count())
          : 0;
  entry.payload = std::move(payload);
  const std::string key = key_of(module, entry.id);
  json::object doc{{"module", entry.module},
                   {"id", entry.id},
                   {"kind", entry.kind},
                   {"due_ms", entry.due_ms},
                   {"interval_ms", entry.interval_ms},
                   {"payload", entry.payload}};
  jobs_[key] = std::move(entry);
  serial(
      [key, doc = std::move(doc)](DocumentStore& s) {
        s.collection(kCollection).replace_one({{"_id", key}}, doc, {.upsert = true});
      },
      [this, key, done = std::move(done)](StoreResult<std::monostate> r) {
        if (!r) {
          ++stats_.store_failures;
          COREBOT_LOG_ERROR("jobs: cannot store job {}: {}", key, r.error().what());
        }
        if (done) done(r ? std::string() : std::string(r.error().what()));
      });
  if (started_) arm();
}

void JobRunner::cancel(const std::string& module, std::string id, JobDone done) {
  const std::string key = key_of(module, id);
  jobs_.erase(key);
  serial(
      [key](DocumentStore& s) {
        s.collection(kCollection).delete_one({{"_id", key}});
      },
      [this, key, done = std::move(done)](StoreResult<std::monostate> r) {
        if (!r) {
          ++stats_.store_failures;
          COREBOT_LOG_ERROR("jobs: cannot remove job {}: {}", key, r.error().what());
        }
        if (done) done(r ? std::string() : std::string(r.error().what()));
      });
}

void JobRunner::start(std::function<void()> loaded) {
  // In line with the writes, so a job cancelled before the load finished stays cancelled.
  std::weak_ptr<char> alive = alive_;
  serial([](DocumentStore& s) { return s.collection(kCollection).find({}); },
         [this, alive, loaded = std::move(loaded)](StoreResult<std::vector<json::object>> r) {
           if (!r) {
             // Without the stored jobs nothing may run: a later run could repeat one.
             ++stats_.store_failures;
             COREBOT_LOG_ERROR("jobs: cannot load the stored jobs ({}); retrying in 5 s",
                               r.error().what());
             executor_.after(std::chrono::seconds(5), [this, alive, loaded] {
               if (alive.lock() && !stopped_) start(loaded);
             });
             return;
           }
           for (const auto& doc : r.value()) {
             Entry e;
             e.module = string_field(doc, "module");
             e.id = string_field(doc, "id");
             e.kind = string_field(doc, "kind");
             e.due_ms = int_field(doc, "due_ms");
             e.interval_ms = int_field(doc, "interval_ms");
             if (const json::value* p = doc.if_contains("payload"); p && p->is_object()) {
               e.payload = p->get_object();
             }
             if (e.module.empty() || e.id.empty()) continue;
             // A job scheduled since start() was called is newer than the stored copy; one
             // cancelled since is gone from the store too (the load came after the delete).
             jobs_.try_emplace(key_of(e.module, e.id), std::move(e));
           }
           COREBOT_LOG_INFO("jobs: {} stored job(s)", jobs_.size());
           started_ = true;
           arm();
           if (loaded) loaded();
         });
}

void JobRunner::stop() {
  stopped_ = true;
  if (timer_) executor_.cancel(*timer_);
  timer_.reset();
}

void JobRunner::arm() {
  if (!started_ || stopped_) return;
  std::optional<std::int64_t> earliest;
  for (const auto& [key, e] : jobs_) {
    if (e.claiming || !handlers_.count(e.module + "/" + e.kind)) continue;
    if (!earliest || e.due_ms < *earliest) earliest = e.due_ms;
  }
  if (!earliest) {
    if (timer_) executor_.cancel(*timer_);
    timer_.reset();
    return;
  }
  if (store_failures_in_a_row_ > 0) {
    const std::int64_t backoff =
        std::min<std::int64_t>(kMaxRetryMs, 1000LL << std::min(store_failures_in_a_row_, 6));
    earliest = std::max(*earliest, now_ms() + backoff);
  }
  if (timer_ && timer_due_ms_ == *earliest) return;
  if (timer_) executor_.cancel(*timer_);
  const auto delay = std::chrono::milliseconds(std::max<std::int64_t>(0, *earliest - now_ms()));
  std::weak_ptr<char> alive = alive_;
  timer_due_ms_ = *earliest;
  timer_ = executor_.after(delay, [this, alive] {
    if (!alive.lock()) return;
    timer_.reset();
    run_due();
  });
}

void JobRunner::run_due() {
  if (stopped_) return;
  const std::int64_t now = now_ms();
  std::vector<std::string> due;
  for (const auto& [key, e] : jobs_) {
    if (e.claiming || e.due_ms > now) continue;
    if (!handlers_.count(e.module + "/" + e.kind)) continue;
    due.push_back(key);
  }
  for (const auto& key : due) claim(key);
  arm();
}

void JobRunner::claim(const std::string& key) {
  Entry& e = jobs_.at(key);
  e.claiming = true;
  const std::int64_t due = e.due_ms;
  std::int64_t next = 0;
  if (e.interval_ms > 0) {
    // Missed runs collapse into this one; the rhythm goes on from now.
    next = due + e.interval_ms;
    const std::int64_t now = now_ms();
    if (next <= now) next = now + e.interval_ms;
  }
  serial(
      [key, due, next](DocumentStore& s) -> std::int64_t {
        auto& jobs = s.collection(kCollection);
        json::object filter{{"_id", key}, {"due_ms", due}};
        if (next == 0) return jobs.delete_one(filter);
        return jobs.update_one(filter, {{"$set", {{"due_ms", next}}}}).matched;
      },
      [this, key, due, next](StoreResult<std::int64_t> r) {
        auto it = jobs_.find(key);
        const bool unchanged = it != jobs_.end() && it->second.due_ms == due;
        if (it != jobs_.end()) it->second.claiming = false;
        if (!r) {
          ++stats_.store_failures;
          ++store_failures_in_a_row_;
          COREBOT_LOG_ERROR("jobs: cannot claim the run of {} ({}); trying again later", key,
                            r.error().what());
          return arm();
        }
        store_failures_in_a_row_ = 0;
        if (r.value() == 0) {
          // Replaced or cancelled meanwhile: the newer state is in memory already.
          ++stats_.skipped;
          return arm();
        }
        // The claim is in the store: from here on this due time never runs again.
        Entry snapshot;
        if (it != jobs_.end()) snapshot = it->second;
        if (unchanged) {
          if (next == 0) {
            jobs_.erase(it);
          } else {
            it->second.due_ms = next;
          }
        }
        if (!snapshot.module.empty()) run(snapshot, due);
        arm();
      });
}

void JobRunner::run(const Entry& entry, std::int64_t due_ms) {
  auto handler = handlers_.find(entry.module + "/" + entry.kind);
  if (handler == handlers_.end()) return;
  JobRun job;
  job.id = entry.id;
  job.kind = entry.kind;
  job.payload = entry.payload;
  job.due =
      WallTime{std::chrono::duration_cast<WallTime::duration>(std::chrono::milliseconds(due_ms))};
  job.repeating = entry.interval_ms > 0;
  ++stats_.runs;
  try {
    handler->second(job);
  } catch (const std::exception& e) {
    ++stats_.failures;
    if (on_error_) on_error_(entry.module, "job " + entry.id + " failed: " + e.what());
  }
}

}  // namespace corebot::app
