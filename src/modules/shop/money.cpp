#include "modules/shop/money.hpp"

#include <array>

namespace corebot::modules::shop {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

int currency_exponent(std::string_view currency) {
  const std::string c = upper(currency);
  static constexpr std::array<std::string_view, 13> kNone = {
      "XTR", "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG", "XAF", "XOF", "RWF", "BIF", "GNF"};
  static constexpr std::array<std::string_view, 5> kThree = {"BHD", "JOD", "KWD", "OMR", "TND"};
  for (auto n : kNone) {
    if (c == n) return 0;
  }
  for (auto n : kThree) {
    if (c == n) return 3;
  }
  return 2;
}

bool is_currency_code(std::string_view code) {
  if (code.size() != 3) return false;
  for (char ch : code) {
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) return false;
  }
  return true;
}

std::optional<std::int64_t> parse_price(std::string_view text, int exponent) {
  constexpr std::int64_t kLimit = 1'000'000'000'000'000;  // 10^15 minor units
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  int decimals = -1;  // -1: no separator yet
  bool digits = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch >= '0' && ch <= '9') {
      digits = true;
      if (decimals >= 0) {
        if (++decimals > exponent) return std::nullopt;
        fraction = fraction * 10 + (ch - '0');
      } else {
        whole = whole * 10 + (ch - '0');
        if (whole > kLimit) return std::nullopt;
      }
    } else if ((ch == '.' || ch == ',') && decimals < 0 && digits) {
      decimals = 0;
    } else if ((ch == ' ' || ch == '\'') && decimals < 0 && digits) {
      continue;  // a group separator: "1 200"
    } else if (static_cast<unsigned char>(ch) == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0xA0 && decimals < 0 && digits) {
      ++i;  // a no-break space, as spreadsheets write groups
    } else {
      return std::nullopt;
    }
  }
  if (!digits || decimals == 0) return std::nullopt;  // "", "12."
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  for (int i = decimals < 0 ? 0 : decimals; i < exponent; ++i) fraction *= 10;
  const std::int64_t total = whole * scale + fraction;
  if (total > kLimit) return std::nullopt;
  return total;
}

std::string format_amount(std::int64_t minor, int exponent) {
  const bool negative = minor < 0;
  std::string digits = std::to_string(negative ? -minor : minor);
  if (exponent > 0) {
    if (digits.size() <= static_cast<std::size_t>(exponent)) {
      digits.insert(0, static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(exponent), ".");
  }
  if (negative) digits.insert(digits.begin(), '-');
  return digits;
}

std::string format_price(std::int64_t minor, std::string_view currency) {
  const std::string c = upper(currency);
  if (c == "XTR") return format_amount(minor, 0) + " ⭐";
  return format_amount(minor, currency_exponent(c)) + " " + c;
}

}  // namespace corebot::modules::shop
