#include "sandbox/control_payments.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "sandbox/api_error.hpp"
#include "sandbox/control_params.hpp"
#include "sandbox/validator.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

using control::get_int;
using control::get_string;
using control::invalid;

std::int64_t unix_now(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.wall().time_since_epoch()).count();
}

// What a user types into Telegram's payment form: the fields the invoice asks for, taken from the
// test's order_info where given, otherwise plausible values.
json::object order_info_for(const Invoice& invoice, const User& user, const json::object& given) {
  json::object info;
  auto pick = [&](std::string_view field, json::value fallback) {
    const json::value* v = given.if_contains(field);
    info[field] = v != nullptr && !v->is_null() ? *v : std::move(fallback);
  };
  if (invoice.need_name) {
    pick("name", json::value(user.last_name.empty() ? user.first_name
                                                    : user.first_name + " " + user.last_name));
  }
  if (invoice.need_phone_number) {
    pick("phone_number", json::value("+1555" + std::to_string(1000000 + user.id % 9000000)));
  }
  if (invoice.need_email)
    pick("email", json::value("user" + std::to_string(user.id) + "@example.com"));
  if (invoice.need_shipping_address || invoice.is_flexible) {
    json::object address{{"country_code", "US"},  {"state", "IL"},
                         {"city", "Springfield"}, {"street_line1", "742 Evergreen Terrace"},
                         {"street_line2", ""},    {"post_code", "62704"}};
    if (const json::value* v = given.if_contains("shipping_address"); v && v->is_object()) {
      for (const auto& [key, value] : v->as_object()) address[key] = value;
    }
    info["shipping_address"] = std::move(address);
  }
  return info;
}

std::int64_t option_total(const json::object& option) {
  std::int64_t total = 0;
  for (const json::value& price : option.at("prices").as_array()) {
    total += price.as_object().at("amount").as_int64();
  }
  return total;
}

}  // namespace

struct PaymentsControl::Pay {
  std::string token;
  std::int64_t user_id = 0;
  std::int64_t invoice_id = 0;
  std::string currency;
  std::string wanted_option;  // the shipping option the test picks; empty: the first offered
  json::object order_info;
  bool decline = false;
  std::string query_id;  // the query being waited for
  std::string shipping_option_id;
  std::int64_t total = 0;
  net::Respond respond;
  net::EventLoop::TimerId timer = 0;
};

PaymentsControl::PaymentsControl(net::EventLoop& loop, SandboxState& state,
                                 const core::Clock& clock)
    : loop_(loop), state_(state), clock_(clock) {}

PaymentsControl::~PaymentsControl() { stop(); }

void PaymentsControl::stop() {
  *alive_ = false;
  auto pays = std::exchange(pays_, {});
  for (const PayPtr& pay : pays) {
    loop_.cancel(pay->timer);
    pay->respond(error_response(ApiError{503, "Service Unavailable: the sandbox is stopping"}));
  }
}

bool PaymentsControl::handle(std::string_view route, std::string_view method,
                             const json::object& body, const json::object& query,
                             net::Respond& respond) {
  if (route == "payments/pay" && method == "POST") {
    start_pay(body, std::move(respond));
    return true;
  }
  if (route == "payments" && method == "GET") {
    Bot* bot = state_.find_bot(get_string(query, "token"));
    respond(bot == nullptr ? error_response(invalid("unknown token")) : ok_response(list(query)));
    return true;
  }
  return false;
}

void PaymentsControl::start_pay(const json::object& body, net::Respond respond) {
  auto refuse = [&](std::string what) { respond(error_response(invalid(std::move(what)))); };
  Bot* bot = state_.find_bot(get_string(body, "token"));
  if (bot == nullptr) return refuse("unknown token");
  const auto user_id = get_int(body, "user_id");
  if (!user_id || *user_id <= 0) return refuse("user_id must be a positive integer");
  const Invoice* invoice = nullptr;
  if (const std::string link = get_string(body, "invoice_link"); !link.empty()) {
    invoice = bot->payments.find_invoice_link(link);
    if (invoice == nullptr) return refuse("invoice_link names no invoice of this bot");
  } else {
    const auto message_id = get_int(body, "message_id");
    if (!message_id) return refuse("message_id (the invoice in the user's chat) is required");
    if (bot->find_message(*user_id, *message_id) != nullptr) {
      invoice = bot->payments.find_invoice_message(*user_id, *message_id);
    }
    if (invoice == nullptr) {
      return refuse("message_id must name an invoice the bot sent to the user's private chat");
    }
  }
  const json::value* given = body.if_contains("order_info");
  if (given != nullptr && !given->is_object()) return refuse("order_info must be a JSON object");
  const json::value* decline = body.if_contains("decline");
  if (decline != nullptr && !decline->is_bool()) return refuse("decline must be a boolean");

  auto pay = std::make_shared<Pay>();
  pay->token = bot->token();
  pay->user_id = *user_id;
  pay->invoice_id = invoice->id;
  pay->currency = invoice->currency;
  pay->total = invoice->total_amount;
  pay->wanted_option = get_string(body, "shipping_option_id");
  pay->decline = decline != nullptr && decline->get_bool();
  pay->order_info = order_info_for(*invoice, bot->ensure_user(*user_id),
                                   given != nullptr ? given->as_object() : json::object{});
  pay->respond = std::move(respond);
  pays_.insert(pay);
  ask(pay, /*shipping=*/invoice->is_flexible);
}

