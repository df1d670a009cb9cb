// The admin panel's figures about users, counted on the store (blocking: a store worker).
// Reads the `users` collection, and the two the UserTracker keeps for this:
//   user_activity {day, users: [<user id>...]}  users who wrote on a UTC day; a user may be in
//                                               several of the day's documents (a restart
//                                               forgets who was written), so a day's active
//                                               users are the union. Before 2026-12 the tracker
//                                               wrote one {_id: "<day>:<user id>", day, user}
//                                               per user per day; those still count.
//   daily_updates {_id: <day>, updates}         updates from users per UTC day
// where <day> is the number of whole days since 1970-01-01 UTC. One activity document per batch
// instead of one per user: a new user costs one row, not two (issue 16).
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
// At most this many user ids in one activity document (~12 KB).
inline constexpr std::size_t kActiveUsersPerDocument = 1000;

// The number of users active on `day` (the union of the day's activity documents).
std::int64_t count_active_users(Collection& activity, std::int64_t day);

// The figures at `now_ms` (Unix milliseconds).
Users::Statistics count_statistics(DocumentStore& store, std::int64_t now_ms);

// Users matching a query (see Users::search).
std::vector<UserRecord> search_users(DocumentStore& store, const std::string& query,
                                     std::size_t limit);

}  // namespace corebot::app
