// Prices as owners write them ("12.50", "1 200", "990,00") turned into integer minor units of a
// currency (cents, kopecks; yen and Telegram Stars have none), and back, without floating point:
// Telegram's LabeledPrice.amount is an integer in minor units, and sums must be exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace corebot::modules::shop {

// Digits after the decimal point of a currency, as Telegram counts them (its currencies.json):
// 0 for JPY, KRW, XTR (Stars) and a few others, 3 for BHD, JOD, KWD, OMR, TND, 2 otherwise.
int currency_exponent(std::string_view currency);

// Whether `code` looks like a currency: three ASCII letters (any case).
bool is_currency_code(std::string_view code);

// "12.50" in a currency with exponent 2 -> 1250. Accepts a decimal point or comma, spaces or
// apostrophes between digit groups, at most `exponent` decimals. nullopt for anything else
// (negative, empty, letters, too many decimals, over 10^15 minor units).
std::optional<std::int64_t> parse_price(std::string_view text, int exponent);

// 1250 with exponent 2 -> "12.50"; 1000 with exponent 0 -> "1000".
std::string format_amount(std::int64_t minor, int exponent);
// The amount followed by the currency: "12.50 EUR", "25 ⭐" for Stars.
std::string format_price(std::int64_t minor, std::string_view currency);

}  // namespace corebot::modules::shop
