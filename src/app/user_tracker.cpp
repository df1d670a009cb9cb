#include "app/user_tracker.hpp"

#include <boost/json.hpp>

#include <memory>

#include "app/users_statistics.hpp"
#include "content/text.hpp"
#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

void merge(json::object& into, const json::object& from) {
  for (const auto& [key, value] : from) into[key] = value;
}

}  // namespace

UserTracker::UserTracker(AsyncStore& store, core::Executor& executor, const core::Clock& clock,
                         UserTrackerOptions options)
    : store_(store), executor_(executor), clock_(clock), options_(options) {}

UserTracker::~UserTracker() {
  *alive_ = false;
  if (timer_) executor_.cancel(*timer_);
}

UserTracker::Change& UserTracker::change_for(std::int64_t user_id) {
  Change& change = pending_[user_id];
  if (change.first_seen_ms == 0) change.first_seen_ms = core::wall_millis(clock_);
  return change;
}

void UserTracker::observe(const Context& ctx) {
  const json::object* body = nullptr;
  if (!ctx.kind().empty()) body = ctx.update().at(ctx.kind()).if_object();
  const json::value* from = body ? body->if_contains("from") : nullptr;
  if (!from || !from->is_object() || !ctx.user_id()) return;
  ++stats_.observed;
  Change& change = change_for(*ctx.user_id());
  if (change.set.empty()) change.set.reserve(8);  // what a private message sets, grown once
  for (const char* field : {"first_name", "last_name", "username", "language_code"}) {
    if (const json::value* v = from->get_object().if_contains(field); v && v->is_string()) {
      change.set[field] = *v;
    }
  }
  // Usernames are case-insensitive: this is what an @username in the Admins sheet is matched
  // against (forms sends leads to such admins by it).
  if (const json::value* v = from->get_object().if_contains("username"); v && v->is_string()) {
    change.set["username_lc"] = content::fold_case(v->get_string());
  }
  change.set["last_seen"] = core::wall_millis(clock_);
  ++change.updates;
  // A user who writes to the bot in private has not blocked it (any more).
  if (ctx.chat_id() == ctx.user_id()) {
    change.set["blocked"] = false;
    change.set["unreachable"] = "";  // see Users::mark_unreachable
  }
  schedule();
}

void UserTracker::set_blocked(std::int64_t user_id, bool blocked) {
  change_for(user_id).set["blocked"] = blocked;
  schedule();
}

void UserTracker::schedule() {
  if (pending_.size() >= options_.max_batch) return flush();
  if (timer_ || writing_) return;
  std::weak_ptr<bool> alive = alive_;
  timer_ = executor_.after(options_.flush_interval, [this, alive] {
    if (!alive.lock()) return;
    timer_.reset();
    flush();
  });
}

