// The control API's payment routes: Telegram's side of a payment, played for tests and the web
// chat, and a view of every invoice and charge (documented in docs/sandbox.md):
//   POST /control/payments/pay {"token","user_id","message_id" | "invoice_link",
//        "shipping_option_id"?, "order_info"?, "decline"?}
//     flexible invoice -> shipping_query, then pre_checkout_query, then (ok, not "decline") a
//     successful_payment message from the user. Each query waits for the bot's answer until
//     kPaymentQueryWindow has passed on the sandbox's clock (a manual clock moves only with
//     POST /control/clock/advance). Answers once the outcome is known:
//     {"status": "paid" | "card_declined" | "declined_by_bot" | "shipping_refused" | "expired",
//      "error_message", "total_amount", "currency", "telegram_payment_charge_id"}.
//   GET  /control/payments?token=   invoices, charges and Star transactions.
// Used on the event loop thread only.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "sandbox/state.hpp"

namespace corebot::sandbox {

class PaymentsControl {
 public:
  PaymentsControl(net::EventLoop& loop, SandboxState& state, const core::Clock& clock);
  ~PaymentsControl();
  PaymentsControl(const PaymentsControl&) = delete;
  PaymentsControl& operator=(const PaymentsControl&) = delete;

  // Serves `route` (the path after "/control/") when it is a payment route; false otherwise, and
  // `respond` is left untouched.
  bool handle(std::string_view route, std::string_view method, const boost::json::object& body,
              const boost::json::object& query, net::Respond& respond);
  // The sandbox's clock moved: payments whose query is past its deadline end as "expired".
  void clock_advanced();
  // Answers every payment in progress with 503 and forgets them.
  void stop();

 private:
  struct Pay;
  using PayPtr = std::shared_ptr<Pay>;

  void start_pay(const boost::json::object& body, net::Respond respond);
  void ask(const PayPtr& pay, bool shipping);
  void answered(const PayPtr& pay);
  void shipping_answered(const PayPtr& pay, const PaymentQuery::Answer& answer);
  void pre_checkout_answered(const PayPtr& pay, const PaymentQuery::Answer& answer);
  void arm_deadline(const PayPtr& pay);
  void check_deadline(const PayPtr& pay);
  void finish(const PayPtr& pay, std::string_view status, std::string error_message,
              std::string charge_id = {});
  void fail(const PayPtr& pay, std::string description);
  boost::json::value list(const boost::json::object& query);

  net::EventLoop& loop_;
  SandboxState& state_;
  const core::Clock& clock_;
  std::set<PayPtr> pays_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::sandbox