// Raises the next query as an update and waits for the bot's answer or the deadline.
void PaymentsControl::ask(const PayPtr& pay, bool shipping) {
  Bot& bot = *state_.find_bot(pay->token);
  const Invoice& invoice = *bot.payments.find_invoice(pay->invoice_id);
  const User& user = bot.ensure_user(pay->user_id);
  PaymentQuery& query = bot.payments.add_query(shipping, pay->user_id, clock_.now(), bot.id());
  pay->query_id = query.id;
  // The answer arrives inside the bot's API call; go on once that call has been answered.
  query.on_answer = [this, alive = alive_, pay] {
    loop_.post([this, alive, pay] {
      if (*alive && pays_.contains(pay)) answered(pay);
    });
  };
  json::object body{{"id", query.id}, {"from", bot.user_json(user)}};
  if (shipping) {
    body["invoice_payload"] = invoice.payload;
    body["shipping_address"] = pay->order_info.at("shipping_address");
  } else {
    body["currency"] = invoice.currency;
    body["total_amount"] = pay->total;
    body["invoice_payload"] = invoice.payload;
    if (!pay->shipping_option_id.empty()) body["shipping_option_id"] = pay->shipping_option_id;
    if (!pay->order_info.empty()) body["order_info"] = pay->order_info;
  }
  const std::string kind = shipping ? "shipping_query" : "pre_checkout_query";
  bot.enqueue(kind, json::object{{kind, std::move(body)}});
  arm_deadline(pay);
}

void PaymentsControl::answered(const PayPtr& pay) {
  Bot& bot = *state_.find_bot(pay->token);
  PaymentQuery* query = bot.payments.find_query(pay->query_id);
  if (query == nullptr || !query->answer) return;
  loop_.cancel(pay->timer);
  const PaymentQuery::Answer answer = *query->answer;
  const bool shipping = query->shipping;
  bot.payments.forget_query(pay->query_id);
  if (shipping) {
    shipping_answered(pay, answer);
  } else {
    pre_checkout_answered(pay, answer);
  }
}

void PaymentsControl::shipping_answered(const PayPtr& pay, const PaymentQuery::Answer& answer) {
  if (!answer.ok) return finish(pay, "shipping_refused", answer.error_message);
  const json::object* chosen = nullptr;
  std::string offered;
  for (const json::value& option : answer.shipping_options) {
    const json::object& o = option.as_object();
    const std::string id(o.at("id").as_string());
    offered += (offered.empty() ? "" : ", ") + id;
    if (chosen == nullptr && (pay->wanted_option.empty() || pay->wanted_option == id)) chosen = &o;
  }
  if (chosen == nullptr) {
    return fail(pay, "shipping_option_id \"" + pay->wanted_option +
                         "\" is not among the options the bot offered: " + offered);
  }
  pay->shipping_option_id = std::string(chosen->at("id").as_string());
  pay->total += option_total(*chosen);
  ask(pay, /*shipping=*/false);
}

void PaymentsControl::pre_checkout_answered(const PayPtr& pay, const PaymentQuery::Answer& answer) {
  if (!answer.ok) return finish(pay, "declined_by_bot", answer.error_message);
  if (pay->decline) return finish(pay, "card_declined", "the card was declined");
  Bot& bot = *state_.find_bot(pay->token);
  const Invoice& invoice = *bot.payments.find_invoice(pay->invoice_id);
  Charge charge;
  charge.user_id = pay->user_id;
  charge.invoice_id = invoice.id;
  charge.currency = invoice.currency;
  charge.total_amount = pay->total;
  charge.invoice_payload = invoice.payload;
  charge.shipping_option_id = pay->shipping_option_id;
  charge.order_info = pay->order_info;
  charge.date = unix_now(clock_);
  const Charge& stored = bot.payments.add_charge(std::move(charge));

  json::object payment{{"currency", stored.currency},
                       {"total_amount", stored.total_amount},
                       {"invoice_payload", stored.invoice_payload}};
  if (invoice.subscription_period > 0) {
    payment["subscription_expiration_date"] = stored.date + invoice.subscription_period;
    payment["is_recurring"] = true;
    payment["is_first_recurring"] = true;
  }
  if (!stored.shipping_option_id.empty()) payment["shipping_option_id"] = stored.shipping_option_id;
  if (!stored.order_info.empty()) payment["order_info"] = stored.order_info;
  payment["telegram_payment_charge_id"] = stored.telegram_payment_charge_id;
  payment["provider_payment_charge_id"] = stored.provider_payment_charge_id;

  Message message;
  message.from_user_id = pay->user_id;
  message.content["successful_payment"] = std::move(payment);
  const Message& posted = bot.add_message(bot.ensure_chat(pay->user_id), std::move(message));
  bot.enqueue("message", json::object{{"message", bot.message_json(posted)}});
  finish(pay, "paid", "", stored.telegram_payment_charge_id);
}

