// Payments against fakes: a card invoice with its shipping and pre-checkout queries, Stars with
// the digital item and a refund, a reservation that expires, a payment recorded once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>

#include "modules/shop/shop_module.hpp"
#include "modules/shop/shop_test_fixture.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

constexpr const char* kPaidProducts =
    "id,category,name,price,currency,variant,stock,digital,item\n"
    "mug,mugs,Mug,8.00,,Blue,5,,\n"
    "book,tea,Tea book,150,XTR,,,yes,https://example.com/book.pdf\n";

struct PaymentsFixture : ShopFixture {
  PaymentsFixture() {
    std::ofstream(token.path) << "tok-123\n";
    services.fake_settings().values["provider_token_file"] = token.path;
    load(kPaidProducts);
    shop.start(services);
  }
  json::object invoice() const { return last("sendInvoice").params; }
  Handled query(const char* kind, json::object body, std::int64_t user = 5) {
    return run(user, std::move(body), kind);
  }
  Handled paid(json::object payment, std::int64_t user = 5) {
    return run(user,
               {{"message_id", 900}, {"chat", {{"id", user}}}, {"successful_payment", payment}},
               "message");
  }
  json::object answer_of(std::string_view method) const { return last_call(method).params; }
  const corebot::testing::RecordedCall& last_call(std::string_view method) const {
    for (auto it = calls().rbegin(); it != calls().rend(); ++it) {
      if (it->method == method) return *it;
    }
    static corebot::testing::RecordedCall none;
    ADD_FAILURE() << "no " << method;
    return none;
  }
  std::int64_t left(const char* key) {
    auto doc = services.collection("stock").find_one({{"_id", key}});
    return doc ? doc->at("left").as_int64() : -1;
  }
  corebot::testing::TempFile token{(std::filesystem::temp_directory_path() /
                                    ("shop-token-" + std::to_string(::getpid()) + ".txt"))
                                       .string()};
};

TEST_F(PaymentsFixture, PaysByCardWithShippingAndRecordsThePaymentOnce) {
  press("shop:a:mug:0:2");
  checkout();
  EXPECT_EQ(buttons(last("sendMessage"))[0], "shop:$:card");
  press("shop:$:card");
  const json::object inv = invoice();
  EXPECT_EQ(inv.at("provider_token"), "tok-123");
  EXPECT_EQ(inv.at("currency"), "EUR");
  EXPECT_EQ(inv.at("payload"), "order:1");
  EXPECT_EQ(inv.at("is_flexible"), true);
  EXPECT_EQ(inv.at("prices").as_array()[0].as_object().at("amount"), 1600);
  EXPECT_EQ(left("mug/Blue"), 3) << "reserved when the invoice is sent";
  EXPECT_TRUE(services.fake_jobs().scheduled.count("expire:1"));
  for (const auto& log : services.logs) EXPECT_EQ(log.second.find("tok-123"), std::string::npos);

  query("shipping_query", {{"id", "s1"}, {"invoice_payload", "order:1"}});
  const json::object ship = answer_of("answerShippingQuery");
  EXPECT_EQ(ship.at("ok"), true);
  EXPECT_EQ(ship.at("shipping_options").as_array()[0].as_object().at("id"), "d0");
  query("pre_checkout_query", {{"id", "c1"},
                               {"currency", "EUR"},
                               {"total_amount", 2100},
                               {"invoice_payload", "order:1"},
                               {"shipping_option_id", "d0"}});
  EXPECT_EQ(answer_of("answerPreCheckoutQuery").at("ok"), true);
  const json::object payment{{"currency", "EUR"},
                             {"total_amount", 2100},
                             {"invoice_payload", "order:1"},
                             {"shipping_option_id", "d0"},
                             {"telegram_payment_charge_id", "tg-1"},
                             {"provider_payment_charge_id", "prov-1"}};
  paid(payment);
  EXPECT_NE(text_of(last("sendMessage")).find("Order #1 is placed"), std::string::npos);
  auto order = services.collection("orders").find_one({{"_id", 1}});
  EXPECT_EQ(order->at("status"), "new");
  EXPECT_EQ(order->at("paid"), true);
  EXPECT_EQ(order->at("telegram_payment_charge_id"), "tg-1");
  EXPECT_FALSE(services.fake_jobs().scheduled.count("expire:1"));
  EXPECT_NE(text_of(last("sendMessage", 77)).find("New order #1"), std::string::npos);
  const std::size_t before = calls().size();
  paid(payment);  // Telegram delivers the update again
  EXPECT_EQ(calls().size(), before) << "recorded once: no second receipt, no second order";
  EXPECT_EQ(services.collection("payments").count({}), 1);
  EXPECT_EQ(left("mug/Blue"), 3);
  press("shop:adm", 77);
  EXPECT_NE(text_of(last("editMessageText", 77)).find("Paid today (UTC): 21.00 EUR"),
            std::string::npos)
      << text_of(last("editMessageText", 77));
}

