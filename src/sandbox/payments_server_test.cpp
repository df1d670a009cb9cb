// Payments through the served sandbox: the Bot API methods over HTTP and the control API's "pay"
// playing the user's part. Time is the sandbox's manual clock, so deadlines need no sleeps: a
// payment waiting for an answer is held until the test answers or advances the clock.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <future>
#include <thread>

#include "net/http_client.hpp"
#include "sandbox/sandbox.hpp"

namespace corebot::sandbox {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto kWait = 20s;
constexpr std::string_view kToken = "123:ABC";
constexpr std::int64_t kUser = 1001;

struct Reply {
  int status = 0;
  json::object body;
  [[nodiscard]] const json::value& result() const { return body.at("result"); }
  [[nodiscard]] std::string description() const {
    const json::value* d = body.if_contains("description");
    return d && d->is_string() ? std::string(d->get_string()) : std::string();
  }
};

class PaymentsServerTest : public ::testing::Test {
 protected:
  PaymentsServerTest() {
    SandboxOptions options;
    options.tokens = {std::string(kToken)};
    options.manual_clock = true;
    sandbox_ = std::make_unique<Sandbox>(loop_, options);
    sandbox_->start();
    client_ = std::make_unique<net::HttpClient>(loop_);
    thread_ = std::thread([this] { loop_.run(); });
    control("POST", "/control/updates/message",
            {{"token", kToken}, {"user_id", kUser}, {"text", "/start"}});
    next_update_ = 2;  // the /start message is update 1; tests read from here on
  }

  ~PaymentsServerTest() override {
    client_->shutdown();
    std::promise<void> done;
    loop_.post([&] {
      sandbox_->stop();
      done.set_value();
    });
    done.get_future().wait_for(kWait);
    loop_.stop();
    thread_.join();
  }

  std::future<Reply> send(std::string verb, std::string path, json::object body) {
    auto promise = std::make_shared<std::promise<Reply>>();
    auto future = promise->get_future();
    net::HttpClientRequest request{.method = verb,
                                   .url = sandbox_->base_url() + path,
                                   .body = verb == "GET" ? std::string() : json::serialize(body),
                                   .content_type = "application/json"};
    client_->send(std::move(request), [promise](net::HttpClientResponse r) {
      Reply reply{r.status, {}};
      json::error_code ec;
      json::value parsed = json::parse(r.body, ec);
      if (!ec && parsed.is_object()) reply.body = parsed.as_object();
      promise->set_value(std::move(reply));
    });
    return future;
  }

  static Reply wait(std::future<Reply>& future) {
    if (future.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "no response within the deadline";
      return {};
    }
    return future.get();
  }

  Reply call(std::string_view method, json::object params = {}) {
    auto future = send("POST", "/bot" + std::string(kToken) + "/" + std::string(method), params);
    return wait(future);
  }

  Reply control(std::string_view verb, std::string_view path, json::object body = {}) {
    auto future = send(std::string(verb), std::string(path), std::move(body));
    return wait(future);
  }

  std::future<Reply> start_pay(json::object body) {
    body["token"] = kToken;
    body["user_id"] = kUser;
    return send("POST", "/control/payments/pay", std::move(body));
  }

  // The next update the bot gets (getUpdates with a timeout, so it waits for the sandbox).
  json::object next_update() {
    Reply r = call("getUpdates", {{"offset", next_update_}, {"timeout", 10}});
    if (r.status != 200 || r.result().as_array().empty()) {
      ADD_FAILURE() << "no update: " << json::serialize(r.body);
      return {};
    }
    json::object update = r.result().as_array().front().as_object();
    next_update_ = update.at("update_id").as_int64() + 1;
    return update;
  }

  std::int64_t send_invoice(json::object extra = {}) {
    json::object params{{"chat_id", kUser},
                        {"title", "T-shirt"},
                        {"description", "Black, size M"},
                        {"payload", "order-1"},
                        {"provider_token", "284685063:TEST:abc"},
                        {"currency", "EUR"},
                        {"prices", R"([{"label":"T-shirt","amount":1990}])"}};
    for (const auto& [key, value] : extra) params[key] = value;
    Reply r = call("sendInvoice", params);
    EXPECT_EQ(r.status, 200) << r.description();
    return r.status == 200 ? r.result().at("message_id").as_int64() : 0;
  }

  json::object stars_params() {
    return json::object{{"chat_id", kUser},
                        {"title", "E-book"},
                        {"description", "The PDF"},
                        {"payload", "book-7"},
                        {"provider_token", ""},
                        {"currency", "XTR"},
                        {"prices", json::array{json::object{{"label", "E-book"}, {"amount", 50}}}}};
  }

