#include "modules/admin/panel.hpp"

#include <chrono>
#include <ctime>

#include "modules/admin/texts.hpp"

namespace corebot::modules::admin {
namespace json = boost::json;

json::array button_row(std::string text, std::string_view callback_data) {
  return json::array{json::object{{"text", std::move(text)}, {"callback_data", callback_data}}};
}

json::array back_row(const Context& ctx) {
  return button_row(say(ctx, "admin_back"), "admin:menu");
}

void show(Context& ctx, std::string text, json::array keyboard) {
  json::object extra{{"reply_markup", {{"inline_keyboard", std::move(keyboard)}}}};
  if (ctx.callback_message_id() != 0) {
    ctx.edit_text(ctx.callback_message_id(), std::move(text), std::move(extra));
  } else {
    ctx.reply(std::move(text), std::move(extra));
  }
}

std::string format_time(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "—";
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string utc_now(const Clock& clock, const char* format) {
  const std::time_t t = std::chrono::system_clock::to_time_t(clock.wall());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string format_duration(std::int64_t seconds) {
  const std::int64_t days = seconds / 86400, hours = seconds % 86400 / 3600,
                     minutes = seconds % 3600 / 60;
  if (days > 0) return std::to_string(days) + " d " + std::to_string(hours) + " h";
  if (hours > 0) return std::to_string(hours) + " h " + std::to_string(minutes) + " min";
  return std::to_string(minutes) + " min";
}

std::string_view argument(std::string_view data, std::size_t index) {
  // admin:<section>:<arg0>:<arg1>... (arguments never hold a colon).
  std::size_t pos = data.find(':');
  if (pos == std::string_view::npos) return {};
  pos = data.find(':', pos + 1);
  for (std::size_t i = 0; i < index && pos != std::string_view::npos; ++i) {
    pos = data.find(':', pos + 1);
  }
  if (pos == std::string_view::npos) return {};
  const std::size_t end = data.find(':', pos + 1);
  return data.substr(pos + 1,
                     end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
}

}  // namespace corebot::modules::admin
