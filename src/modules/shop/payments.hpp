// Telegram Payments for the shop: card through the provider token ([modules.shop]
// provider_token_file; never logged), Telegram Stars (XTR) for digital goods.
//
// The life of a paid order: "Pay" takes the stock (a reservation) and stores the order with
// status "pending", then sends the invoice (payload "order:<n>") and schedules a job that, after
// reservation_seconds, marks a still-pending order "expired" and gives the stock back. A card
// invoice for goods that travel is flexible: the shipping query is answered with the delivery
// options (the one chosen at checkout first). The pre-checkout query is answered ok only when the
// order is still pending and its lines still cost what the invoice says, shipping included.
// successful_payment is recorded once per telegram_payment_charge_id (collection shop.payments,
// _id the charge id), even when Telegram delivers the update again; then the order takes the
// first status, the customer gets the receipt (and digital items), the staff get the order.
#pragma once

#include <string>

#include "corebot/context.hpp"
#include "corebot/services.hpp"
#include "modules/shop/catalog.hpp"

namespace corebot::modules::shop {

inline constexpr std::string_view kPayments = "payments";
inline constexpr std::string_view kExpireJob = "expire";

// What start() read from the config: the provider token (empty: no card payments).
struct PaymentConfig {
  std::string provider_token;
  std::int64_t reservation_seconds = 900;
};
const PaymentConfig& payment_config();
void set_payment_config(PaymentConfig config);

// Registers the reservation job's handler (Module::start).
void handle_payment_jobs(ModuleServices& services);

// Stores the pending order with its reservation and sends the invoice.
void send_invoice(ModuleServices& services, Context& ctx, const Catalog& catalog,
                  boost::json::object order);
// Updates: shipping_query, pre_checkout_query, and a message with successful_payment.
void on_shipping_query(ModuleServices& services, Context& ctx);
void on_pre_checkout(ModuleServices& services, Context& ctx);
void on_successful_payment(ModuleServices& services, Context& ctx);
// Staff: refunds a paid Stars order (refundStarPayment) and marks it "refunded".
void refund_order(ModuleServices& services, Context& ctx, std::int64_t order);

}  // namespace corebot::modules::shop