  void advance(std::int64_t ms) {
    EXPECT_EQ(control("POST", "/control/clock/advance", {{"ms", ms}}).status, 200);
  }

  net::EventLoop loop_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<net::HttpClient> client_;
  std::thread thread_;
  std::int64_t next_update_ = 0;
};

TEST_F(PaymentsServerTest, SendInvoiceReturnsAnInvoiceMessage) {
  Reply r = call("sendInvoice", {{"chat_id", kUser},
                                 {"title", "T-shirt"},
                                 {"description", "Black, size M"},
                                 {"payload", "order-1"},
                                 {"provider_token", "284685063:TEST:abc"},
                                 {"currency", "EUR"},
                                 {"start_parameter", "tee"},
                                 {"photo_url", "https://example.com/tee.jpg"},
                                 {"prices", R"([{"label":"T-shirt","amount":1990},
                                                {"label":"Delivery","amount":500}])"},
                                 {"reply_markup", R"({"inline_keyboard":[[{"text":"Pay 24.90",
                                                     "pay":true}]]})"}});
  ASSERT_EQ(r.status, 200) << r.description();
  EXPECT_EQ(json::serialize(r.result().at("invoice")),
            R"({"title":"T-shirt","description":"Black, size M","start_parameter":"tee",)"
            R"("currency":"EUR","total_amount":2490})");
  EXPECT_TRUE(r.result().as_object().contains("reply_markup"));

  Reply listed = control("GET", "/control/payments?token=" + std::string(kToken));
  ASSERT_EQ(listed.status, 200);
  const json::object& invoice = listed.result().at("invoices").as_array().at(0).as_object();
  EXPECT_EQ(invoice.at("payload").as_string(), "order-1");
  EXPECT_EQ(invoice.at("message_id").as_int64(), r.result().at("message_id").as_int64());
  EXPECT_EQ(invoice.at("total_text").as_string(), "24.90 EUR");

  // The web chat's view of the message carries the invoice with its total as people read it.
  Reply chat = control("GET", "/control/chats/messages?token=" + std::string(kToken) +
                                  "&chat_id=" + std::to_string(kUser));
  const json::object& shown = chat.result().as_array().back().as_object();
  EXPECT_EQ(shown.at("invoice").at("title").as_string(), "T-shirt");
  EXPECT_EQ(shown.at("invoice").at("total_text").as_string(), "24.90 EUR");
  EXPECT_EQ(shown.at("invoice").at("photo_url").as_string(), "https://example.com/tee.jpg");
  // ... while the Bot API's Message has no photo_url.
  EXPECT_FALSE(r.result().at("invoice").as_object().contains("photo_url"));
}

TEST_F(PaymentsServerTest, SendInvoiceIsValidatedStrictly) {
  json::object base{{"chat_id", kUser},
                    {"title", "T"},
                    {"description", "D"},
                    {"payload", "p"},
                    {"currency", "EUR"},
                    {"provider_token", "tok"},
                    {"prices", R"([{"label":"x","amount":100}])"}};
  auto with = [&](std::string_view key, json::value value) {
    json::object p = base;
    if (value.is_null()) {
      p.erase(key);
    } else {
      p[key] = std::move(value);
    }
    return call("sendInvoice", p);
  };
  EXPECT_EQ(with("provider_token", nullptr).description(), "Bad Request: PAYMENT_PROVIDER_INVALID");
  EXPECT_EQ(with("title", nullptr).description(), "Bad Request: parameter \"title\" is required");
  EXPECT_EQ(with("prices", "not json").description(),
            "Bad Request: can't parse prices JSON object");
  EXPECT_EQ(with("prices", R"([{"label":"x","amount":0}])").description(),
            "Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID");
  EXPECT_EQ(with("currency", "ZZZ").description(), "Bad Request: CURRENCY_INVALID");
  EXPECT_EQ(with("chat_id", 4242).description(), "Bad Request: chat not found");
  EXPECT_EQ(with("reply_markup", R"({"inline_keyboard":[[{"text":"Go","url":"https://x.y"}]]})")
                .description(),
            "Bad Request: REPLY_MARKUP_BUY_EMPTY");

  json::object stars = stars_params();
  stars["provider_token"] = "tok";
  EXPECT_EQ(call("sendInvoice", stars).description(), "Bad Request: STARS_INVOICE_INVALID");
  stars = stars_params();
  stars["is_flexible"] = true;
  EXPECT_EQ(call("sendInvoice", stars).description(), "Bad Request: STARS_INVOICE_INVALID");
  stars = stars_params();
  stars["prices"] = R"([{"label":"a","amount":1},{"label":"b","amount":1}])";
  EXPECT_EQ(call("sendInvoice", stars).description(), "Bad Request: STARS_INVOICE_INVALID");
  EXPECT_EQ(call("sendInvoice", stars_params()).status, 200);
}

TEST_F(PaymentsServerTest, CreateInvoiceLinkChecksTheSameAndPaysByLink) {
  json::object params = stars_params();
  params.erase("chat_id");
  Reply link = call("createInvoiceLink", params);
  ASSERT_EQ(link.status, 200) << link.description();
  EXPECT_EQ(link.result().as_string(), "https://t.me/$sandbox_invoice/1");
  params["prices"] = "[]";
  EXPECT_EQ(call("createInvoiceLink", params).status, 400);

  auto pay = start_pay({{"invoice_link", link.result()}});
  json::object query = next_update().at("pre_checkout_query").as_object();
  EXPECT_EQ(query.at("total_amount").as_int64(), 50);
  EXPECT_EQ(query.at("currency").as_string(), "XTR");
  EXPECT_EQ(
      call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}})
          .status,
      200);
  Reply paid = wait(pay);
  EXPECT_EQ(paid.result().at("status").as_string(), "paid");
}

