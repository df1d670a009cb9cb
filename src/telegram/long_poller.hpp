// Receives updates with getUpdates, in a pipeline, without ever confirming an unhandled update.
//
// The no-loss rule: the offset sent to Telegram only confirms updates that were handled (or
// parked, below), and every update below it was handled (or parked) — the *handled prefix*. So a
// crash re-delivers rather than loses. The poller knows each update it received and no getUpdates
// confirmed yet (unhandled ones, and handled ones above the first unhandled one); the offset is
// one past the handled prefix (so never above the first unhandled update's id), and the highest
// id received + 1 when none is unhandled. Handling out of order (3 before 2) does not move it
// past 2. An update without a usable update_id is delivered and holds the highest id of its answer
// until it was handled, so it still counts toward the offset (or it would come back forever).
//
// Pipelining: only one getUpdates is ever in flight (Telegram ends a second one with 409
// "terminated by other getUpdates request"). While updates are in hand, the next getUpdates goes
// out with timeout 0 as soon as (a) the handled prefix advanced past what the last answered
// getUpdates confirmed (there is something to confirm) and (b) at most
// `pipeline_when_known_at_most` received updates are at or above the new offset: Telegram returns
// those again with the new ones, and they are skipped (not delivered twice, counted in
// redelivered_skipped()), so (with the default, limit / 4) at least three quarters of an answer
// are new: each one sent again is parsed again for nothing (limit / 2 cost ~1 µs per reply more,
// docs/benchmarks.md), and the next call still goes out while a quarter is in hand. A
// batch then costs its handled prefix, not its slowest update plus a round trip with the loop idle
// in between.
// A *long* poll (timeout = timeout_s) goes out only when nothing is in hand (everything received
// was handled or parked), so it carries the whole handled prefix: an update handled while a long
// poll is held could only be confirmed by a second getUpdates, which would end the held one with
// 409, or by waiting up to timeout_s, during which a crash would re-deliver it. With updates in
// hand and nothing to confirm the poller waits for the next one handled (or parked).
//
// A slow update must not hold every other chat: with an UpdateInbox, the updates of an answer
// still unhandled `park_after` after it arrived are parked (stored durably) and then count as done
// for the prefix, so the offset passes them and polling goes on; a parked update is unparked once
// handled, and start() first hands over whatever a crash left parked (an update Telegram sends
// again while its parked copy is being handled is confirmed, not delivered twice). So nothing is
// lost either way, and a chat that waits on a slow module (or a store that hangs) costs the other
// chats at most `park_after`. Without an inbox a slow update holds polling once nothing before it
// is left to confirm.
// Transport errors, 5xx and 409 (a webhook is set, or another instance polls) are logged and
// retried after core::Backoff's delay, which a successful getUpdates resets; 401/404 (the token
// was rejected) are fatal and end polling.
//
// Threading: everything runs on the executor's thread, and the transport must answer there.
// `handled` may run inside DeliverUpdate (an update the dispatcher drops at once).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/backoff.hpp"
#include "core/executor.hpp"
#include "telegram/api_call.hpp"
#include "telegram/id_ordered.hpp"
#include "telegram/update_source.hpp"

namespace corebot::telegram {

struct LongPollerOptions {
  int timeout_s = 25;  // long-poll timeout sent to Telegram
  int limit = 100;
  std::vector<std::string> allowed_updates;
  core::BackoffOptions backoff;               // delays between failed getUpdates
  std::optional<std::uint64_t> backoff_seed;  // jitter; unset: random (tests fix it)
  // Unhandled this long after it arrived, an update is parked (with an inbox). An update ends only
  // once its replies left the outbox, and a chat's second message within a second waits there for
  // Telegram's per-chat limit: 500 ms bounds what that costs other chats, and is still far above a
  // normal update's few ms, so parking (a store write) stays rare.
  core::Duration park_after = std::chrono::milliseconds(500);
  // Pipelining's condition (b): received updates at or above the new offset (Telegram sends them
  // again). Unset: limit / 4. 0: no pipelining (the next poll waits until nothing is in hand).
  std::optional<int> pipeline_when_known_at_most;
};

class LongPoller {
 public:
  // Borrows the executor (it must outlive the poller). Production: transport wraps
  // BotApiClient::call and the executor runs on the engine's event loop.
  // `inbox` (optional, borrowed) enables parking slow updates.
  LongPoller(core::Executor& executor, ApiTransport transport, LongPollerOptions options,
             DeliverUpdate deliver, FatalError fatal, UpdateInbox* inbox = nullptr);
  // Answers and `handled` callbacks arriving afterwards are ignored; what was in hand stays
  // unconfirmed (or parked) for the next run.
  ~LongPoller();
  LongPoller(const LongPoller&) = delete;
  LongPoller& operator=(const LongPoller&) = delete;

