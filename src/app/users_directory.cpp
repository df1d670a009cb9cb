#include "app/users_directory.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "app/held_messages.hpp"
#include "app/user_tracker.hpp"
#include "app/users_statistics.hpp"
#include "corebot/ascii.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

std::string text(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t number(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

bool flag(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::string message_of(const StoreError& e) { return e.what(); }

}  // namespace

UsersDirectory::UsersDirectory(AsyncStore& store, const core::Clock& clock)
    : store_(store), clock_(clock) {}

UsersDirectory::~UsersDirectory() = default;

UserRecord UsersDirectory::to_record(const json::object& doc) {
  UserRecord user;
  user.id = number(doc, "_id");
  user.first_name = text(doc, "first_name");
  user.last_name = text(doc, "last_name");
  user.username = text(doc, "username");
  user.language_code = text(doc, "language_code");
  user.first_seen_ms = number(doc, "first_seen");
  user.last_seen_ms = number(doc, "last_seen");
  user.blocked = flag(doc, "blocked");
  user.banned = flag(doc, "banned");
  if (const json::value* tags = doc.if_contains("tags"); tags && tags->is_array()) {
    for (const auto& t : tags->get_array()) {
      if (t.is_string()) user.tags.emplace_back(t.get_string());
    }
  }
  return user;
}

void UsersDirectory::load(std::function<void(const std::string&)> done) {
  std::weak_ptr<char> alive = alive_;
  store_.run(
      [](DocumentStore& s) {
        FindOptions options;
        options.projection = {{"_id", 1}};
        std::vector<std::int64_t> ids;
        for (const auto& doc :
             s.collection(UserTracker::kCollection).find({{"banned", true}}, options)) {
          if (doc.at("_id").is_int64()) ids.push_back(doc.at("_id").get_int64());
        }
        return ids;
      },
      [this, alive, done = std::move(done)](StoreResult<std::vector<std::int64_t>> r) {
        if (!alive.lock()) return;
        if (r) banned_.insert(r.value().begin(), r.value().end());
        if (done) done(r ? std::string() : message_of(r.error()));
      });
}

void UsersDirectory::find_one(json::object filter, json::object sort, UserFound done) {
  store_.run(
      [filter = std::move(filter), sort = std::move(sort)](DocumentStore& s) {
        FindOptions options;
        options.sort = sort;
        return s.collection(UserTracker::kCollection).find_one(filter, options);
      },
      [done = std::move(done)](StoreResult<std::optional<json::object>> r) {
        if (!r) return done(std::nullopt, message_of(r.error()));
        if (!r.value()) return done(std::nullopt, "");
        done(to_record(*r.value()), "");
      });
}

void UsersDirectory::find(std::int64_t id, UserFound done) {
  find_one({{"_id", id}}, {}, std::move(done));
}

void UsersDirectory::find_by_username(std::string_view username, UserFound done) {
  if (!username.empty() && username.front() == '@') username.remove_prefix(1);
  if (username.empty()) return done(std::nullopt, "");
  // The most recently seen holder: a name that changed hands resolves to its new owner.
  find_one({{"username_lc", ascii::lower(username)}}, {{"last_seen", -1}}, std::move(done));
}

void UsersDirectory::update(std::int64_t id, json::object update, UsersDone done) {
  store_.run(
      [id, update = std::move(update)](DocumentStore& s) {
        return s.collection(UserTracker::kCollection).update_one({{"_id", id}}, update).matched;
      },
      [id, done = std::move(done)](StoreResult<std::int64_t> r) {
        if (!done) return;
        if (!r) return done(message_of(r.error()));
        done(r.value() == 0 ? "no user " + std::to_string(id) : std::string());
      });
}

void UsersDirectory::hold_message(HeldMessage message, UsersDone done) {
  if (!held_) return Users::hold_message(std::move(message), std::move(done));
  held_->hold(std::move(message), std::move(done));
}

void UsersDirectory::add_tag(std::int64_t id, std::string tag, UsersDone done) {
  update(id, {{"$addToSet", {{"tags", tag}}}}, std::move(done));
}

void UsersDirectory::remove_tag(std::int64_t id, std::string tag, UsersDone done) {
  update(id, {{"$pull", {{"tags", tag}}}}, std::move(done));
}

void UsersDirectory::set_banned(std::int64_t id, bool banned, UsersDone done) {
  // Memory first: the ban holds for the very next update, whatever the store answers.
  if (banned) {
    banned_.insert(id);
  } else {
    banned_.erase(id);
  }
  update(id, {{"$set", {{"banned", banned}}}}, std::move(done));
}

void UsersDirectory::select_ids(json::object filter, UserIdsFound done) {
  store_.run(
      [filter = std::move(filter)](DocumentStore& s) {
        // The caller's filter AND not banned: a banned user is nobody's audience.
        json::object both{{"$and", json::array{filter, json::object{{"banned", {{"$ne", true}}}}}}};
        FindOptions options;
        options.projection = {{"_id", 1}};
        std::vector<std::int64_t> ids;
        auto cursor = s.collection(UserTracker::kCollection).find_cursor(both, options);
        for (auto batch = cursor->next_batch(1024); !batch.empty();
             batch = cursor->next_batch(1024)) {
          for (const auto& doc : batch) {
            if (doc.at("_id").is_int64()) ids.push_back(doc.at("_id").get_int64());
          }
        }
        std::sort(ids.begin(), ids.end());
        return ids;
      },
      [done = std::move(done)](StoreResult<std::vector<std::int64_t>> r) {
        if (!r) return done({}, message_of(r.error()));
        done(std::move(r.value()), "");
      });
}

void UsersDirectory::mark_unreachable(std::int64_t id, std::string reason, UsersDone done) {
  update(id, {{"$set", {{"blocked", true}, {"unreachable", std::move(reason)}}}}, std::move(done));
}

void UsersDirectory::statistics(StatisticsDone done) {
  const std::int64_t now = core::wall_millis(clock_);
  store_.run([now](DocumentStore& s) { return count_statistics(s, now); },
             [done = std::move(done)](StoreResult<Statistics> r) {
               if (!r) return done({}, message_of(r.error()));
               done(r.value(), "");
             });
}

void UsersDirectory::search(std::string query, std::size_t limit, UsersFound done) {
  store_.run(
      [query = std::move(query), limit](DocumentStore& s) { return search_users(s, query, limit); },
      [done = std::move(done)](StoreResult<std::vector<UserRecord>> r) {
        if (!r) return done({}, message_of(r.error()));
        done(std::move(r.value()), "");
      });
}

void UsersDirectory::all(UsersFound done) {
  store_.run(
      [](DocumentStore& s) {
        std::vector<UserRecord> out;
        FindOptions by_id;
        by_id.sort = {{"_id", 1}};
        auto cursor = s.collection(UserTracker::kCollection).find_cursor({}, by_id);
        for (auto batch = cursor->next_batch(); !batch.empty(); batch = cursor->next_batch()) {
          for (const auto& doc : batch) out.push_back(to_record(doc));
        }
        return out;
      },
      [done = std::move(done)](StoreResult<std::vector<UserRecord>> r) {
        if (!r) return done({}, message_of(r.error()));
        done(std::move(r.value()), "");
      });
}

}  // namespace corebot::app
