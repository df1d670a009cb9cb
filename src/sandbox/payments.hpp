// A bot's payments in the sandbox: the invoices it sent (sendInvoice) or linked
// (createInvoiceLink), the shipping and pre-checkout queries the control API's "pay" raised, the
// charges that succeeded and the Telegram Star transactions. Pure data and bookkeeping (no I/O);
// the Bot API methods live in bot_api_payments.cpp, the "pay" flow in control_payments.cpp.
// Used on the event loop thread only.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "sandbox/api_error.hpp"

namespace corebot::sandbox {

// Telegram's deadline for answering a shipping or pre-checkout query.
inline constexpr std::chrono::seconds kPaymentQueryWindow{10};

struct Invoice {
  std::int64_t id = 0;
  std::int64_t chat_id = 0;     // 0 for an invoice link
  std::int64_t message_id = 0;  // 0 for an invoice link
  std::string link;             // createInvoiceLink's answer; empty for a message
  std::string title;
  std::string description;
  std::string payload;
  std::string currency;
  boost::json::array prices;  // of LabeledPrice {label, amount}
  std::int64_t total_amount = 0;
  std::string provider_token;
  std::string start_parameter;
  std::string photo_url;
  bool need_name = false;
  bool need_phone_number = false;
  bool need_email = false;
  bool need_shipping_address = false;
  bool is_flexible = false;
  std::int64_t subscription_period = 0;  // createInvoiceLink only
};

// What a bot passed to sendInvoice / createInvoiceLink, checked as Telegram checks it. On success
// the invoice has everything but its id, chat and message.
[[nodiscard]] std::variant<Invoice, ApiError> read_invoice(const boost::json::object& params);

// The Invoice object of a Message (Bot API): title, description, start_parameter, currency,
// total_amount.
[[nodiscard]] boost::json::object invoice_json(const Invoice& invoice);

// Digits after the decimal point in `currency` (Telegram's currencies.json "exp"); nullopt for a
// currency Telegram does not take.
[[nodiscard]] std::optional<int> currency_exponent(std::string_view currency);
// An amount in minor units as people read it: "⭐ 50" for Stars, "12.50 EUR" otherwise.
[[nodiscard]] std::string format_amount(std::int64_t amount, std::string_view currency);

// The web chat's view of a message's payment fields (state.cpp's Bot::web_view): `invoice`,
// `successful_payment` and `refunded_payment` as in `content`, plus "total_text"
// (format_amount) and, for an invoice `sent` with a photo, "photo_url".
void add_payment_view(boost::json::object& view, const boost::json::object& content,
                      const Invoice* sent);

// A shipping or pre-checkout query waiting for the bot's answer.
struct PaymentQuery {
  struct Answer {
    bool ok = false;
    std::string error_message;
    boost::json::array shipping_options;  // answerShippingQuery with ok
  };
  std::string id;
  bool shipping = false;  // false: pre-checkout
  std::int64_t user_id = 0;
  core::TimePoint created;
  bool expired = false;
  std::optional<Answer> answer;
  std::function<void()> on_answer;  // set by whoever waits for the answer
};

struct Charge {
  std::string telegram_payment_charge_id;
  std::string provider_payment_charge_id;
  std::int64_t user_id = 0;
  std::int64_t invoice_id = 0;
  std::string currency;
  std::int64_t total_amount = 0;
  std::string invoice_payload;
  std::string shipping_option_id;
  boost::json::object order_info;
  std::int64_t date = 0;  // unix seconds
  bool refunded = false;
};

// A Telegram Star transaction: a payment in (from a user) or a refund out (to a user).
struct StarTransaction {
  std::string id;  // the charge id for both directions, as Telegram does
  std::int64_t amount = 0;
  std::int64_t date = 0;  // unix seconds
  std::int64_t user_id = 0;
  std::string invoice_payload;
  bool incoming = true;
};

class PaymentBook {
 public:
  // Files an invoice and returns it with its id (and, for a link, its link).
  Invoice& add_invoice(Invoice invoice, bool as_link);
  [[nodiscard]] Invoice* find_invoice(std::int64_t id);
  [[nodiscard]] const Invoice* find_invoice_message(std::int64_t chat_id,
                                                    std::int64_t message_id) const;
  [[nodiscard]] Invoice* find_invoice_message(std::int64_t chat_id, std::int64_t message_id) {
    return const_cast<Invoice*>(std::as_const(*this).find_invoice_message(chat_id, message_id));
  }
  [[nodiscard]] Invoice* find_invoice_link(std::string_view link);
  [[nodiscard]] const std::map<std::int64_t, Invoice>& invoices() const { return invoices_; }

  // A new query, created `now`; its id is unique within the bot.
  PaymentQuery& add_query(bool shipping, std::int64_t user_id, core::TimePoint now,
                          std::int64_t bot_id);
  [[nodiscard]] PaymentQuery* find_query(std::string_view id);
  // Records the bot's answer to a query of the given kind; 400 when the query is unknown, of the
  // other kind, answered already or past its deadline (marked expired then). Calls on_answer.
  [[nodiscard]] std::optional<ApiError> answer(std::string_view id, bool shipping,
                                               PaymentQuery::Answer answer, core::TimePoint now);
  // Marks the query expired when its deadline has passed; true when it is expired.
  bool expire_if_due(PaymentQuery& query, core::TimePoint now);
  void forget_query(std::string_view id) { queries_.erase(std::string(id)); }

  // A successful charge ("tg-<n>", "prov-<n>" or "" for Stars); Stars also become a transaction.
  Charge& add_charge(Charge charge);
  [[nodiscard]] Charge* find_charge(std::string_view telegram_payment_charge_id);
  [[nodiscard]] const std::deque<Charge>& charges() const { return charges_; }
  // Marks a Stars charge refunded and records the outgoing transaction.
  void refund(Charge& charge, std::int64_t date);
  [[nodiscard]] const std::vector<StarTransaction>& star_transactions() const {
    return transactions_;
  }

 private:
  std::map<std::int64_t, Invoice> invoices_;
  std::int64_t next_invoice_ = 1;
  std::map<std::string, PaymentQuery, std::less<>> queries_;
  std::uint64_t next_query_ = 1;
  std::deque<Charge> charges_;  // stable references
  std::int64_t next_charge_ = 1;
  std::vector<StarTransaction> transactions_;
};

}  // namespace corebot::sandbox
