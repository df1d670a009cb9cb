#include "modules/forms/answers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"

namespace corebot::modules::forms {
namespace {

using ascii::trim;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Checked ok(std::string value) { return {true, std::move(value), {}, {}}; }
Checked bad(std::string key, std::string fallback) {
  return {false, {}, std::move(key), std::move(fallback)};
}

Checked check_number(std::string_view v) {
  std::string s(v);
  std::replace(s.begin(), s.end(), ',', '.');
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  if (s.empty() || s.size() > 30 || s.find_first_not_of("+-0123456789.") != std::string::npos) {
    return bad("form_bad_number", "Please send a number, for example 12 or 3.5.");
  }
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) {
    return bad("form_bad_number", "Please send a number, for example 12 or 3.5.");
  }
  if (s[0] == '+') s.erase(0, 1);
  return ok(s);
}

Checked check_phone(std::string_view v) {
  std::string digits;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (is_digit(c)) {
      digits += c;
    } else if (c == '+' && digits.empty() && i == 0) {
      continue;
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      digits.clear();
      break;
    }
  }
  if (digits.size() < 7 || digits.size() > 15) {
    return bad("form_bad_phone",
               "Please press the button to share your phone number, or type it with the country "
               "code, for example +351 210 000 000.");
  }
  return ok((!v.empty() && v[0] == '+' ? "+" : "") + digits);
}

bool valid_domain(std::string_view d) {
  if (d.size() < 3 || d.size() > 253 || d.find('.') == std::string_view::npos) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == '.') {
      if (label == 0 || label > 63 || d[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(d[i]);
    if (!(std::isalnum(c) || c == '-' || c >= 0x80)) return false;
    if (label == 0 && c == '-') return false;
    ++label;
  }
  const std::string_view tld = d.substr(d.rfind('.') + 1);
  return tld.size() >= 2;
}

Checked check_email(std::string_view v) {
  const auto at = v.find('@');
  const bool shape = v.size() <= 254 && at != std::string_view::npos && at > 0 && at <= 64 &&
                     v.find('@', at + 1) == std::string_view::npos &&
                     std::none_of(v.begin(), v.end(),
                                  [](char c) {
                                    return static_cast<unsigned char>(c) <= ' ' || c == '<' ||
                                           c == '>' || c == ',' || c == ';' || c == '"';
                                  }) &&
                     valid_domain(v.substr(at + 1));
  if (!shape) return bad("form_bad_email", "Please send an e-mail address like name@example.com.");
  return ok(std::string(v));
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads up to `max` digits at `i`; -1 when there are none.
int read_int(std::string_view s, std::size_t& i, std::size_t max) {
  int n = 0;
  std::size_t start = i;
  while (i < s.size() && is_digit(s[i]) && i - start < max) n = n * 10 + (s[i++] - '0');
  return i == start ? -1 : n;
}

Checked check_date(std::string_view v) {
  const Checked failure = bad("form_bad_date", "Please send a date like 2024-05-17 or 17.05.2024.");
  std::size_t i = 0;
  int a = read_int(v, i, 4);
  if (a < 0 || i >= v.size()) return failure;
  const char sep = v[i++];
  if (sep != '-' && sep != '.' && sep != '/') return failure;
  int b = read_int(v, i, 2);
  if (b < 0 || i >= v.size() || v[i++] != sep) return failure;
  int c = read_int(v, i, 4);
  if (c < 0 || i != v.size()) return failure;
  int year = 0, month = b, day = 0;
  if (sep == '-' && a >= 1000) {
    year = a, day = c;  // ISO: year-month-day
  } else if (c >= 1000) {
    year = c, day = a;  // day.month.year, day/month/year
  } else {
    return failure;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return failure;
  if (day > kDays[month - 1] + (month == 2 && leap(year) ? 1 : 0)) return failure;
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", year, month, day);
  return ok(out);
}

}  // namespace

const std::vector<std::string>& field_type_names() {
  static const std::vector<std::string> kNames = {"text",   "number", "phone", "email",
                                                  "choice", "date",   "photo"};
  return kNames;
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  const std::string n = ascii::lower(trim(name));
  if (n.empty()) return FieldType::kText;
  const auto& names = field_type_names();
  auto it = std::find(names.begin(), names.end(), n);
  if (it == names.end()) return std::nullopt;
  return static_cast<FieldType>(it - names.begin());
}

Checked check_answer(FieldType type, std::string_view text,
                     const std::vector<std::string>& options) {
  const std::string_view v = trim(text);
  if (v.empty()) {
    if (type == FieldType::kPhoto) return bad("form_bad_photo", "Please send a photo.");
    return bad("form_empty", "Please send your answer as a message.");
  }
  switch (type) {
    case FieldType::kText:
      if (utf8::length(v) > kMaxTextAnswer) {
        return bad("form_too_long", "That is too long: please keep it under 1000 characters.");
      }
      return ok(std::string(v));
    case FieldType::kNumber:
      return check_number(v);
    case FieldType::kPhone:
      return check_phone(v);
    case FieldType::kEmail:
      return check_email(v);
    case FieldType::kDate:
      return check_date(v);
    case FieldType::kChoice:
      for (const auto& o : options) {
        if (ascii::iequals(o, v)) return ok(o);
      }
      return bad("form_bad_choice", "Please choose one of the buttons.");
    case FieldType::kPhoto:
      return bad("form_bad_photo", "Please send a photo.");
  }
  return bad("form_empty", "Please send your answer as a message.");
}

std::vector<std::string> split_options(std::string_view cell) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cell.size(); ++i) {
    if (i == cell.size() || cell[i] == '\n' || cell[i] == '|') {
      std::string_view part = trim(cell.substr(start, i - start));
      if (!part.empty()) out.emplace_back(part);
      start = i + 1;
    }
  }
  return out;
}

}  // namespace corebot::modules::forms
