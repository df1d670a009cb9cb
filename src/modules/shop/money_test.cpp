// Prices in minor units without floating point (money.hpp).
#include "modules/shop/money.hpp"

#include <gtest/gtest.h>

namespace corebot::modules::shop {
namespace {

TEST(ShopMoney, ParsesDecimalTextIntoMinorUnitsPerCurrency) {
  EXPECT_EQ(parse_price("12.50", 2), 1250);
  EXPECT_EQ(parse_price("12,5", 2), 1250);
  EXPECT_EQ(parse_price("12", 2), 1200);
  EXPECT_EQ(parse_price("0.1", 2), 10);
  EXPECT_EQ(parse_price("1 200", 0), 1200);
  EXPECT_EQ(parse_price("1\xC2\xA0"
                        "200.99",
                        2),
            120099);
  EXPECT_EQ(parse_price("0.29", 2), 29) << "no binary rounding: 0.29 is 29 cents";
  EXPECT_EQ(parse_price("1.234", 3), 1234);
  EXPECT_EQ(parse_price("250", 0), 250);
  EXPECT_FALSE(parse_price("12.5", 0)) << "yen and Stars have no decimals";
  EXPECT_FALSE(parse_price("1.234", 2));
  EXPECT_FALSE(parse_price("", 2));
  EXPECT_FALSE(parse_price("-5", 2));
  EXPECT_FALSE(parse_price("12.", 2));
  EXPECT_FALSE(parse_price(".5", 2));
  EXPECT_FALSE(parse_price("5 EUR", 2));
  EXPECT_FALSE(parse_price("1.2.3", 2));
  EXPECT_FALSE(parse_price("99999999999999999999", 2));
}

TEST(ShopMoney, ExponentsAndFormatting) {
  EXPECT_EQ(currency_exponent("JPY"), 0);
  EXPECT_EQ(currency_exponent("xtr"), 0);
  EXPECT_EQ(currency_exponent("EUR"), 2);
  EXPECT_EQ(currency_exponent("KWD"), 3);
  EXPECT_EQ(format_amount(1250, 2), "12.50");
  EXPECT_EQ(format_amount(5, 2), "0.05");
  EXPECT_EQ(format_amount(1000, 0), "1000");
  EXPECT_EQ(format_price(1250, "eur"), "12.50 EUR");
  EXPECT_EQ(format_price(25, "XTR"), "25 ⭐");
  EXPECT_TRUE(is_currency_code("rub"));
  EXPECT_FALSE(is_currency_code("RUBL"));
  EXPECT_FALSE(is_currency_code("R1B"));
}

}  // namespace
}  // namespace corebot::modules::shop
