// The fake Bot API of the fuzz bot: records every call, checks it is one Telegram would take
// (a finding aborts), and answers it when the bot settles (never inside call(), as the outbox).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "corebot/sender.hpp"
#include "fuzz/fuzz_bot.hpp"

namespace corebot::fuzz {

// Prints `what` and aborts: libFuzzer keeps the input as a crash.
[[noreturn]] void finding(const std::string& what);

class FuzzSender final : public Sender {
 public:
  using Sender::call;
  void call(ApiCall call, Priority priority, CallDone done) override;

  // Answers every call made so far (and those the answers make), as `mode` says. Returns how
  // many were answered.
  std::size_t answer_all();

  ApiMode mode = ApiMode::kOk;
  // A user who blocked the bot (403): the engine's outbox tells the user tracker.
  std::function<void(std::int64_t chat_id)> on_blocked;
  std::vector<SentCall> sent;

 private:
  struct Pending {
    std::string method;
    std::int64_t chat_id = 0;
    CallDone done;
  };
  std::deque<Pending> pending_;
  std::int64_t next_message_id_ = 100;
};

// Whether `call` is one Telegram would take; the reason when not (empty: fine).
std::string refusal_reason(const std::string& method, const boost::json::object& params);

}  // namespace corebot::fuzz
