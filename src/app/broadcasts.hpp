// Mailings: one text to many chats, every message at Priority::kBulk so the outbox sends it in
// the slots replies do not need. Progress is kept per mailing and served by the admin API.
// A recipient who blocked the bot is counted here; the engine marks it blocked in `users` for every
// call that meets a block, mailing or not (Outbox::set_blocked_handler).
//
// Not yet: persisting a running mailing so a restart resumes it (the outbox hands unsent calls
// back on shutdown; they are counted as not sent).
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
  Broadcasts(Sender& sender, const core::Clock& clock);

  // Queues `text` to every chat in `chat_ids` (duplicates removed, order kept) and returns the
  // mailing's id. An empty text or list is refused with std::invalid_argument.
  std::string start(const std::string& text, const std::vector<std::int64_t>& chat_ids);
  [[nodiscard]] std::optional<BroadcastProgress> progress(const std::string& id) const;

 private:
  Sender& sender_;
  const core::Clock& clock_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, std::shared_ptr<BroadcastProgress>> mailings_;
};

}  // namespace corebot::app
