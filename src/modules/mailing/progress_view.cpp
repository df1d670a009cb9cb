#include "modules/mailing/progress_view.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "modules/mailing/texts.hpp"

namespace corebot::modules::mailing {
namespace json = boost::json;

namespace {

std::string status_text(const Mailing& m, const Content* content) {
  return say(content, m.language, "mailing_status_" + std::string(to_string(m.status)));
}

json::object button(std::string text, std::string data) {
  return {{"text", std::move(text)}, {"callback_data", std::move(data)}};
}

}  // namespace

std::string progress_bar(std::int64_t done, std::int64_t total) {
  const int cells = 10;
  const int full = total <= 0 ? cells : static_cast<int>(done * cells / total);
  std::string bar;
  for (int i = 0; i < cells; ++i) bar += i < full ? "▓" : "░";
  return bar;
}

std::string duration_text(std::int64_t seconds) {
  char out[48];
  if (seconds >= 3600) {
    std::snprintf(out, sizeof out, "%lld h %02lld min", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds % 3600 / 60));
  } else if (seconds >= 60) {
    std::snprintf(out, sizeof out, "%lld min %02lld s", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  } else {
    std::snprintf(out, sizeof out, "%lld s",
                  static_cast<long long>(std::max<std::int64_t>(seconds, 0)));
  }
  return out;
}

std::string utc_time(std::int64_t ms) {
  const std::chrono::sys_seconds t{std::chrono::seconds(ms / 1000)};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u %02lld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(hms.hours().count()),
                static_cast<long long>(hms.minutes().count()));
  return out;
}

std::string progress_text(const Mailing& m, double rate, const Content* content) {
  if (m.status == Status::kScheduled) {
    return say(content, m.language, "mailing_scheduled_at",
               {{"id", m.id}, {"when", utc_time(m.start_at_ms)}});
  }
  const std::int64_t done = m.counts.done();
  const std::int64_t percent = m.total > 0 ? done * 100 / m.total : 100;
  std::string eta = "—";
  if (m.status == Status::kRunning && rate > 0) {
    eta = duration_text(static_cast<std::int64_t>(std::ceil(static_cast<double>(m.left()) / rate)));
  }
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%.1f", rate);
  return say(content, m.language, "mailing_progress",
             {{"id", m.id},
              {"status", status_text(m, content)},
              {"bar", progress_bar(done, m.total)},
              {"percent", std::to_string(percent)},
              {"sent", std::to_string(m.counts.sent)},
              {"blocked", std::to_string(m.counts.blocked)},
              {"failed", std::to_string(m.counts.failed)},
              {"left", std::to_string(m.left())},
              {"total", std::to_string(m.total)},
              {"rate", rate_text},
              {"eta", eta}});
}

json::object progress_markup(const Mailing& m, const Content* content) {
  json::array row;
  if (m.status == Status::kRunning) {
    row.push_back(button(say(content, m.language, "mailing_pause"), "mailing:pause:" + m.id));
  } else if (m.status == Status::kPaused) {
    row.push_back(button(say(content, m.language, "mailing_resume"), "mailing:resume:" + m.id));
  }
  if (!is_final(m.status)) {
    row.push_back(
        button(say(content, m.language, "mailing_cancel_mailing"), "mailing:cancel:" + m.id));
  }
  json::array keyboard;
  if (!row.empty()) keyboard.push_back(std::move(row));
  return {{"inline_keyboard", std::move(keyboard)}};
}

std::string report_text(const Mailing& m, const Content* content) {
  const std::int64_t seconds =
      m.started_ms > 0 && m.finished_ms >= m.started_ms ? (m.finished_ms - m.started_ms) / 1000 : 0;
  return say(content, m.language, "mailing_report",
             {{"id", m.id},
              {"status", status_text(m, content)},
              {"total", std::to_string(m.total)},
              {"sent", std::to_string(m.counts.sent)},
              {"blocked", std::to_string(m.counts.blocked)},
              {"failed", std::to_string(m.counts.failed)},
              {"left", std::to_string(m.left())},
              {"duration", duration_text(seconds)}});
}

}  // namespace corebot::modules::mailing
