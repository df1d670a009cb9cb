// Payments: sendInvoice, createInvoiceLink, answerShippingQuery, answerPreCheckoutQuery,
// refundStarPayment, getStarTransactions. The invoices, queries and charges live in the bot's
// PaymentBook (payments.hpp); the user's side of a payment is played by control_payments.cpp.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>

#include "sandbox/bot_api_methods.hpp"
#include "sandbox/payments.hpp"
#include "telegram/spec.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

std::int64_t unix_now(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.wall().time_since_epoch()).count();
}

// An invoice's reply_markup: an inline keyboard whose first button is a Pay button.
std::optional<ApiError> check_invoice_markup(const json::value& markup) {
  if (auto error = check_reply_markup(markup)) return error;
  const json::value* rows = markup.as_object().if_contains("inline_keyboard");
  if (rows == nullptr) return bad_request("REPLY_MARKUP_BUY_EMPTY");
  const json::array& all = rows->as_array();
  if (all.empty() || all.front().as_array().empty()) return bad_request("REPLY_MARKUP_BUY_EMPTY");
  const json::object& first = all.front().as_array().front().as_object();
  const json::value* pay = first.if_contains("pay");
  if (pay == nullptr || !pay->is_bool() || !pay->get_bool()) {
    return bad_request("REPLY_MARKUP_BUY_EMPTY");
  }
  return std::nullopt;
}

// answerShippingQuery's shipping_options: non-empty, each {id, title, prices} with unique ids.
std::optional<ApiError> check_shipping_options(const json::value* options) {
  if (options == nullptr || options->as_array().empty()) {
    return bad_request("shipping_options must be non-empty when ok is True");
  }
  std::set<std::string> ids;
  for (const json::value& item : options->as_array()) {
    const json::object* option = item.if_object();
    const json::value* id = option ? option->if_contains("id") : nullptr;
    const json::value* title = option ? option->if_contains("title") : nullptr;
    const json::value* prices = option ? option->if_contains("prices") : nullptr;
    if (id == nullptr || !id->is_string() || id->get_string().empty() || title == nullptr ||
        !title->is_string() || title->get_string().empty() || prices == nullptr ||
        !prices->is_array() || prices->as_array().empty()) {
      return bad_request("can't parse ShippingOption: id, title and prices are required");
    }
    for (const json::value& price : prices->as_array()) {
      const json::object* p = price.if_object();
      const json::value* label = p ? p->if_contains("label") : nullptr;
      const json::value* amount = p ? p->if_contains("amount") : nullptr;
      if (label == nullptr || !label->is_string() || amount == nullptr || !amount->is_int64()) {
        return bad_request("can't parse LabeledPrice: Field \"amount\" must be of type Integer");
      }
    }
    if (!ids.insert(std::string(id->get_string())).second) {
      return bad_request("SHIPPING_ID_DUPLICATE");
    }
  }
  return std::nullopt;
}

MethodResult send_invoice(Call& call) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  auto read = read_invoice(call.params);
  if (auto* error = std::get_if<ApiError>(&read)) return *error;
  Invoice invoice = std::get<Invoice>(std::move(read));
  Message message;
  if (const json::value* markup = call.params.if_contains("reply_markup")) {
    if (auto error = check_invoice_markup(*markup)) return *error;
    message.reply_markup = *markup;
  }
  Chat& target = *std::get<Chat*>(chat);
  const LimitDecision decision = call.limiter.acquire(target.id);
  if (!decision.allowed) return too_many_requests(decision.retry_after_s);
  message.from_bot = true;
  message.content["invoice"] = invoice_json(invoice);
  const Message& stored = call.bot.add_message(target, std::move(message));
  invoice.chat_id = target.id;
  invoice.message_id = stored.message_id;
  call.bot.payments.add_invoice(std::move(invoice), /*as_link=*/false);
  return json::value(call.bot.message_json(stored));
}

MethodResult create_invoice_link(Call& call) {
  auto read = read_invoice(call.params);
  if (auto* error = std::get_if<ApiError>(&read)) return *error;
  const Invoice& invoice =
      call.bot.payments.add_invoice(std::get<Invoice>(std::move(read)), /*as_link=*/true);
  return json::value(invoice.link);
}

