// One mailing being sent: reads its pending recipients from the store in batches, hands them to
// the Sender at Priority::kBulk, and records each outcome durably.
//
// The window: at most `window` recipients are "in flight" — handed to the Sender and not yet
// recorded in the store. A slot is freed only once the recipient's outcome is written, so after
// a crash (kill -9) at most `window` recipients are in doubt. Those are still "pending" in the
// store and are sent again on resume: the mailing errs towards a duplicate, never towards a
// recipient missed, and duplicates are at most `window`. (Queued calls cost the outbox ~1 KB
// each; 256 is far more than the outbox needs to keep even the paid rate of 1000/s busy.)
//
// Outcomes: ok -> sent; 403 blocked -> blocked (the engine marks the user); 400 chat not found ->
// gone (counted as blocked; the user is marked unreachable); migrate_to_chat_id -> sent again to
// the new chat, recorded with new_chat; any other final error -> failed, with Telegram's words
// (429 and 5xx were the outbox's to retry). kNoAnswer (whether Telegram acted is unknown) counts
// as failed: it is not sent twice. kNotSent (the engine is stopping) leaves the recipient pending,
// to be sent after the restart.
//
// Thread: the loop thread, like every service it uses.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "corebot/services.hpp"
#include "modules/mailing/mailing.hpp"
#include "modules/mailing/mailing_store.hpp"

namespace corebot::modules::mailing {

struct RunOptions {
  std::size_t window = 256;  // recipients in flight (handed out, outcome not yet stored)
  std::size_t batch = 512;   // recipients read from the store at once
  Duration flush_every =
      std::chrono::milliseconds(200);  // outcomes are written at least this often
};

class Run : public std::enable_shared_from_this<Run> {
 public:
  // `mailing` is running or paused, with its counts and cursor as stored.
  Run(ModuleServices& services, RunOptions options, Mailing mailing);

  // Starts handing out (a paused mailing waits for resume()).
  void start();
  // Each persists the new status. No-ops where they do not apply (pause of a paused mailing).
  void pause();
  void resume();
  // Final once the recipients in flight are recorded; the rest stay pending ("left").
  void cancel();
  // The engine is stopping: hand out nothing more, write what is known.
  void halt();

  [[nodiscard]] const Mailing& mailing() const { return mailing_; }
  // Where the admin's progress message is (the caller stores it).
  void set_progress(std::int64_t chat, std::int64_t message_id) {
    mailing_.progress_chat = chat;
    mailing_.progress_message = message_id;
  }
  [[nodiscard]] std::size_t in_flight() const { return window_.size(); }
  // Recipients answered per second since the mailing (re)started; 0 before a second passed.
  [[nodiscard]] double rate() const;
  [[nodiscard]] bool finished() const { return finished_; }

  // Runs once, after the final status (done or cancelled) is stored.
  std::function<void(const Mailing&)> on_finished;

 private:
  void pump();
  void load();
  void send(std::int64_t index, std::int64_t chat, std::int64_t target);
  void answered(std::int64_t index, std::int64_t chat, std::int64_t target, const CallResult& r);
  void schedule_flush();
  void flush();
  void check_finished();
  [[nodiscard]] boost::json::object fields(const std::vector<store::Outcome>& batch) const;

  ModuleServices& services_;
  RunOptions options_;
  Mailing mailing_;
  std::deque<std::pair<std::int64_t, std::int64_t>> buffer_;  // (index, chat) read, not handed out
  std::int64_t next_ = 0;                                     // the next index to read
  std::set<std::int64_t> window_;                             // indices in flight
  std::vector<store::Outcome> outcomes_;                      // answered, not yet written
  std::optional<std::int64_t> unsent_min_;  // lowest index the outbox refused (stays pending)
  bool loading_ = false;
  bool flushing_ = false;
  bool fields_dirty_ = false;  // the mailing's status changed: write it
  std::optional<Timers::Id> flush_timer_;
  bool halted_ = false;
  bool finishing_ = false;
  bool finished_ = false;
  TimePoint rate_since_{};
  std::int64_t rate_base_ = 0;
};

}  // namespace corebot::modules::mailing
