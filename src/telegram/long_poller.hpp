// Receives updates with getUpdates. A batch is confirmed (the next offset sent to Telegram) only
// after every update in it was handled, so a crash re-delivers rather than loses updates; an
// update without a usable update_id still counts toward the offset, or it would come back forever.
//
// A slow update must not hold every other chat: with an UpdateInbox, the updates of a batch still
// unhandled `park_after` after it arrived are parked (stored durably), then the batch is confirmed
// and polling goes on; a parked update is unparked once handled, and start() first hands over
// whatever a crash left parked. So nothing is lost either way, and a chat that waits on a slow
// module (or a store that hangs) costs the other chats at most `park_after`.
// Transport errors, 5xx and 409 (a webhook is set, or another instance polls) are logged and
// retried after core::Backoff's delay, which a successful getUpdates resets; 401/404 (the token
// was rejected) are fatal and end polling.
//
// Threading: everything runs on the executor's thread, and the transport must answer there.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <chrono>

#include "core/backoff.hpp"
#include "core/executor.hpp"
#include "telegram/api_call.hpp"
#include "telegram/update_source.hpp"

namespace corebot::telegram {

struct LongPollerOptions {
  int timeout_s = 25;  // long-poll timeout sent to Telegram
  int limit = 100;
  std::vector<std::string> allowed_updates;
  core::BackoffOptions backoff;               // delays between failed getUpdates
  std::optional<std::uint64_t> backoff_seed;  // jitter; unset: random (tests fix it)
  // Unhandled this long after its batch arrived, an update is parked (with an inbox). An update
  // ends only once its replies left the outbox, and a chat's second message within a second
  // waits there for Telegram's per-chat limit: 500 ms bounds what that costs other chats, and is
  // still far above a normal update's few ms, so parking (a store write) stays rare.
  core::Duration park_after = std::chrono::milliseconds(500);
};

class LongPoller {
 public:
  // Borrows the executor (it must outlive the poller). Production: transport wraps
  // BotApiClient::call and the executor runs on the engine's event loop.
  // `inbox` (optional, borrowed) enables parking slow updates.
  LongPoller(core::Executor& executor, ApiTransport transport, LongPollerOptions options,
             DeliverUpdate deliver, FatalError fatal, UpdateInbox* inbox = nullptr);
  // Answers and `handled` callbacks arriving afterwards are ignored.
  ~LongPoller();
  LongPoller(const LongPoller&) = delete;
  LongPoller& operator=(const LongPoller&) = delete;

  // Starts polling, after handing over the updates a previous run left parked.
  void start();
  // Stops after the batch in hand is handled. A long poll in flight already confirmed what was
  // handled before it (Telegram applies the offset when the call arrives), so it is left to end
  // on its own and `stopped` runs at once; only handled updates no getUpdates carried yet are
  // confirmed with a final getUpdates with timeout 0, and `stopped` runs once it was answered.
  // So the final call never collides with a poll in flight (Telegram would end that poll with
  // 409 "terminated by other getUpdates request"). Updates received after stop() (by a poll in
  // flight or by the final call) are not delivered and stay unconfirmed, for the next run.
  void stop(std::function<void()> stopped);

  // The offset the next getUpdates sends: every update below it was handled.
  [[nodiscard]] std::int64_t next_offset() const { return offset_; }
  [[nodiscard]] std::uint64_t batches() const { return batches_; }
  // Updates parked so far (and handed over from a previous run at start).
  [[nodiscard]] std::uint64_t parked() const { return parked_; }

 private:
  struct Batch;
  void poll();
  void on_result(ApiResult result);
  void on_batch(boost::json::array updates);
  void batch_done(const std::shared_ptr<Batch>& batch);
  void park(const std::shared_ptr<Batch>& batch);
  void deliver_parked(std::vector<boost::json::value> updates);
  void retry_later(const std::string& why);
  void finish_stop();

  core::Executor& executor_;
  ApiTransport transport_;
  LongPollerOptions options_;
  DeliverUpdate deliver_;
  FatalError fatal_;
  UpdateInbox* inbox_;
  core::Backoff backoff_;
  std::uint64_t parked_ = 0;
  std::optional<core::Executor::TimerId> park_timer_;
  std::int64_t offset_ = 0;
  std::uint64_t batches_ = 0;
  bool stopping_ = false;
  bool batch_in_hand_ = false;
  bool confirmed_ = true;    // no handled update waits for the next getUpdates to confirm it
  bool confirming_ = false;  // the final getUpdates of stop() is in flight
  std::optional<std::int64_t> polling_offset_;  // the offset of the getUpdates in flight
  std::function<void()> stopped_;
  std::optional<core::Executor::TimerId> retry_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::telegram