MethodResult answer_shipping_query(Call& call) {
  PaymentQuery::Answer answer;
  answer.ok = bool_param(call.params, "ok");
  if (answer.ok) {
    const json::value* options = call.params.if_contains("shipping_options");
    if (auto error = check_shipping_options(options)) return *error;
    answer.shipping_options = options->as_array();
  } else {
    answer.error_message = string_param(call.params, "error_message");
    if (answer.error_message.empty()) {
      return bad_request("error_message must be non-empty when ok is False");
    }
  }
  const std::string id = string_param(call.params, "shipping_query_id");
  if (auto error =
          call.bot.payments.answer(id, /*shipping=*/true, std::move(answer), call.clock.now())) {
    return *error;
  }
  return json::value(true);
}

MethodResult answer_pre_checkout_query(Call& call) {
  PaymentQuery::Answer answer;
  answer.ok = bool_param(call.params, "ok");
  if (!answer.ok) {
    answer.error_message = string_param(call.params, "error_message");
    if (answer.error_message.empty()) {
      return bad_request("error_message must be non-empty when ok is False");
    }
  }
  const std::string id = string_param(call.params, "pre_checkout_query_id");
  if (auto error =
          call.bot.payments.answer(id, /*shipping=*/false, std::move(answer), call.clock.now())) {
    return *error;
  }
  return json::value(true);
}

// Bot API 7.10 tells the bot about a refund with a refunded_payment service message; an older spec
// has no such field and the refund is silent.
bool spec_has_refunded_payment() {
  const telegram::spec::Type* message = telegram::spec::find_type("Message");
  if (message == nullptr) return false;
  return std::any_of(message->fields.begin(), message->fields.end(),
                     [](const telegram::spec::Field& f) { return f.name == "refunded_payment"; });
}

MethodResult refund_star_payment(Call& call) {
  const std::int64_t user_id = *int_param(call.params, "user_id");
  Charge* charge =
      call.bot.payments.find_charge(string_param(call.params, "telegram_payment_charge_id"));
  if (charge == nullptr || charge->user_id != user_id) return bad_request("CHARGE_NOT_FOUND");
  if (charge->currency != "XTR") {
    return bad_request("CHARGE_NOT_FOUND: only payments in Telegram Stars can be refunded");
  }
  if (charge->refunded) return bad_request("CHARGE_ALREADY_REFUNDED");
  call.bot.payments.refund(*charge, unix_now(call.clock));
  if (spec_has_refunded_payment()) {
    Message message;
    message.from_user_id = user_id;
    message.content["refunded_payment"] =
        json::object{{"currency", charge->currency},
                     {"total_amount", charge->total_amount},
                     {"invoice_payload", charge->invoice_payload},
                     {"telegram_payment_charge_id", charge->telegram_payment_charge_id}};
    const Message& posted = call.bot.add_message(call.bot.ensure_chat(user_id), std::move(message));
    call.bot.enqueue("message", json::object{{"message", call.bot.message_json(posted)}});
  }
  return json::value(true);
}

MethodResult get_star_transactions(Call& call) {
  const std::int64_t offset = int_param(call.params, "offset").value_or(0);
  const std::int64_t limit = int_param(call.params, "limit").value_or(100);
  if (offset < 0) return bad_request("offset must be non-negative");
  if (limit < 1 || limit > 100) return bad_request("limit must be between 1 and 100");
  const auto& all = call.bot.payments.star_transactions();
  json::array transactions;
  for (std::size_t i = static_cast<std::size_t>(
           std::min<std::int64_t>(offset, static_cast<std::int64_t>(all.size())));
       i < all.size() && transactions.size() < static_cast<std::size_t>(limit); ++i) {
    const StarTransaction& t = all[i];
    json::object partner{{"type", "user"}, {"transaction_type", "invoice_payment"}};
    const User& user = call.bot.ensure_user(t.user_id);
    partner["user"] = call.bot.user_json(user);
    partner["invoice_payload"] = t.invoice_payload;
    transactions.push_back(json::object{{"id", t.id},
                                        {"amount", t.amount},
                                        {"date", t.date},
                                        {t.incoming ? "source" : "receiver", std::move(partner)}});
  }
  return json::value(json::object{{"transactions", std::move(transactions)}});
}

}  // namespace

MethodFn find_payment_method_fn(std::string_view name) {
  static constexpr std::pair<std::string_view, MethodFn> kMethods[] = {
      {"sendInvoice", send_invoice},
      {"createInvoiceLink", create_invoice_link},
      {"answerShippingQuery", answer_shipping_query},
      {"answerPreCheckoutQuery", answer_pre_checkout_query},
      {"refundStarPayment", refund_star_payment},
      {"getStarTransactions", get_star_transactions},
  };
  for (const auto& [method, fn] : kMethods) {
    if (method == name) return fn;
  }
  return nullptr;
}

}  // namespace corebot::sandbox
