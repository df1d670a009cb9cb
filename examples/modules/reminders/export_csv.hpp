// The admins' export of pending reminders as a CSV file (RFC 4180: comma-separated, CRLF, quotes
// doubled), one row per reminder: due time (UTC), user id, chat id, text.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace reminders {

// `items` are documents of the "items" collection (reminders_module.hpp), in the order wanted.
std::string reminders_csv(const std::vector<boost::json::object>& items);

}  // namespace reminders
