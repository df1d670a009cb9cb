#include "sandbox/payments.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace corebot::sandbox {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// sendInvoice parameters as the validator hands them over (typed JSON).
json::object card_invoice() {
  return json::parse(R"({"title":"T-shirt","description":"Black, size M","payload":"order-1",
                         "provider_token":"284685063:TEST:abc","currency":"EUR",
                         "prices":[{"label":"T-shirt","amount":1990},
                                   {"label":"Discount","amount":-200}]})")
      .as_object();
}

json::object stars_invoice() {
  return json::parse(R"({"title":"E-book","description":"PDF","payload":"book-7",
                         "currency":"XTR","prices":[{"label":"E-book","amount":50}]})")
      .as_object();
}

std::string error_of(const json::object& params) {
  auto read = read_invoice(params);
  const ApiError* error = std::get_if<ApiError>(&read);
  return error ? error->description : std::string("ok");
}

TEST(Payments, AmountsAreFormattedFromMinorUnits) {
  EXPECT_EQ(format_amount(1990, "EUR"), "19.90 EUR");
  EXPECT_EQ(format_amount(5, "USD"), "0.05 USD");
  EXPECT_EQ(format_amount(-250, "RUB"), "-2.50 RUB");
  EXPECT_EQ(format_amount(1500, "JPY"), "1500 JPY");
  EXPECT_EQ(format_amount(1234, "BHD"), "1.234 BHD");
  EXPECT_EQ(format_amount(50, "XTR"), "⭐ 50");
  EXPECT_EQ(currency_exponent("XTR"), 0);
  EXPECT_FALSE(currency_exponent("ABC").has_value());
}

TEST(Payments, CardInvoiceNeedsAProviderAndAPositiveTotal) {
  auto read = read_invoice(card_invoice());
  ASSERT_TRUE(std::holds_alternative<Invoice>(read));
  EXPECT_EQ(std::get<Invoice>(read).total_amount, 1790);

  json::object no_provider = card_invoice();
  no_provider.erase("provider_token");
  EXPECT_EQ(error_of(no_provider), "Bad Request: PAYMENT_PROVIDER_INVALID");

  json::object free = card_invoice();
  free["prices"] = json::parse(R"([{"label":"Gift","amount":0}])");
  EXPECT_EQ(error_of(free), "Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID");

  json::object fractional = card_invoice();
  fractional["prices"] = json::parse(R"([{"label":"T-shirt","amount":19.9}])");
  EXPECT_EQ(error_of(fractional),
            "Bad Request: can't parse LabeledPrice: Field \"amount\" must be of type Integer");

  json::object unlabeled = card_invoice();
  unlabeled["prices"] = json::parse(R"([{"amount":100}])");
  EXPECT_NE(error_of(unlabeled), "ok");

  json::object empty = card_invoice();
  empty["prices"] = json::array{};
  EXPECT_NE(error_of(empty), "ok");

  json::object bad_currency = card_invoice();
  bad_currency["currency"] = "EURO";
  EXPECT_EQ(error_of(bad_currency), "Bad Request: CURRENCY_INVALID");
}

TEST(Payments, TitleDescriptionAndPayloadLengths) {
  json::object params = card_invoice();
  params["title"] = std::string(32, 'x');
  EXPECT_EQ(error_of(params), "ok");
  params["title"] = std::string(33, 'x');
  EXPECT_NE(error_of(params), "ok");

  params = card_invoice();
  params["description"] = std::string(256, 'x');
  EXPECT_NE(error_of(params), "ok");

  params = card_invoice();
  params["payload"] = std::string(128, 'p');
  EXPECT_EQ(error_of(params), "ok");
  params["payload"] = std::string(129, 'p');
  EXPECT_EQ(error_of(params), "Bad Request: INVOICE_PAYLOAD_INVALID");
}

TEST(Payments, StarsTakeOnePriceNoProviderNoShippingNoTips) {
  EXPECT_EQ(error_of(stars_invoice()), "ok");
  const std::string invalid = "Bad Request: STARS_INVOICE_INVALID";

  json::object two_prices = stars_invoice();
  two_prices["prices"] = json::parse(R"([{"label":"a","amount":1},{"label":"b","amount":2}])");
  EXPECT_EQ(error_of(two_prices), invalid);

  json::object provider = stars_invoice();
  provider["provider_token"] = "284685063:TEST:abc";
  EXPECT_EQ(error_of(provider), invalid);

  json::object flexible = stars_invoice();
  flexible["is_flexible"] = true;
  EXPECT_EQ(error_of(flexible), invalid);

  json::object shipping = stars_invoice();
  shipping["need_shipping_address"] = true;
  EXPECT_EQ(error_of(shipping), invalid);

  json::object tips = stars_invoice();
  tips["max_tip_amount"] = 10;
  EXPECT_EQ(error_of(tips), invalid);

  // need_name etc. are ignored for Stars, as the spec says.
  json::object name = stars_invoice();
  name["need_name"] = true;
  auto read = read_invoice(name);
  ASSERT_TRUE(std::holds_alternative<Invoice>(read));
  EXPECT_FALSE(std::get<Invoice>(read).need_name);
}

