// The bot's users as modules see them: everyone who wrote to the bot (recorded by the engine from
// every update), with what Telegram said about them and what the bot learned (blocked, banned,
// tags). Modules read users through this interface, never through the engine's collection.
// Thread: the loop thread for every call and every callback.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corebot {

struct UserRecord {
  std::int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::string username;            // without '@', as Telegram spells it; empty when none
  std::string language_code;       // Telegram's, e.g. "ru"
  std::int64_t first_seen_ms = 0;  // Unix milliseconds
  std::int64_t last_seen_ms = 0;
  bool blocked = false;  // the user blocked the bot (a send got 403)
  bool banned = false;   // an admin banned the user: their updates reach no module
  std::vector<std::string> tags;
};

// A send the bot could not deliver because the user has not started the bot (Telegram answers
// 400 "chat not found" to a bot writing first, 403 when the user blocked it), or an @username
// whose id the bot does not know yet. Kept until that user writes to the bot.
struct HeldMessage {
  std::int64_t user_id = 0;    // 0 when only the username is known
  std::string username;        // without '@', any case; used when user_id is 0
  std::string method;          // "sendMessage", "sendPhoto" with a file id... (no uploads)
  boost::json::object params;  // chat_id is set to the user's id when it is delivered
  std::string recipient;       // who it was for, for the log: "admin Anna (@anna)"
  std::string reason;          // why it was not delivered: Telegram's description
};

// Empty on success, else what failed (the store's error).
using UsersDone = std::function<void(const std::string& error)>;
using UserFound = std::function<void(std::optional<UserRecord> user, const std::string& error)>;
// Ids of users, ascending; `error` non-empty (and `ids` empty) when the store failed.
using UserIdsFound = std::function<void(std::vector<std::int64_t> ids, const std::string& error)>;

class Users {
 public:
  virtual ~Users() = default;
  // The user with that Telegram id; nullopt when the bot never saw them.
  virtual void find(std::int64_t id, UserFound done) = 0;
  // The user who holds `username` now ('@' optional, any case): the one seen most recently with
  // it, so a username that changed hands resolves to its current holder. nullopt when none.
  virtual void find_by_username(std::string_view username, UserFound done) = 0;
  virtual void add_tag(std::int64_t id, std::string tag, UsersDone done = {}) = 0;
  virtual void remove_tag(std::int64_t id, std::string tag, UsersDone done = {}) = 0;
  virtual void set_banned(std::int64_t id, bool banned, UsersDone done = {}) = 0;

  // --- Statistics, search and listing (the admin panel) ------------------------------------
  // The defaults answer "not available" (an implementation without them, e.g. a test fake).

  // One UTC day of the 30-day series.
  struct Day {
    std::int64_t start_ms = 0;  // 00:00 UTC, Unix milliseconds
    std::int64_t new_users = 0;
    std::int64_t active_users = 0;  // users who sent anything that day
  };
  struct Statistics {
    std::int64_t total = 0;
    std::int64_t new_24h = 0, new_7d = 0, new_30d = 0;           // first seen within
    std::int64_t active_24h = 0, active_7d = 0, active_30d = 0;  // last seen within
    std::int64_t blocked = 0;
    std::int64_t banned = 0;
    std::vector<std::pair<std::string, std::int64_t>> by_language;  // most users first; "" unknown
    std::int64_t updates_today = 0;  // updates from users since 00:00 UTC
    std::vector<Day> days;           // the last 30 UTC days, oldest first, today last
  };
  using StatisticsDone = std::function<void(const Statistics& stats, const std::string& error)>;
  using UsersFound = std::function<void(std::vector<UserRecord> users, const std::string& error)>;

  // The figures above, counted now.
  virtual void statistics(StatisticsDone done) { done({}, "statistics are not available"); }
  // Users matching `query`: a numeric id, an @username (its current holder first), or a part of
  // the first name, last name or username (any case); at most `limit`, most recently seen first.
  virtual void search(std::string query, std::size_t limit, UsersFound done) {
    (void)query;
    (void)limit;
    done({}, "search is not available");
  }
  // Every user, by id (for exports).
  virtual void all(UsersFound done) { done({}, "listing users is not available"); }
  // Keeps `message` durably and sends it (Priority::kNotification, oldest first) as soon as that
  // user next writes to the bot; logs a warning naming the recipient and the reason. `done` says
  // whether it was kept. Not every implementation keeps messages (unit-test fakes do not).
  virtual void hold_message(HeldMessage message, UsersDone done = {}) {
    (void)message;
    if (done) done("holding messages is not supported here");
  }

  // --- Audiences (the mailing module) ---
  // The ids of the users a store filter (corebot/store.hpp's language) matches, ascending. The
  // filter sees a user's stored fields: _id, first_name, last_name, username, username_lc,
  // language_code, first_seen and last_seen (Unix ms), updates, tags (array), blocked, banned,
  // unreachable. An invalid filter answers the store's error. Banned users are never returned.
  virtual void select_ids(boost::json::object filter, UserIdsFound done) = 0;
  // Records that the bot cannot write to this user (e.g. 400 "chat not found"): `blocked` is
  // set and `unreachable` holds `reason`, so audiences skip them, until they write again (the
  // engine clears both then, as it does for a 403 block).
  virtual void mark_unreachable(std::int64_t id, std::string reason, UsersDone done = {}) = 0;
};

}  // namespace corebot