TEST_F(PaymentsFixture, PreCheckoutRefusesAChangedPriceAndGivesTheStockBack) {
  press("shop:a:mug:0:1");
  checkout();
  press("shop:$:card");
  EXPECT_EQ(left("mug/Blue"), 4);
  load("id,category,name,price,variant,stock\nmug,mugs,Mug,9.00,Blue,5\n");
  query("pre_checkout_query", {{"id", "c1"},
                               {"currency", "EUR"},
                               {"total_amount", 1300},
                               {"invoice_payload", "order:1"},
                               {"shipping_option_id", "d0"}});
  const json::object a = answer_of("answerPreCheckoutQuery");
  EXPECT_EQ(a.at("ok"), false);
  EXPECT_NE(std::string(a.at("error_message").as_string()).find("prices have changed"),
            std::string::npos);
  services.run_store_until([&] { return left("mug/Blue") == 5; });
  EXPECT_EQ(services.collection("orders").find_one({{"_id", 1}})->at("status"), "failed");
  EXPECT_EQ(left("mug/Blue"), 5);
}

TEST_F(PaymentsFixture, AnUnpaidReservationExpiresAndReleasesTheStock) {
  press("shop:a:mug:0:5");
  checkout();
  press("shop:$:card");
  EXPECT_EQ(left("mug/Blue"), 0);
  press("shop:a:mug:0:1", 6);
  checkout(6);
  press("shop:$:cash", 6);
  EXPECT_NE(text_of(last("sendMessage", 6)).find("only 0 left"), std::string::npos);
  ASSERT_TRUE(services.fake_jobs().fire("expire:1"));
  services.run_store_until([&] { return left("mug/Blue") == 5; });
  EXPECT_EQ(services.collection("orders").find_one({{"_id", 1}})->at("status"), "expired");
  query("pre_checkout_query", {{"id", "c1"},
                               {"currency", "EUR"},
                               {"total_amount", 4500},
                               {"invoice_payload", "order:1"},
                               {"shipping_option_id", "d0"}});
  EXPECT_EQ(answer_of("answerPreCheckoutQuery").at("ok"), false) << "an expired order is not paid";
}

TEST_F(PaymentsFixture, StarsDeliverTheDigitalItemAndAdminsRefund) {
  press("shop:a:book:0:1");
  press("shop:o");
  EXPECT_EQ(buttons(last("sendMessage")), (std::vector<std::string>{"shop:$:stars", "shop:q"}))
      << "digital goods: no delivery, no address, Stars only";
  press("shop:$:stars");
  const json::object inv = invoice();
  EXPECT_EQ(inv.at("currency"), "XTR");
  EXPECT_FALSE(inv.contains("provider_token"));
  EXPECT_FALSE(inv.contains("is_flexible"));
  EXPECT_EQ(inv.at("prices").as_array().size(), 1u);
  query("pre_checkout_query",
        {{"id", "c1"}, {"currency", "XTR"}, {"total_amount", 150}, {"invoice_payload", "order:1"}});
  EXPECT_EQ(answer_of("answerPreCheckoutQuery").at("ok"), true);
  paid({{"currency", "XTR"},
        {"total_amount", 150},
        {"invoice_payload", "order:1"},
        {"telegram_payment_charge_id", "tg-7"},
        {"provider_payment_charge_id", ""}});
  EXPECT_EQ(text_of(last("sendMessage")), "📦 Tea book: https://example.com/book.pdf");
  press("shop:f:1", 5);
  EXPECT_EQ(answer(), "Your role does not allow this.");
  press("shop:f:1", 77);
  const auto& refund = last_call("refundStarPayment");
  EXPECT_EQ(refund.params.at("telegram_payment_charge_id"), "tg-7");
  EXPECT_EQ(refund.params.at("user_id"), 5);  // Telegram accepted it (the fixture's outbox)
  services.run_store_until([&] {
    return services.collection("orders").find_one({{"_id", 1}})->at("status") == "refunded";
  });
  services.run_store_until(
      [&] { return text_of(last("sendMessage")).find("refunded") != std::string::npos; });
  EXPECT_EQ(text_of(last("sendMessage")), "Order #1: your payment was refunded.");
}

TEST_F(PaymentsFixture, OneCartPaysInOneCurrency) {
  press("shop:a:mug:0:1");
  press("shop:a:book:0:1");
  EXPECT_NE(text_of(last("editMessageText")).find("⚠️ Your cart holds items paid in EUR"),
            std::string::npos)
      << text_of(last("editMessageText"));
  EXPECT_EQ(services.collection("carts").find_one({{"_id", "5"}})->at("items").as_array().size(),
            1u);
}

TEST_F(PaymentsFixture, AnUnreadableTokenFileStopsTheStartSayingWhatToDo) {
  services.fake_settings().values["provider_token_file"] = "/nonexistent/provider-token";
  ShopModule other;
  try {
    other.start(services);
    FAIL() << "started without its token";
  } catch (const std::exception& e) {
    EXPECT_NE(
        std::string(e.what()).find("provider_token_file \"/nonexistent/provider-token\" "
                                   "cannot be read or is empty — write the payment provider's"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace corebot::modules
