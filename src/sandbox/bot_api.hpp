// Serves the Bot API at /bot<token>/<method>, as strictly as Telegram: token and method checks,
// parameters validated against the spec, limits, faults, long polling, webhooks. Every call is
// recorded in the call log (see ControlApi). Used on the event loop thread only.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "net/event_loop.hpp"
#include "net/http_server.hpp"
#include "sandbox/bot_api_methods.hpp"
#include "sandbox/faults.hpp"
#include "sandbox/feed.hpp"
#include "sandbox/limiter.hpp"
#include "sandbox/state.hpp"

namespace corebot::sandbox {

struct BotApiOptions {
  MethodOptions methods;
  int max_poll_timeout_s = 50;  // getUpdates timeouts are capped here
};

class BotApi {
 public:
  BotApi(net::EventLoop& loop, SandboxState& state, RateLimiter& limiter, FaultSet& faults,
         Feed& calls, const core::Clock& clock, BotApiOptions options = {});
  ~BotApi();
  BotApi(const BotApi&) = delete;
  BotApi& operator=(const BotApi&) = delete;

  // Answers one request whose path starts with "/bot". `respond` may be called later (long
  // polling, injected latency).
  void handle(const net::HttpRequest& request, net::Respond respond);
  // Releases a held getUpdates of `bot`; call after an update was queued.
  void updates_arrived(Bot& bot);
  // Called after setWebhook/deleteWebhook changed a bot's webhook (to start or stop pushes).
  std::function<void(Bot&)> on_webhook_changed;
  // Answers every held getUpdates with an empty result and cancels pending timers.
  void stop();

 private:
  struct Pending;  // a call on its way: what the log needs, and the responder
  struct HeldPoll {
    std::shared_ptr<Pending> call;
    std::size_t limit = 100;
    net::EventLoop::TimerId timer = 0;
  };

  void run(std::shared_ptr<Pending> call, const FaultPlan& plan);
  void execute(std::shared_ptr<Pending> call);
  void finish(Pending& call, const MethodResult& result);
  // getUpdates' answer: `updates` as a JSON array.
  void finish_updates(Pending& call, const std::vector<const Update*>& updates);
  void finish_raw(Pending& call, net::HttpResponse response, bool ok, int error_code,
                  const std::string& description);

  void get_updates(std::shared_ptr<Pending> call);
  void release_poll(Bot& bot, bool terminated);
  MethodResult set_webhook(Pending& call);
  MethodResult delete_webhook(Pending& call);
  MethodResult get_webhook_info(Pending& call);

  net::EventLoop& loop_;
  SandboxState& state_;
  RateLimiter& limiter_;
  FaultSet& faults_;
  Feed& calls_;
  const core::Clock& clock_;
  BotApiOptions options_;
  std::map<Bot*, HeldPoll> polls_;
  std::map<std::uint64_t, net::EventLoop::TimerId> delays_;  // injected latencies in progress
  std::uint64_t next_delay_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::sandbox
