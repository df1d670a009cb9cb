#include "content/schema.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "content/text.hpp"

namespace corebot::content {
namespace {

// ISO 639-1, the codes Telegram reports in User.language_code (before any region).
constexpr std::array<std::string_view, 184> kLanguages = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu"};

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

std::string quoted(std::string_view v) { return "\"" + excerpt(v) + "\""; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

bool parse_double(std::string_view v, double* out) {
  std::string s(v);
  std::replace(s.begin(), s.end(), ',', '.');
  if (s.empty() || s.find_first_not_of("+-0123456789.eE") != std::string::npos) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

}  // namespace

bool is_language_code(std::string_view code) {
  const std::string c = fold_case(code);
  const std::string_view base = std::string_view(c).substr(0, c.find('-'));
  if (!std::binary_search(kLanguages.begin(), kLanguages.end(), base)) return false;
  if (base.size() == c.size()) return true;
  const std::string_view region = std::string_view(c).substr(base.size() + 1);
  return region.size() >= 2 && region.size() <= 4 &&
         std::all_of(region.begin(), region.end(),
                     [](char ch) { return is_ascii_alpha(ch) || is_digit(ch); });
}

bool is_url(std::string_view v) {
  const std::string lower = fold_case(v.substr(0, 8));
  size_t scheme = 0;
  if (lower.rfind("https://", 0) == 0)
    scheme = 8;
  else if (lower.rfind("http://", 0) == 0)
    scheme = 7;
  else if (lower.rfind("tg://", 0) == 0)
    scheme = 5;
  if (scheme == 0 || v.size() <= scheme) return false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  }
  return true;
}

bool is_id(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) continue;  // letters of other scripts
    if (!is_ascii_alpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return v.find("\xC2\xA0") == std::string_view::npos;
}

bool is_date_time(std::string_view v) {
  // YYYY-MM-DD HH:MM, optionally :SS; a 'T' in place of the space.
  if (v.size() != 16 && v.size() != 19) return false;
  auto num = [&](std::size_t at, std::size_t n, int lo, int hi) {
    int x = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!is_digit(v[i])) return false;
      x = x * 10 + (v[i] - '0');
    }
    return x >= lo && x <= hi;
  };
  if (v[4] != '-' || v[7] != '-' || (v[10] != ' ' && v[10] != 'T') || v[13] != ':') return false;
  if (v.size() == 19 && (v[16] != ':' || !num(17, 2, 0, 59))) return false;
  if (!num(0, 4, 1970, 9999) || !num(5, 2, 1, 12) || !num(11, 2, 0, 23) || !num(14, 2, 0, 59)) {
    return false;
  }
  const int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
  const unsigned m = static_cast<unsigned>((v[5] - '0') * 10 + (v[6] - '0'));
  const unsigned d = static_cast<unsigned>((v[8] - '0') * 10 + (v[9] - '0'));
  return is_digit(v[8]) && is_digit(v[9]) &&
         std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d}}
             .ok();
}

std::optional<bool> parse_boolean(std::string_view value) {
  const std::string v = fold_case(trim(value));
  if (v == "yes" || v == "true" || v == "on" || v == "1" || v == "y") return true;
  if (v == "no" || v == "false" || v == "off" || v == "0" || v == "n") return false;
  return std::nullopt;
}

std::optional<CheckFailure> check_value(ColumnType type, std::string_view v,
                                        const std::vector<std::string>& choices) {
  double d = 0;
  switch (type) {
    case ColumnType::kText:
      return std::nullopt;
    case ColumnType::kId:
    case ColumnType::kPageRef:
      if (is_id(v)) return std::nullopt;
      return CheckFailure{quoted(v) + " is not a valid id",
                          "use one word: letters, digits, _ - . (no spaces)"};
    case ColumnType::kInteger: {
      std::string_view digits = v;
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
      if (all_digits(digits) && digits.size() <= 18) return std::nullopt;
      return CheckFailure{quoted(v) + " is not a whole number", "write digits only, e.g. 42"};
    }
    case ColumnType::kNumber:
      if (parse_double(v, &d)) return std::nullopt;
      return CheckFailure{quoted(v) + " is not a number", "write a number such as 12 or 3.5"};
    case ColumnType::kBoolean:
      if (parse_boolean(v)) return std::nullopt;
      return CheckFailure{quoted(v) + " is not yes or no", "write yes or no"};
    case ColumnType::kUrl:
      if (is_url(v)) return std::nullopt;
      return CheckFailure{quoted(v) + " is not a link",
                          "a link starts with https://, http:// or tg://"};
    case ColumnType::kLanguage:
      if (is_language_code(v)) return std::nullopt;
      return CheckFailure{"unknown language code " + quoted(v),
                          "use a two-letter ISO 639-1 code such as en, ru, de or es, optionally "
                          "with a region: pt-br"};
    case ColumnType::kEnum: {
      const std::string f = fold_case(v);
      for (const auto& c : choices) {
        if (fold_case(c) == f) return std::nullopt;
      }
      return CheckFailure{quoted(v) + " is not one of the allowed values",
                          "write one of: " + join(choices)};
    }
    case ColumnType::kDateTime:
      if (is_date_time(v)) return std::nullopt;
      return CheckFailure{quoted(v) + " is not a date and time",
                          "write it as YYYY-MM-DD HH:MM, e.g. 2026-12-07 14:30"};
    case ColumnType::kTelegramUser: {
      if (all_digits(v) && v.size() <= 15) return std::nullopt;
      if (v.size() >= 6 && v.size() <= 33 && v[0] == '@' && is_ascii_alpha(v[1]) &&
          std::all_of(v.begin() + 1, v.end(),
                      [](char c) { return is_ascii_alpha(c) || is_digit(c) || c == '_'; })) {
        return std::nullopt;
      }
      return CheckFailure{quoted(v) + " is not a Telegram user id or @username",
                          "write the numeric user id (e.g. 123456789) or the @username (5-32 "
                          "letters, digits or _)"};
    }
  }
  return std::nullopt;
}

}  // namespace corebot::content
