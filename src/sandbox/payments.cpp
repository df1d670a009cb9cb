#include "sandbox/payments.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "sandbox/state.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

// Telegram's payment currencies (currencies.json) with their "exp"; XTR is Telegram Stars.
constexpr std::pair<std::string_view, int> kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ARS", 2}, {"AUD", 2}, {"AZN", 2}, {"BAM", 2},
    {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BYN", 2}, {"CAD", 2},
    {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2}, {"CZK", 2}, {"DKK", 2}, {"DOP", 2},
    {"DZD", 2}, {"EGP", 2}, {"ETB", 2}, {"EUR", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GTQ", 2},
    {"HKD", 2}, {"HNL", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 2}, {"IRR", 2},
    {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KRW", 0}, {"KZT", 2},
    {"LBP", 2}, {"LKR", 2}, {"MAD", 2}, {"MDL", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MUR", 2},
    {"MVR", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2},
    {"NZD", 2}, {"PAB", 2}, {"PEN", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2},
    {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TJS", 2},
    {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2},
    {"UZS", 2}, {"VND", 0}, {"YER", 2}, {"ZAR", 2}, {"XTR", 0}};

// Totals Telegram accepts: Stars 1..100000; other currencies positive and below 10^10 minor units
// (Telegram's real cap is about US$10,000 converted; the sandbox has no exchange rates).
constexpr std::int64_t kMaxStars = 100000;
constexpr std::int64_t kMaxMinorUnits = 10'000'000'000;
constexpr std::int64_t kSubscriptionPeriod = 2592000;  // 30 days, the only period Telegram takes

ApiError stars_invalid() { return bad_request("STARS_INVOICE_INVALID"); }

std::string text(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool flag(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::optional<std::int64_t> integer(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

// prices: a non-empty array of {label: non-empty String, amount: Integer}; returns the total.
std::variant<std::int64_t, ApiError> read_prices(const json::array& prices) {
  if (prices.empty()) return bad_request("prices must be a non-empty array of LabeledPrice");
  std::int64_t total = 0;
  for (const json::value& item : prices) {
    const json::object* price = item.if_object();
    const json::value* label = price ? price->if_contains("label") : nullptr;
    const json::value* amount = price ? price->if_contains("amount") : nullptr;
    if (label == nullptr || !label->is_string() || label->get_string().empty()) {
      return bad_request("can't parse LabeledPrice: Field \"label\" must be of type String");
    }
    if (amount == nullptr || !amount->is_int64()) {
      return bad_request("can't parse LabeledPrice: Field \"amount\" must be of type Integer");
    }
    const std::int64_t a = amount->get_int64();
    if (a > kMaxMinorUnits || a < -kMaxMinorUnits) {
      return bad_request("CURRENCY_TOTAL_AMOUNT_INVALID");
    }
    total += a;  // a discount may be negative; the total must end up positive
  }
  return total;
}

std::optional<ApiError> check_tips(const json::object& params, bool stars) {
  const auto max_tip = integer(params, "max_tip_amount");
  const json::value* suggested = params.if_contains("suggested_tip_amounts");
  if (!max_tip && suggested == nullptr) return std::nullopt;
  if (stars) return stars_invalid();  // "Not supported for payments in Telegram Stars"
  if (max_tip && *max_tip < 0) return bad_request("max_tip_amount must be non-negative");
  if (suggested == nullptr) return std::nullopt;
  const json::array& tips = suggested->as_array();
  if (tips.size() > 4) return bad_request("at most 4 suggested tip amounts can be specified");
  std::int64_t previous = 0;
  for (const json::value& tip : tips) {
    if (!tip.is_int64() || tip.get_int64() <= previous) {
      return bad_request("suggested tip amounts must be positive and strictly increasing");
    }
    previous = tip.get_int64();
    if (previous > max_tip.value_or(0)) {
      return bad_request("suggested tip amounts must not exceed max_tip_amount");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> currency_exponent(std::string_view currency) {
  for (const auto& [code, exp] : kCurrencies) {
    if (code == currency) return exp;
  }
  return std::nullopt;
}

std::string format_amount(std::int64_t amount, std::string_view currency) {
  if (currency == "XTR") return "⭐ " + std::to_string(amount);
  const int exp = currency_exponent(currency).value_or(2);
  const bool negative = amount < 0;
  std::string digits = std::to_string(negative ? -amount : amount);
  if (exp > 0) {
    if (digits.size() <= static_cast<std::size_t>(exp)) {
      digits.insert(0, static_cast<std::size_t>(exp) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(exp), ".");
  }
  return (negative ? "-" : "") + digits + " " + std::string(currency);
}

std::variant<Invoice, ApiError> read_invoice(const json::object& params) {
  Invoice invoice;
  invoice.title = text(params, "title");
  invoice.description = text(params, "description");
  invoice.payload = text(params, "payload");
  invoice.currency = text(params, "currency");
  // Required parameters were checked by the validator (an empty string counts as missing).
  if (utf16_length(invoice.title) > 32) return bad_request("invoice title must be 1-32 characters");
  if (utf16_length(invoice.description) > 255) {
    return bad_request("invoice description must be 1-255 characters");
  }
  if (invoice.payload.size() > 128) return bad_request("INVOICE_PAYLOAD_INVALID");
  if (!currency_exponent(invoice.currency)) return bad_request("CURRENCY_INVALID");
  const bool stars = invoice.currency == "XTR";

  invoice.prices = params.at("prices").as_array();
  auto total = read_prices(invoice.prices);
  if (auto* error = std::get_if<ApiError>(&total)) return *error;
  invoice.total_amount = std::get<std::int64_t>(total);
  if (stars && invoice.prices.size() != 1) return stars_invalid();
  if (invoice.total_amount <= 0 || invoice.total_amount > (stars ? kMaxStars : kMaxMinorUnits)) {
    return bad_request("CURRENCY_TOTAL_AMOUNT_INVALID");
  }

  invoice.provider_token = text(params, "provider_token");
  if (stars && !invoice.provider_token.empty()) return stars_invalid();
  if (!stars && invoice.provider_token.empty()) return bad_request("PAYMENT_PROVIDER_INVALID");
  if (auto error = check_tips(params, stars)) return *error;

  invoice.is_flexible = flag(params, "is_flexible");
  invoice.need_shipping_address = flag(params, "need_shipping_address");
  // Stars buy digital goods: nothing is shipped (the sandbox refuses what Telegram ignores).
  if (stars && (invoice.is_flexible || invoice.need_shipping_address)) return stars_invalid();
  if (!stars) {
    invoice.need_name = flag(params, "need_name");
    invoice.need_phone_number = flag(params, "need_phone_number");
    invoice.need_email = flag(params, "need_email");
  }
  if (const auto period = integer(params, "subscription_period")) {
    if (!stars || *period != kSubscriptionPeriod) {
      return bad_request("SUBSCRIPTION_PERIOD_INVALID");
    }
    invoice.subscription_period = *period;
  }
  invoice.start_parameter = text(params, "start_parameter");
  invoice.photo_url = text(params, "photo_url");
  return invoice;
}

json::object invoice_json(const Invoice& invoice) {
  return json::object{{"title", invoice.title},
                      {"description", invoice.description},
                      {"start_parameter", invoice.start_parameter},
                      {"currency", invoice.currency},
                      {"total_amount", invoice.total_amount}};
}

void add_payment_view(json::object& view, const json::object& content, const Invoice* sent) {
  for (const std::string_view key : {"invoice", "successful_payment", "refunded_payment"}) {
    const json::value* v = content.if_contains(key);
    if (v == nullptr || !v->is_object()) continue;
    json::object shown = v->as_object();
    const json::value* amount = shown.if_contains("total_amount");
    const json::value* currency = shown.if_contains("currency");
    if (amount && amount->is_int64() && currency && currency->is_string()) {
      shown["total_text"] = format_amount(amount->get_int64(), currency->get_string());
    }
    // The product photo (sendInvoice photo_url), which the Bot API's Invoice leaves out.
    if (key == "invoice" && sent != nullptr && !sent->photo_url.empty()) {
      shown["photo_url"] = sent->photo_url;
    }
    view[key] = std::move(shown);
  }
}

Invoice& PaymentBook::add_invoice(Invoice invoice, bool as_link) {
  invoice.id = next_invoice_++;
  if (as_link) invoice.link = "https://t.me/$sandbox_invoice/" + std::to_string(invoice.id);
  auto [it, inserted] = invoices_.emplace(invoice.id, std::move(invoice));
  return it->second;
}

Invoice* PaymentBook::find_invoice(std::int64_t id) {
  auto it = invoices_.find(id);
  return it == invoices_.end() ? nullptr : &it->second;
}

const Invoice* PaymentBook::find_invoice_message(std::int64_t chat_id,
                                                 std::int64_t message_id) const {
  for (const auto& [id, invoice] : invoices_) {
    if (invoice.message_id != 0 && invoice.chat_id == chat_id && invoice.message_id == message_id) {
      return &invoice;
    }
  }
  return nullptr;
}

Invoice* PaymentBook::find_invoice_link(std::string_view link) {
  for (auto& [id, invoice] : invoices_) {
    if (!invoice.link.empty() && invoice.link == link) return &invoice;
  }
  return nullptr;
}

PaymentQuery& PaymentBook::add_query(bool shipping, std::int64_t user_id, core::TimePoint now,
                                     std::int64_t bot_id) {
  PaymentQuery query;
  // Telegram's query ids are long decimal strings; ours count per bot.
  const std::uint64_t n = next_query_++;
  query.id = std::to_string(bot_id) + std::to_string((shipping ? 1000000 : 2000000) + n);
  query.shipping = shipping;
  query.user_id = user_id;
  query.created = now;
  auto [it, inserted] = queries_.emplace(query.id, std::move(query));
  return it->second;
}

PaymentQuery* PaymentBook::find_query(std::string_view id) {
  auto it = queries_.find(id);
  return it == queries_.end() ? nullptr : &it->second;
}

bool PaymentBook::expire_if_due(PaymentQuery& query, core::TimePoint now) {
  if (!query.answer && now - query.created >= kPaymentQueryWindow) query.expired = true;
  return query.expired;
}

std::optional<ApiError> PaymentBook::answer(std::string_view id, bool shipping,
                                            PaymentQuery::Answer answer, core::TimePoint now) {
  PaymentQuery* query = find_query(id);
  if (query == nullptr || query->shipping != shipping || query->answer ||
      expire_if_due(*query, now)) {
    return bad_request("query is too old and response timeout expired or query ID is invalid");
  }
  query->answer = std::move(answer);
  if (query->on_answer) query->on_answer();
  return std::nullopt;
}

Charge& PaymentBook::add_charge(Charge charge) {
  const std::int64_t n = next_charge_++;
  charge.telegram_payment_charge_id = "tg-" + std::to_string(n);
  charge.provider_payment_charge_id = charge.currency == "XTR" ? "" : "prov-" + std::to_string(n);
  if (charge.currency == "XTR") {
    transactions_.push_back(StarTransaction{charge.telegram_payment_charge_id, charge.total_amount,
                                            charge.date, charge.user_id, charge.invoice_payload,
                                            true});
  }
  charges_.push_back(std::move(charge));
  return charges_.back();
}

Charge* PaymentBook::find_charge(std::string_view telegram_payment_charge_id) {
  for (Charge& charge : charges_) {
    if (charge.telegram_payment_charge_id == telegram_payment_charge_id) return &charge;
  }
  return nullptr;
}

void PaymentBook::refund(Charge& charge, std::int64_t date) {
  charge.refunded = true;
  transactions_.push_back(StarTransaction{charge.telegram_payment_charge_id, charge.total_amount,
                                          date, charge.user_id, charge.invoice_payload, false});
}

}  // namespace corebot::sandbox