TEST_F(PaymentsServerTest, FlexibleInvoiceGoesThroughShippingThenPreCheckout) {
  const std::int64_t message_id = send_invoice({{"is_flexible", true},
                                                {"need_shipping_address", true},
                                                {"need_name", true},
                                                {"need_email", true}});
  auto pay = start_pay({{"message_id", message_id},
                        {"shipping_option_id", "express"},
                        {"order_info", {{"name", "Ann Lee"}}}});

  json::object shipping = next_update().at("shipping_query").as_object();
  EXPECT_EQ(shipping.at("invoice_payload").as_string(), "order-1");
  EXPECT_EQ(shipping.at("from").at("id").as_int64(), kUser);
  EXPECT_TRUE(shipping.at("shipping_address").as_object().contains("country_code"));
  Reply bad = call("answerShippingQuery", {{"shipping_query_id", shipping.at("id")}, {"ok", true}});
  EXPECT_EQ(bad.status, 400);  // ok without shipping_options
  Reply answered = call("answerShippingQuery",
                        {{"shipping_query_id", shipping.at("id")},
                         {"ok", true},
                         {"shipping_options",
                          R"([{"id":"post","title":"Post","prices":[{"label":"Post","amount":300}]},
              {"id":"express","title":"Express","prices":[{"label":"Express","amount":900}]}])"}});
  ASSERT_EQ(answered.status, 200) << answered.description();

  json::object query = next_update().at("pre_checkout_query").as_object();
  EXPECT_EQ(query.at("total_amount").as_int64(), 1990 + 900);
  EXPECT_EQ(query.at("shipping_option_id").as_string(), "express");
  EXPECT_EQ(query.at("order_info").at("name").as_string(), "Ann Lee");
  EXPECT_FALSE(query.at("order_info").at("email").as_string().empty());       // filled in
  EXPECT_FALSE(query.at("order_info").as_object().contains("phone_number"));  // not asked
  ASSERT_EQ(
      call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}})
          .status,
      200);

  Reply result = wait(pay);
  ASSERT_EQ(result.status, 200) << json::serialize(result.body);
  EXPECT_EQ(result.result().at("status").as_string(), "paid");
  EXPECT_EQ(result.result().at("total_amount").as_int64(), 2890);
  EXPECT_EQ(result.result().at("telegram_payment_charge_id").as_string(), "tg-1");
  // The web chat hears how it ended, under the invoice it paid.
  Reply events = control("GET", "/control/events?token=" + std::string(kToken));
  const json::object& last = events.result().as_array().back().as_object();
  EXPECT_EQ(last.at("kind").as_string(), "payment");
  EXPECT_EQ(last.at("message_id").as_int64(), message_id);
  EXPECT_EQ(last.at("result").at("status").as_string(), "paid");

  json::object message = next_update().at("message").as_object();
  EXPECT_EQ(message.at("from").at("id").as_int64(), kUser);
  const json::object& payment = message.at("successful_payment").as_object();
  EXPECT_EQ(payment.at("currency").as_string(), "EUR");
  EXPECT_EQ(payment.at("total_amount").as_int64(), 2890);
  EXPECT_EQ(payment.at("invoice_payload").as_string(), "order-1");
  EXPECT_EQ(payment.at("shipping_option_id").as_string(), "express");
  EXPECT_EQ(payment.at("telegram_payment_charge_id").as_string(), "tg-1");
  EXPECT_EQ(payment.at("provider_payment_charge_id").as_string(), "prov-1");
  EXPECT_EQ(payment.at("order_info").at("name").as_string(), "Ann Lee");

  // The query is answered already; a second answer is refused.
  EXPECT_EQ(
      call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}})
          .status,
      400);
}