void UserTracker::flush(std::function<void()> done) {
  if (done) waiting_.push_back(std::move(done));
  if (writing_) return;  // the running batch's completion flushes again
  if (pending_.empty() && !series_unwritten()) {
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& fn : waiting) fn();
    return;
  }
  if (timer_) {
    executor_.cancel(*timer_);
    timer_.reset();
  }
  writing_ = true;
  std::map<std::int64_t, Change> batch = std::move(pending_);
  pending_.clear();
  // The specs are shared by the write and its completion: the write frees them on the store's
  // thread once the users are written; if that write failed, the completion takes the changes
  // back from them for the retry.
  auto specs = std::make_shared<std::vector<UpdateSpec>>();
  specs->reserve(batch.size());
  // The statistics' series: the users active today for the first time in this process (one
  // activity document per chunk of them, users_statistics.hpp), and the day's update count; and
  // what an earlier failed batch left of them.
  auto activity = std::make_shared<std::vector<json::object>>(std::move(unwritten_activity_));
  unwritten_activity_.clear();
  auto updates =
      std::make_shared<std::map<std::int64_t, std::uint64_t>>(std::move(unwritten_updates_));
  unwritten_updates_.clear();
  std::uint64_t todays_updates = 0;
  const std::int64_t today = core::wall_millis(clock_) / kDayMs;
  if (today != active_day_) {
    active_today_ = {};  // releases the buckets too
    active_day_ = today;
  }
  json::array newly_active;
  auto add_activity = [&] {
    activity->push_back({{"day", today}, {"users", std::move(newly_active)}});
    newly_active = {};
  };
  for (auto& [id, change] : batch) {
    todays_updates += change.updates;
    if (change.updates > 0 && active_today_.insert(id).second) {
      newly_active.push_back(id);
      if (newly_active.size() == kActiveUsersPerDocument) add_activity();
    }
    json::object update;
    update.reserve(3);
    update.emplace("$set", std::move(change.set));
    update.emplace("$setOnInsert", json::object{{"first_seen", change.first_seen_ms}});
    update.emplace("$inc", json::object{{"updates", change.updates}});
    specs->push_back({json::object{{"_id", id}}, std::move(update), true});
  }
  if (!newly_active.empty()) add_activity();
  stats_.active_today = active_today_.size();
  const std::size_t count = specs->size();
  std::weak_ptr<bool> alive = alive_;
  store_.run(
      // Each part of the write empties its share of the shared state once it committed, so the
      // completion knows what a failure left unwritten.
      [specs, activity, updates, today, todays_updates](DocumentStore& store) {
        const std::size_t written = store.collection(kCollection).update_each(*specs).size();
        // Written: a later failure (the statistics below) must not apply the $inc twice. Only
        // now do these users' updates join the day's count: had their write failed, restore()
        // would give the counts back to pending_, to be counted with the retry.
        specs->clear();
        if (todays_updates > 0) (*updates)[today] += todays_updates;
        if (!activity->empty()) store.collection(kActivityCollection).insert_many(*activity);
        activity->clear();
        while (!updates->empty()) {
          const auto [day, n] = *updates->begin();
          store.collection(kDailyUpdatesCollection)
              .update_one({{"_id", day}}, {{"$inc", {{"updates", static_cast<std::int64_t>(n)}}}},
                          UpdateOptions{.upsert = true});
          updates->erase(updates->begin());
        }
        return written;
      },
      [this, alive, specs, activity, updates, count](StoreResult<std::size_t> result) {
        if (!alive.lock()) return;
        writing_ = false;
        if (result) {
          ++stats_.batches;
          stats_.written += count;
        } else {
          ++stats_.failures;
          COREBOT_LOG_WARN("users: writing {} user record(s) failed, will retry: {}", count,
                           result.error().what());
          restore(*specs);
          // Kept for the next batch (what was kept before went into this one).
          unwritten_activity_ = std::move(*activity);
          unwritten_updates_ = std::move(*updates);
        }
        if (!waiting_.empty() && result) return flush();
        if (!pending_.empty() || series_unwritten()) schedule();
        // After a failure, waiters are released so shutdown is not held forever by a dead store.
        if (!result) {
          auto waiting = std::move(waiting_);
          waiting_.clear();
          for (auto& fn : waiting) fn();
        }
      });
}

void UserTracker::restore(std::vector<UpdateSpec>& failed) {
  // Newer changes (in pending_) win over the failed batch's.
  for (auto& spec : failed) {
    json::object& update = spec.update;
    Change old;
    old.set = std::move(update["$set"].as_object());
    old.first_seen_ms = update["$setOnInsert"].as_object()["first_seen"].as_int64();
    old.updates = update["$inc"].as_object()["updates"].to_number<std::uint64_t>();
    auto [it, inserted] = pending_.try_emplace(spec.filter["_id"].as_int64(), std::move(old));
    if (inserted) continue;
    json::object set = std::move(old.set);
    merge(set, it->second.set);
    it->second.set = std::move(set);
    it->second.first_seen_ms = std::min(it->second.first_seen_ms, old.first_seen_ms);
    it->second.updates += old.updates;
  }
}

}  // namespace corebot::app