  // Starts polling, after handing over the updates a previous run left parked.
  void start();
  // Stops once the updates in hand are handled (or parked). A long poll in flight already
  // confirmed what was handled before it (Telegram applies the offset when the call arrives), so
  // it is left to end on its own and `stopped` runs at once; a getUpdates(timeout 0) in flight is
  // answered at once, and waited for. Only handled updates no getUpdates carried yet are
  // confirmed with a final getUpdates with timeout 0, sent when no other is in flight, and
  // `stopped` runs once it was answered. So the final call never collides with a poll in flight
  // (Telegram would end that poll with 409). Updates received after stop() (by a poll in flight or
  // by the final call) are not delivered and stay unconfirmed, for the next run.
  void stop(std::function<void()> stopped);

  // The offset the next getUpdates sends: every update below it was handled (or parked).
  [[nodiscard]] std::int64_t next_offset() const { return offset_; }
  // Successful getUpdates answers (empty ones too).
  [[nodiscard]] std::uint64_t batches() const { return batches_; }
  // Updates parked so far (and handed over from a previous run at start).
  [[nodiscard]] std::uint64_t parked() const { return parked_; }
  // Updates Telegram sent again because the offset had not passed them yet (pipelining), skipped.
  [[nodiscard]] std::uint64_t redelivered_skipped() const { return redelivered_skipped_; }
  // Delivered updates neither handled nor parked yet.
  [[nodiscard]] std::size_t in_hand() const { return in_hand_; }

 private:
  // A received update with an id that no getUpdates confirmed yet.
  struct Received {
    SharedUpdate update;        // kept for parking (with an inbox) until handled
    std::uint64_t group = 0;    // its arrival group (with an inbox)
    int waiting_anonymous = 0;  // updates without an id of its answer not yet handled or parked
    bool handled = false;
    bool parking = false;  // in an inbox park() in flight
    bool parked = false;
  };
  // A delivered update without a usable update_id, until handled or parked.
  struct Anonymous {
    SharedUpdate update;
    std::optional<std::int64_t> anchor;  // the id it holds back
    std::uint64_t group = 0;
    bool handled = false;
    bool parking = false;
  };
  // The updates of one answer, parked together `park_after` after they arrived.
  struct Group {
    std::optional<core::Executor::TimerId> timer;
    std::size_t open = 0;  // neither handled nor parked
    std::vector<std::int64_t> ids;
    std::vector<std::uint64_t> anonymous;
  };

  void maybe_poll();
  void poll(int timeout_s);
  void on_result(std::int64_t sent_offset, ApiResult result);
  void receive(boost::json::array updates, std::int64_t sent_offset);
  void handled(std::int64_t id);
  void handled_anonymous(std::uint64_t seq);
  void changed();
  void advance();
  void release_anchor(const std::optional<std::int64_t>& anchor);
  void close_in_group(std::uint64_t group);
  void arm_park(std::uint64_t group);
  void park(std::uint64_t group);
  void on_parked(std::uint64_t group, const std::vector<std::int64_t>& ids,
                 const std::vector<std::uint64_t>& anonymous, bool ok);
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
  boost::json::array allowed_updates_;

  IdOrdered<Received> known_;     // received, not confirmed by a getUpdates sent
  std::size_t below_offset_ = 0;  // entries of known_ below offset_ (the prefix)
  std::unordered_map<std::uint64_t, Anonymous> anonymous_;
  std::uint64_t next_anonymous_ = 1;
  std::unordered_map<std::uint64_t, Group> groups_;
  std::uint64_t next_group_ = 1;
  std::set<std::int64_t> handed_over_;  // parked ids handed over at start
  std::optional<std::int64_t> high_;    // the highest id received
  std::size_t in_hand_ = 0;
  bool delivering_ = false;  // receive() is delivering: changes are looked at once it is done

  std::int64_t offset_ = 0;
  std::int64_t acked_offset_ = 0;               // the highest offset an answered getUpdates sent
  std::optional<std::int64_t> polling_offset_;  // the offset of the getUpdates in flight
  std::uint64_t batches_ = 0;
  std::uint64_t parked_ = 0;
  std::uint64_t redelivered_skipped_ = 0;

  bool stopping_ = false;
  bool confirming_ = false;  // the final getUpdates of stop() is in flight
  std::function<void()> stopped_;
  std::optional<core::Executor::TimerId> retry_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace corebot::telegram