TEST_F(PaymentsServerTest, ThePreCheckoutDeadlineIsTenSecondsOnTheSandboxClock) {
  const std::int64_t message_id = send_invoice();
  auto pay = start_pay({{"message_id", message_id}});
  json::object query = next_update().at("pre_checkout_query").as_object();
  advance(9999);
  EXPECT_EQ(pay.wait_for(50ms), std::future_status::timeout);  // still waiting for the bot
  advance(1);
  Reply expired = wait(pay);
  EXPECT_EQ(expired.result().at("status").as_string(), "expired");
  Reply late =
      call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}});
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(late.description(),
            "Bad Request: query is too old and response timeout expired or query ID is invalid");
  // No successful_payment and no charge.
  Reply listed = control("GET", "/control/payments?token=" + std::string(kToken));
  EXPECT_TRUE(listed.result().at("charges").as_array().empty());
}

TEST_F(PaymentsServerTest, AnAnswerJustInsideTheDeadlineCounts) {
  const std::int64_t message_id = send_invoice();
  auto pay = start_pay({{"message_id", message_id}});
  json::object query = next_update().at("pre_checkout_query").as_object();
  advance(9999);
  EXPECT_EQ(
      call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}})
          .status,
      200);
  EXPECT_EQ(wait(pay).result().at("status").as_string(), "paid");
}

TEST_F(PaymentsServerTest, TheBotCanDeclineAtPreCheckout) {
  const std::int64_t message_id = send_invoice();
  auto pay = start_pay({{"message_id", message_id}});
  json::object query = next_update().at("pre_checkout_query").as_object();
  EXPECT_EQ(
      call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", false}})
          .status,
      400);  // ok=false needs an error_message
  EXPECT_EQ(call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")},
                                            {"ok", false},
                                            {"error_message", "Sold out"}})
                .status,
            200);
  Reply result = wait(pay);
  EXPECT_EQ(result.result().at("status").as_string(), "declined_by_bot");
  EXPECT_EQ(result.result().at("error_message").as_string(), "Sold out");
}

TEST_F(PaymentsServerTest, ADeclinedCardSendsNoSuccessfulPayment) {
  const std::int64_t message_id = send_invoice();
  auto pay = start_pay({{"message_id", message_id}, {"decline", true}});
  json::object query = next_update().at("pre_checkout_query").as_object();
  call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}});
  Reply result = wait(pay);
  EXPECT_EQ(result.result().at("status").as_string(), "card_declined");
  EXPECT_EQ(result.result().at("telegram_payment_charge_id").as_string(), "");
  Reply updates = call("getUpdates", {{"offset", next_update_}});
  EXPECT_TRUE(updates.result().as_array().empty());
}

TEST_F(PaymentsServerTest, ShippingRefusedOrUnansweredEndsThePayment) {
  const std::int64_t message_id =
      send_invoice({{"is_flexible", true}, {"need_shipping_address", true}});
  auto refused = start_pay({{"message_id", message_id}});
  json::object shipping = next_update().at("shipping_query").as_object();
  call("answerShippingQuery", {{"shipping_query_id", shipping.at("id")},
                               {"ok", false},
                               {"error_message", "We do not deliver there"}});
  Reply result = wait(refused);
  EXPECT_EQ(result.result().at("status").as_string(), "shipping_refused");
  EXPECT_EQ(result.result().at("error_message").as_string(), "We do not deliver there");

  auto unanswered = start_pay({{"message_id", message_id}});
  next_update();  // the second shipping query, left unanswered
  advance(10000);
  EXPECT_EQ(wait(unanswered).result().at("status").as_string(), "expired");
}

TEST_F(PaymentsServerTest, PayRefusesWhatIsNotAnInvoice) {
  Reply text = call("sendMessage", {{"chat_id", kUser}, {"text", "hello"}});
  auto pay = start_pay({{"message_id", text.result().at("message_id")}});
  Reply refused = wait(pay);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.description().find("invoice"), std::string::npos);
  auto unknown = send("POST", "/control/payments/pay", {{"token", "9:X"}, {"user_id", 1}});
  EXPECT_EQ(wait(unknown).status, 400);
}

