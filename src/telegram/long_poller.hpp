// Receives updates with getUpdates. A batch is confirmed (the next offset sent to Telegram) only
// after every update in it was handled, so a crash re-delivers rather than loses updates.
// Transport errors and 5xx are retried with capped exponential backoff; 401 is fatal; 409 (a
// webhook is set, or another instance polls) is reported and retried.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/event_loop.hpp"
#include "telegram/bot_api_client.hpp"
#include "telegram/update_source.hpp"

namespace corebot::telegram {

struct LongPollerOptions {
  int timeout_s = 25;  // long-poll timeout sent to Telegram
  int limit = 100;
  std::vector<std::string> allowed_updates;
  std::chrono::milliseconds max_backoff{30000};
};

class LongPoller {
 public:
  LongPoller(net::EventLoop& loop, BotApiClient& client, LongPollerOptions options,
             DeliverUpdate deliver, FatalError fatal);
  ~LongPoller();

  // Starts polling (loop thread).
  void start();
  // Stops after the batch in hand is handled and confirmed; `stopped` runs then (loop thread).
  // Updates received after stop() are left unconfirmed for the next run.
  void stop(std::function<void()> stopped);

  [[nodiscard]] std::int64_t next_offset() const { return offset_; }
  [[nodiscard]] std::uint64_t batches() const { return batches_; }

 private:
  void poll();
  void on_result(const ApiResult& result);
  void retry_later(const std::string& why);
  void confirm_and_stop();

  net::EventLoop& loop_;
  BotApiClient& client_;
  LongPollerOptions options_;
  DeliverUpdate deliver_;
  FatalError fatal_;
  std::int64_t offset_ = 0;
  std::uint64_t batches_ = 0;
  int failures_ = 0;
  bool stopping_ = false;
  bool batch_in_hand_ = false;
  bool confirmed_ = true;  // no handled update waits for the next getUpdates to confirm it
  std::function<void()> stopped_;
  net::EventLoop::TimerId retry_timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::telegram
