// Mailings: one text to many chats, every message at Priority::kBulk so the outbox sends it in
// the slots replies do not need. Progress is kept per mailing and served by the admin API.
// A mailing keeps at most `window` messages handed to the Sender and not yet answered, and hands
// over the next one as each is answered: queued calls cost the outbox ~1 KB each, so queueing
// 20,000 recipients at once cost ~20 MB for nothing; the window (256) is far more than the outbox
// needs to keep its rate (1000/s x a few ms of latency), and a recipient costs 8 bytes here.
// A recipient who blocked the bot is counted here; the engine marks it blocked in `users` for every
// call that meets a block, mailing or not (Outbox::set_blocked_handler).
//
// Not yet: persisting a running mailing so a restart resumes it. When the Sender refuses a call
// because the outbox is shutting down (error_code < 0), the mailing stops handing out messages;
// the recipients not reached are neither sent nor failed (progress stays not done).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "corebot/sender.hpp"

namespace corebot::app {

struct BroadcastProgress {
  std::string id;
  std::size_t total = 0;
  std::size_t sent = 0;
  std::size_t failed = 0;   // final errors other than blocked (400, 403 for other reasons, ...)
  std::size_t blocked = 0;  // 403 blocked by the user
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;  // 0 while running
  [[nodiscard]] bool done() const { return sent + failed + blocked == total; }
  [[nodiscard]] boost::json::object to_json() const;
};

class Broadcasts {
 public:
  static constexpr std::size_t kDefaultWindow = 256;
  // Borrows both; they must outlive this object. Answers that come back after it is destroyed
  // are ignored. `window` >= 1.
  Broadcasts(Sender& sender, const core::Clock& clock, std::size_t window = kDefaultWindow);
  ~Broadcasts();
  Broadcasts(const Broadcasts&) = delete;
  Broadcasts& operator=(const Broadcasts&) = delete;

  // Queues `text` to every chat in `chat_ids` (duplicates removed, order kept) and returns the
  // mailing's id. An empty text or list is refused with std::invalid_argument.
  // The first `window` messages are handed to the Sender before this returns.
  std::string start(const std::string& text, const std::vector<std::int64_t>& chat_ids);
  [[nodiscard]] std::optional<BroadcastProgress> progress(const std::string& id) const;

 private:
  struct Run;
  void feed(const std::shared_ptr<Run>& run);
  void on_answer(const std::shared_ptr<Run>& run, std::int64_t chat_id, const CallResult& r);

  Sender& sender_;
  const core::Clock& clock_;
  std::size_t window_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, std::shared_ptr<BroadcastProgress>> mailings_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::app
