// A whole bot in one process for the fuzz targets: the real webhook receiver's body handling,
// the real dispatcher with the engine's middleware and hooks (users, bans, maintenance, roles,
// sessions), and the built-in modules (pages, language, forms, admin with an owner, shop,
// support, mailing) on the content in fuzz/bot/, with a SQLite store in a temporary file. What
// is faked: the Bot API (FuzzSender answers every call), the clock (a ManualClock, moved only by
// advance()) and the event loop (a ManualExecutor), so a run depends on its input alone.
//
// One FuzzBot per input: nothing of an earlier input changes the next, so every finding
// reproduces from its input file alone.
//
// A finding is an abort with a line on stderr saying which promise broke (besides the
// sanitizers' own reports): an update the webhook took and never answered, an update still
// pending once everything settled, a call Telegram would refuse (empty or over-long text,
// callback data over 64 bytes, broken UTF-8).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace corebot::fuzz {

// A call the bot made, as the fake Bot API saw it.
struct SentCall {
  std::string method;
  boost::json::object params;
};

// How the fake Bot API answers the next calls (the structured target picks it).
enum class ApiMode { kOk, kBadRequest, kBlocked, kNoAnswer };

class FuzzBot {
 public:
  FuzzBot();
  ~FuzzBot();
  FuzzBot(const FuzzBot&) = delete;
  FuzzBot& operator=(const FuzzBot&) = delete;

  // Posts `body` to the webhook with the right secret and path, then runs the bot until nothing
  // is left to do. Aborts when the webhook did not answer exactly once.
  void post(const std::string& body);
  // Moves the clock on (timers and jobs that became due run), then settles.
  void advance(core::Duration d);
  void set_api_mode(ApiMode mode);

  // Every call the bot made so far, in order.
  [[nodiscard]] const std::vector<SentCall>& sent() const;
  // The bot's content sheets (fuzz/bot/), for the targets to pick real ids from.
  static const char* content_dir();

 private:
  struct World;
  std::unique_ptr<World> world_;
};

// Entry points of the two targets, shared by the libFuzzer binaries and the corpus replay test.
// Raw bytes as a webhook POST body.
int webhook_one(const std::uint8_t* data, std::size_t size);
// Bytes read as a script of plausible updates (fields mutated), button presses on what the bot
// sent, clock moves and Bot API failures.
int updates_one(const std::uint8_t* data, std::size_t size);

}  // namespace corebot::fuzz
