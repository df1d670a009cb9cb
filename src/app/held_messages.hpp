// Messages the bot could not deliver because their recipient never started the bot (a lead for
// an admin who has not written yet: Telegram answers 400 "chat not found"), kept in the store
// (collection engine.held_messages) and sent as soon as that person writes to the bot. Also the
// start-up warning naming the Admins sheet's admins who never wrote.
//
// The recipients with kept messages are indexed in memory (loaded at start, kept current), so
// the check on every update costs no store read.
// Thread: the loop thread for every call and callback; store work runs on the AsyncStore's
// workers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "corebot/sender.hpp"
#include "corebot/store.hpp"
#include "corebot/users.hpp"

namespace corebot {
class Content;
}

namespace corebot::app {

class HeldMessages {
 public:
  static constexpr const char* kCollection = "engine.held_messages";

  HeldMessages(AsyncStore& store, Sender& sender);
  ~HeldMessages();

  // Reads which recipients have kept messages (after a restart); `done` gets the store's error.
  void load(std::function<void(const std::string& error)> done = {});
  // Keeps `message` and logs a warning with its recipient and reason (Users::hold_message).
  void hold(HeldMessage message, UsersDone done);
  // A user wrote to the bot: their kept messages (by id or by username) are sent, oldest first,
  // and forgotten once Telegram accepted them. `username` without '@'; may be empty.
  void user_seen(std::int64_t user_id, std::string_view username);
  // Recipients with kept messages (ids and usernames) known to the index.
  [[nodiscard]] std::size_t recipients() const { return ids_.size() + usernames_.size(); }

 private:
  void deliver(std::int64_t user_id, const std::string& username_lc);

  AsyncStore& store_;
  Sender& sender_;
  std::set<std::int64_t> ids_;
  std::set<std::string> usernames_;  // lowercase
  std::int64_t next_order_ = 0;      // keeps holds made in the same millisecond in order
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

// Logs a warning for each admin of `content` who never wrote to the bot (Telegram lets a bot
// write only to people who started it), saying how to fix it.
void warn_admins_never_seen(const Content& content, Users& users);

}  // namespace corebot::app
