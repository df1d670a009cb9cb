// The admin panel's figures about users, counted on the store (blocking: a store worker).
// Reads the `users` collection, and the two the UserTracker keeps for this:
//   user_activity {_id: "<day>:<user id>", day, user}  one per user per UTC day they wrote
//   daily_updates {_id: <day>, updates}                updates from users per UTC day
// where <day> is the number of whole days since 1970-01-01 UTC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "corebot/store.hpp"
#include "corebot/users.hpp"

namespace corebot::app {

inline constexpr std::string_view kActivityCollection = "user_activity";
inline constexpr std::string_view kDailyUpdatesCollection = "daily_updates";
inline constexpr std::int64_t kDayMs = 86'400'000;

// The figures at `now_ms` (Unix milliseconds).
Users::Statistics count_statistics(DocumentStore& store, std::int64_t now_ms);

// Users matching a query (see Users::search).
std::vector<UserRecord> search_users(DocumentStore& store, const std::string& query,
                                     std::size_t limit);

}  // namespace corebot::app
