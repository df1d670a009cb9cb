// What the admin sees of a mailing: the live progress message (edited every few seconds, with
// Pause / Resume / Cancel) and the final report.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "corebot/content.hpp"
#include "modules/mailing/mailing.hpp"

namespace corebot::modules::mailing {

// "▓▓▓▓░░░░░░" for done/total (ten cells).
[[nodiscard]] std::string progress_bar(std::int64_t done, std::int64_t total);
// "1 h 05 min", "3 min 20 s", "12 s".
[[nodiscard]] std::string duration_text(std::int64_t seconds);

// The progress message's text; `rate` in recipients per second.
[[nodiscard]] std::string progress_text(const Mailing& m, double rate, const Content* content);
// Its inline keyboard (buttons by status; none when final), as reply_markup.
[[nodiscard]] boost::json::object progress_markup(const Mailing& m, const Content* content);
// The final report.
[[nodiscard]] std::string report_text(const Mailing& m, const Content* content);
// "2026-01-01 10:00" (UTC) for Unix ms.
[[nodiscard]] std::string utc_time(std::int64_t ms);

}  // namespace corebot::modules::mailing