TEST(Payments, SuggestedTipsArePositiveIncreasingAndCapped) {
  json::object params = card_invoice();
  params["max_tip_amount"] = 500;
  params["suggested_tip_amounts"] = json::parse("[100,200,500]");
  EXPECT_EQ(error_of(params), "ok");
  params["suggested_tip_amounts"] = json::parse("[200,100]");
  EXPECT_NE(error_of(params), "ok");
  params["suggested_tip_amounts"] = json::parse("[100,600]");
  EXPECT_NE(error_of(params), "ok");
  params["suggested_tip_amounts"] = json::parse("[1,2,3,4,5]");
  EXPECT_NE(error_of(params), "ok");
}

TEST(Payments, QueriesAreAnsweredOnceWithinTenSeconds) {
  core::ManualClock clock;
  PaymentBook book;
  PaymentQuery& query = book.add_query(/*shipping=*/false, 7, clock.now(), 123);
  const std::string id = query.id;
  int answered = 0;
  query.on_answer = [&] { ++answered; };

  PaymentQuery::Answer ok{true, "", {}};
  // The wrong kind of query, or an unknown id, is refused.
  EXPECT_TRUE(book.answer(id, /*shipping=*/true, ok, clock.now()).has_value());
  EXPECT_TRUE(book.answer("nope", false, ok, clock.now()).has_value());

  clock.advance(9999ms);
  EXPECT_FALSE(book.answer(id, false, ok, clock.now()).has_value());
  EXPECT_EQ(answered, 1);
  EXPECT_TRUE(book.find_query(id)->answer->ok);
  // A second answer is refused.
  auto again = book.answer(id, false, ok, clock.now());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->code, 400);
  EXPECT_EQ(answered, 1);
}

TEST(Payments, AQueryExpiresAfterTenSeconds) {
  core::ManualClock clock;
  PaymentBook book;
  PaymentQuery& query = book.add_query(/*shipping=*/true, 7, clock.now(), 123);
  clock.advance(9999ms);
  EXPECT_FALSE(book.expire_if_due(query, clock.now()));
  clock.advance(1ms);
  EXPECT_TRUE(book.expire_if_due(query, clock.now()));
  auto late = book.answer(query.id, true, PaymentQuery::Answer{false, "no", {}}, clock.now());
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->description,
            "Bad Request: query is too old and response timeout expired or query ID is invalid");
}

TEST(Payments, StarChargesAndRefundsAreTransactions) {
  PaymentBook book;
  Charge card;
  card.currency = "EUR";
  card.total_amount = 100;
  const Charge& c1 = book.add_charge(card);
  EXPECT_EQ(c1.telegram_payment_charge_id, "tg-1");
  EXPECT_EQ(c1.provider_payment_charge_id, "prov-1");
  Charge stars;
  stars.currency = "XTR";
  stars.total_amount = 50;
  stars.user_id = 7;
  Charge& c2 = book.add_charge(stars);
  EXPECT_EQ(c2.telegram_payment_charge_id, "tg-2");
  EXPECT_EQ(c2.provider_payment_charge_id, "");
  ASSERT_EQ(book.star_transactions().size(), 1u);  // card payments are not Star transactions
  book.refund(c2, 1000);
  EXPECT_TRUE(book.find_charge("tg-2")->refunded);
  ASSERT_EQ(book.star_transactions().size(), 2u);
  EXPECT_FALSE(book.star_transactions()[1].incoming);
  EXPECT_EQ(book.star_transactions()[1].id, "tg-2");
}

TEST(Payments, InvoicesAreFoundByMessageAndLink) {
  PaymentBook book;
  Invoice message_invoice;
  message_invoice.chat_id = 7;
  message_invoice.message_id = 3;
  const std::int64_t first = book.add_invoice(message_invoice, false).id;
  const Invoice& link = book.add_invoice(Invoice{}, true);
  EXPECT_EQ(link.link, "https://t.me/$sandbox_invoice/2");
  EXPECT_EQ(book.find_invoice_message(7, 3)->id, first);
  EXPECT_EQ(book.find_invoice_message(7, 4), nullptr);
  EXPECT_EQ(book.find_invoice_link(link.link)->id, link.id);
}

}  // namespace
}  // namespace corebot::sandbox