TEST_F(PaymentsServerTest, AnInvoiceCanBePaidTwice) {
  const std::int64_t message_id = send_invoice();
  for (int i = 0; i < 2; ++i) {
    auto pay = start_pay({{"message_id", message_id}});
    json::object query = next_update().at("pre_checkout_query").as_object();
    call("answerPreCheckoutQuery", {{"pre_checkout_query_id", query.at("id")}, {"ok", true}});
    EXPECT_EQ(wait(pay).result().at("status").as_string(), "paid");
    next_update();  // the successful_payment message
  }
  Reply listed = control("GET", "/control/payments?token=" + std::string(kToken));
  EXPECT_EQ(listed.result().at("charges").as_array().size(), 2u);
}

TEST_F(PaymentsServerTest, StarsAreRefundedOnceAndListedAsTransactions) {
  // A card charge first: it is no Star transaction and cannot be refunded with Stars.
  auto card = start_pay({{"message_id", send_invoice()}});
  call("answerPreCheckoutQuery",
       {{"pre_checkout_query_id", next_update().at("pre_checkout_query").at("id")}, {"ok", true}});
  const json::value card_charge = wait(card).result().at("telegram_payment_charge_id");
  next_update();

  advance(1000);  // Telegram's one message a second to a private chat
  Reply invoice = call("sendInvoice", stars_params());
  auto stars = start_pay({{"message_id", invoice.result().at("message_id")}});
  call("answerPreCheckoutQuery",
       {{"pre_checkout_query_id", next_update().at("pre_checkout_query").at("id")}, {"ok", true}});
  const json::value charge = wait(stars).result().at("telegram_payment_charge_id");
  next_update();

  EXPECT_EQ(call("refundStarPayment", {{"user_id", kUser}, {"telegram_payment_charge_id", "tg-99"}})
                .description(),
            "Bad Request: CHARGE_NOT_FOUND");
  EXPECT_EQ(
      call("refundStarPayment", {{"user_id", kUser + 1}, {"telegram_payment_charge_id", charge}})
          .status,
      400);
  EXPECT_EQ(
      call("refundStarPayment", {{"user_id", kUser}, {"telegram_payment_charge_id", card_charge}})
          .status,
      400);
  Reply refunded =
      call("refundStarPayment", {{"user_id", kUser}, {"telegram_payment_charge_id", charge}});
  ASSERT_EQ(refunded.status, 200) << refunded.description();
  // Bot API 7.10+: the bot hears about the refund as a refunded_payment message from the user.
  json::object message = next_update().at("message").as_object();
  EXPECT_EQ(message.at("refunded_payment").at("telegram_payment_charge_id"), charge);
  EXPECT_EQ(message.at("refunded_payment").at("total_amount").as_int64(), 50);
  EXPECT_EQ(call("refundStarPayment", {{"user_id", kUser}, {"telegram_payment_charge_id", charge}})
                .description(),
            "Bad Request: CHARGE_ALREADY_REFUNDED");

  Reply all = call("getStarTransactions");
  ASSERT_EQ(all.status, 200);
  const json::array& transactions = all.result().at("transactions").as_array();
  ASSERT_EQ(transactions.size(), 2u);
  EXPECT_EQ(transactions[0].at("id"), charge);
  EXPECT_EQ(transactions[0].at("amount").as_int64(), 50);
  EXPECT_EQ(transactions[0].at("source").at("type").as_string(), "user");
  EXPECT_EQ(transactions[0].at("source").at("invoice_payload").as_string(), "book-7");
  EXPECT_EQ(transactions[1].at("receiver").at("user").at("id").as_int64(), kUser);

  Reply page = call("getStarTransactions", {{"offset", 1}, {"limit", 5}});
  ASSERT_EQ(page.result().at("transactions").as_array().size(), 1u);
  EXPECT_TRUE(page.result().at("transactions").as_array()[0].as_object().contains("receiver"));
  EXPECT_EQ(
      call("getStarTransactions", {{"offset", 5}}).result().at("transactions").as_array().size(),
      0u);
  EXPECT_EQ(call("getStarTransactions", {{"limit", 101}}).status, 400);
  EXPECT_EQ(call("getStarTransactions", {{"offset", -1}}).status, 400);

  Reply listed = control("GET", "/control/payments?token=" + std::string(kToken));
  EXPECT_TRUE(listed.result().at("charges").as_array()[1].at("refunded").as_bool());
}

}  // namespace
}  // namespace corebot::sandbox
