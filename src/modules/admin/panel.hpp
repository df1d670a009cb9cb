// Helpers the admin panel's sections share: buttons, showing a screen, dates.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "corebot/clock.hpp"
#include "corebot/context.hpp"

namespace corebot::modules::admin {

// One row with one callback button.
boost::json::array button_row(std::string text, std::string_view callback_data);
// The "« Menu" row.
boost::json::array back_row(const Context& ctx);
// Shows a screen: edits the message whose button was pressed, or sends a new one (a command, a
// typed answer).
void show(Context& ctx, std::string text, boost::json::array keyboard);
// "2026-12-07 04:15 UTC"; "—" for 0.
std::string format_time(std::int64_t unix_ms);
// The clock's wall time now in UTC, strftime's `format` (file names: "%Y-%m-%d").
std::string utc_now(const Clock& clock, const char* format);
// "1 d 2 h", "3 h 4 min", "5 min".
std::string format_duration(std::int64_t seconds);
// The part of callback data after "admin:<section>:" ("" when none).
std::string_view argument(std::string_view data, std::size_t index);

}  // namespace corebot::modules::admin
