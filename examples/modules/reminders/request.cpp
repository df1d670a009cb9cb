#include "request.hpp"

#include <charconv>
#include <cstdio>

namespace reminders {

namespace {

std::string_view trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\n\r");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\n\r");
  return s.substr(begin, end - begin + 1);
}

// Characters, not bytes: a Russian reminder is as long as an English one of the same length.
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::optional<std::int64_t> parse_number(std::string_view digits) {
  // Digits only (from_chars would take a sign); 9 of them cannot overflow.
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

Parsed parse_request(std::string_view args) {
  args = trim(args);
  const auto space = args.find_first_of(" \t\n");
  const std::string_view delay = args.substr(0, space);
  const std::string_view text =
      space == std::string_view::npos ? std::string_view() : trim(args.substr(space));
  if (delay.size() < 2 || text.empty()) return {};
  const auto number = parse_number(delay.substr(0, delay.size() - 1));
  if (!number) return {};
  std::chrono::seconds unit{};
  switch (delay.back()) {
    case 's':
    case 'S':
      unit = std::chrono::seconds(1);
      break;
    case 'm':
    case 'M':
      unit = std::chrono::minutes(1);
      break;
    case 'h':
    case 'H':
      unit = std::chrono::hours(1);
      break;
    case 'd':
    case 'D':
      unit = std::chrono::hours(24);
      break;
    default:
      return {};
  }
  Parsed out;
  if (*number == 0) {
    out.error = RequestError::kZero;
  } else if (*number > kMaxDelay / unit) {
    out.error = RequestError::kTooFar;
  } else if (utf8_length(text) > kMaxTextChars) {
    out.error = RequestError::kTooLong;
  } else {
    out.request = Request{*number * unit, std::string(text)};
  }
  return out;
}

std::optional<std::int64_t> parse_index(std::string_view args) {
  auto n = parse_number(trim(args));
  if (!n || *n < 1) return std::nullopt;
  return n;
}

std::string format_delay(std::int64_t ms) {
  const std::int64_t s = ms <= 0 ? 0 : (ms + 999) / 1000;  // "1s" rather than "0s" for 400 ms
  const std::int64_t parts[] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
  const char* const units[] = {"d", "h", "m", "s"};
  int i = 0;
  while (i < 3 && parts[i] == 0) ++i;
  std::string out = std::to_string(parts[i]) + units[i];
  if (i < 3 && parts[i + 1] != 0) out += " " + std::to_string(parts[i + 1]) + units[i + 1];
  return out;
}

std::string format_utc(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_ms)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[64];  // room for any int the format could print
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()));
  return buf;
}

}  // namespace reminders
