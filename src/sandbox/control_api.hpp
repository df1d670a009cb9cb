// The control API under /control/: tests, demos and the web chat drive the sandbox through it.
// Routes (JSON in and out; answers are {"ok":true,"result":...} or {"ok":false,"error_code":N,
// "description":"..."}), documented in docs/sandbox.md:
//   GET  /control/health                      POST /control/bots, GET /control/bots
//   POST /control/updates/message|callback|raw POST /control/users, POST /control/users/block
//   GET  /control/stats?token[&chat_min&chat_max]
//   GET  /control/chats/messages?token&chat_id GET  /control/calls?token&since&wait_ms
//   GET  /control/events?token&since&wait_ms[&chat_id]
//   POST /control/faults, DELETE /control/faults  POST /control/limits (GET: current settings)
//   POST /control/clock/advance (manual clock only)
//   GET  /control/users?token                 POST /control/chats/clear   (control_web.cpp)
//   POST /control/payments/pay, GET /control/payments?token           (control_payments.hpp)
// Used on the event loop thread only.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <variant>

#include "core/clock.hpp"
#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "sandbox/api_error.hpp"
#include "sandbox/control_payments.hpp"
#include "sandbox/faults.hpp"
#include "sandbox/feed.hpp"
#include "sandbox/limiter.hpp"
#include "sandbox/state.hpp"

namespace corebot::sandbox {

class ControlApi {
 public:
  // `manual_clock` is null when the sandbox follows the real clock.
  ControlApi(net::EventLoop& loop, SandboxState& state, RateLimiter& limiter, FaultSet& faults,
             Feed& calls, const core::Clock& clock, core::ManualClock* manual_clock);
  ~ControlApi();
  ControlApi(const ControlApi&) = delete;
  ControlApi& operator=(const ControlApi&) = delete;

  // Answers one request whose path starts with "/control/".
  void handle(const net::HttpRequest& request, net::Respond respond);
  // Answers every waiting long poll with an empty list.
  void stop();

 private:
  struct Poll;
  using Result = std::variant<boost::json::value, ApiError>;

  Result register_bot(const boost::json::object& body);
  Result list_bots();
  Result user_message(const boost::json::object& body);
  Result user_callback(const boost::json::object& body);
  Result raw_update(const boost::json::object& body);
  Result block_user(const boost::json::object& body);
  Result add_users(const boost::json::object& body);
  // The web chat's routes (control_web.cpp): named users (the demo's admins), who is known, and
  // "Reset chat".
  Result add_named_users(const boost::json::object& body);
  Result list_users(const boost::json::object& query);
  Result clear_chat(const boost::json::object& body);
  Result stats(const boost::json::object& query);
  Result chat_messages(const boost::json::object& query);
  Result add_fault(const boost::json::object& body);
  Result set_limits(const boost::json::object& body);
  Result advance_clock(const boost::json::object& body);
  // /control/calls and /control/events: entries after `since`, waiting up to wait_ms for one.
  void long_poll(const boost::json::object& query, bool events, net::Respond respond);
  void poll_once(const std::shared_ptr<Poll>& poll);
  void complete(const std::shared_ptr<Poll>& poll, boost::json::array items);

  net::EventLoop& loop_;
  SandboxState& state_;
  RateLimiter& limiter_;
  FaultSet& faults_;
  Feed& calls_;
  const core::Clock& clock_;
  core::ManualClock* manual_clock_;
  std::set<std::shared_ptr<Poll>> polls_;
  std::unique_ptr<PaymentsControl> payments_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::sandbox