// A real timer wakes the flow when the deadline should have passed; on a manual clock it finds
// the deadline still ahead and sleeps again, so only POST /control/clock/advance expires it.
void PaymentsControl::arm_deadline(const PayPtr& pay) {
  loop_.cancel(pay->timer);
  Bot& bot = *state_.find_bot(pay->token);
  const PaymentQuery* query = bot.payments.find_query(pay->query_id);
  const auto left = query->created + kPaymentQueryWindow - clock_.now();
  const auto wait = std::max<std::chrono::steady_clock::duration>(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(left),
      std::chrono::milliseconds(1));
  pay->timer = loop_.after(wait, [this, alive = alive_, pay] {
    if (*alive && pays_.contains(pay)) check_deadline(pay);
  });
}

void PaymentsControl::check_deadline(const PayPtr& pay) {
  Bot& bot = *state_.find_bot(pay->token);
  PaymentQuery* query = bot.payments.find_query(pay->query_id);
  if (query == nullptr || query->answer) return;  // answered: the posted continuation runs
  if (bot.payments.expire_if_due(*query, clock_.now())) {
    finish(pay, "expired",
           query->shipping ? "the bot did not answer the shipping query in time"
                           : "the bot did not answer the pre-checkout query in time");
  } else {
    arm_deadline(pay);
  }
}

void PaymentsControl::clock_advanced() {
  const auto pays = pays_;
  for (const PayPtr& pay : pays) {
    if (pays_.contains(pay)) check_deadline(pay);
  }
}

void PaymentsControl::finish(const PayPtr& pay, std::string_view status, std::string error_message,
                             std::string charge_id) {
  loop_.cancel(pay->timer);
  pays_.erase(pay);
  json::object result{{"status", status},
                      {"error_message", error_message},
                      {"total_amount", pay->total},
                      {"currency", pay->currency},
                      {"telegram_payment_charge_id", charge_id}};
  if (Bot* bot = state_.find_bot(pay->token)) {
    // The web chat shows how the payment ended under the invoice (Telegram shows it in its
    // payment form).
    const Invoice* invoice = bot->payments.find_invoice(pay->invoice_id);
    bot->events.add(bot->token(), json::object{{"kind", "payment"},
                                               {"chat_id", pay->user_id},
                                               {"invoice_id", pay->invoice_id},
                                               {"message_id", invoice ? invoice->message_id : 0},
                                               {"result", result}});
  }
  pay->respond(ok_response(result));
}

void PaymentsControl::fail(const PayPtr& pay, std::string description) {
  loop_.cancel(pay->timer);
  pays_.erase(pay);
  pay->respond(error_response(invalid(std::move(description))));
}

json::value PaymentsControl::list(const json::object& query) {
  Bot& bot = *state_.find_bot(get_string(query, "token"));
  json::array invoices;
  for (const auto& [id, invoice] : bot.payments.invoices()) {
    invoices.push_back(
        json::object{{"id", id},
                     {"chat_id", invoice.chat_id},
                     {"message_id", invoice.message_id},
                     {"link", invoice.link},
                     {"title", invoice.title},
                     {"description", invoice.description},
                     {"payload", invoice.payload},
                     {"currency", invoice.currency},
                     {"prices", invoice.prices},
                     {"total_amount", invoice.total_amount},
                     {"total_text", format_amount(invoice.total_amount, invoice.currency)},
                     {"provider_token", invoice.provider_token},
                     {"is_flexible", invoice.is_flexible},
                     {"need_name", invoice.need_name},
                     {"need_phone_number", invoice.need_phone_number},
                     {"need_email", invoice.need_email},
                     {"need_shipping_address", invoice.need_shipping_address},
                     {"photo_url", invoice.photo_url}});
  }
  json::array charges;
  for (const Charge& charge : bot.payments.charges()) {
    charges.push_back(
        json::object{{"telegram_payment_charge_id", charge.telegram_payment_charge_id},
                     {"provider_payment_charge_id", charge.provider_payment_charge_id},
                     {"user_id", charge.user_id},
                     {"invoice_id", charge.invoice_id},
                     {"currency", charge.currency},
                     {"total_amount", charge.total_amount},
                     {"invoice_payload", charge.invoice_payload},
                     {"shipping_option_id", charge.shipping_option_id},
                     {"order_info", charge.order_info},
                     {"date", charge.date},
                     {"refunded", charge.refunded}});
  }
  json::array pending;
  for (const PayPtr& pay : pays_) {
    if (pay->token == bot.token()) {
      pending.push_back(json::object{
          {"user_id", pay->user_id}, {"invoice_id", pay->invoice_id}, {"query_id", pay->query_id}});
    }
  }
  return json::object{{"invoices", std::move(invoices)},
                      {"charges", std::move(charges)},
                      {"pending", std::move(pending)}};
}

}  // namespace corebot::sandbox
