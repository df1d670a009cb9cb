#include "app/users_statistics.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "app/user_tracker.hpp"
#include "app/users_directory.hpp"
#include "corebot/ascii.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

void add_user_id(const json::value& id, std::vector<std::int64_t>& ids) {
  if (const auto* n = id.if_int64()) ids.push_back(*n);
}

}  // namespace

// Held as one sorted vector of ids (8 bytes a user) for the one day being counted.
std::int64_t count_active_users(Collection& activity, std::int64_t day) {
  std::vector<std::int64_t> ids;
  FindOptions only_users;
  only_users.projection = {{"user", 1}, {"users", 1}};
  auto cursor = activity.find_cursor({{"day", day}}, only_users);
  for (auto batch = cursor->next_batch(); !batch.empty(); batch = cursor->next_batch()) {
    for (const json::object& doc : batch) {
      if (const json::value* one = doc.if_contains("user")) add_user_id(*one, ids);
      if (const json::value* many = doc.if_contains("users"); many && many->is_array()) {
        for (const json::value& id : many->get_array()) add_user_id(id, ids);
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  return std::unique(ids.begin(), ids.end()) - ids.begin();
}

Users::Statistics count_statistics(DocumentStore& store, std::int64_t now_ms) {
  Collection& users = store.collection(UserTracker::kCollection);
  Users::Statistics s;
  s.total = users.count({});
  auto since = [&](const char* field, std::int64_t ms) {
    return users.count({{field, {{"$gte", now_ms - ms}}}});
  };
  s.new_24h = since("first_seen", kDayMs);
  s.new_7d = since("first_seen", 7 * kDayMs);
  s.new_30d = since("first_seen", 30 * kDayMs);
  s.active_24h = since("last_seen", kDayMs);
  s.active_7d = since("last_seen", 7 * kDayMs);
  s.active_30d = since("last_seen", 30 * kDayMs);
  s.blocked = users.count({{"blocked", true}});
  s.banned = users.count({{"banned", true}});

  std::map<std::string, std::int64_t> languages;
  FindOptions only_language;
  only_language.projection = {{"language_code", 1}};
  auto cursor = users.find_cursor({}, only_language);
  for (auto batch = cursor->next_batch(); !batch.empty(); batch = cursor->next_batch()) {
    for (const json::object& doc : batch) {
      const json::value* lang = doc.if_contains("language_code");
      ++languages[lang && lang->is_string() ? ascii::lower(lang->get_string()) : std::string()];
    }
  }
  s.by_language.assign(languages.begin(), languages.end());
  std::stable_sort(s.by_language.begin(), s.by_language.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });

  const std::int64_t today = now_ms / kDayMs;
  if (auto doc = store.collection(kDailyUpdatesCollection).find_one({{"_id", today}})) {
    if (const json::value* n = doc->if_contains("updates"); n && n->is_int64()) {
      s.updates_today = n->get_int64();
    }
  }
  Collection& activity = store.collection(kActivityCollection);
  for (std::int64_t day = today - 29; day <= today; ++day) {
    Users::Day d;
    d.start_ms = day * kDayMs;
    d.new_users =
        users.count({{"first_seen", {{"$gte", d.start_ms}, {"$lt", d.start_ms + kDayMs}}}});
    d.active_users = count_active_users(activity, day);
    s.days.push_back(d);
  }
  return s;
}

std::vector<UserRecord> search_users(DocumentStore& store, const std::string& raw,
                                     std::size_t limit) {
  Collection& users = store.collection(UserTracker::kCollection);
  std::string query = raw;
  query.erase(0, query.find_first_not_of(' '));
  query.erase(query.find_last_not_of(' ') + 1);
  std::vector<UserRecord> out;
  if (query.empty() || limit == 0) return out;
  FindOptions recent;
  recent.sort = {{"last_seen", -1}};
  if (query.find_first_not_of("0123456789") == std::string::npos && query.size() < 19) {
    if (auto doc = users.find_one({{"_id", std::stoll(query)}})) {
      out.push_back(UsersDirectory::to_record(*doc));
    }
    return out;
  }
  if (query[0] == '@') {
    recent.limit = static_cast<std::int64_t>(limit);
    for (const auto& doc : users.find({{"username_lc", ascii::lower(query.substr(1))}}, recent)) {
      out.push_back(UsersDirectory::to_record(doc));
    }
    return out;
  }
  // A part of a name: the store has no substring filter, so the names are scanned here.
  const std::string needle = ascii::lower(query);
  auto cursor = users.find_cursor({}, recent);
  for (auto batch = cursor->next_batch(); !batch.empty() && out.size() < limit;
       batch = cursor->next_batch()) {
    for (const json::object& doc : batch) {
      UserRecord user = UsersDirectory::to_record(doc);
      const std::string hay =
          ascii::lower(user.first_name + " " + user.last_name + " " + user.username);
      if (hay.find(needle) != std::string::npos) out.push_back(std::move(user));
      if (out.size() >= limit) break;
    }
  }
  return out;
}

}  // namespace corebot::app
