// A mailing as the `mailing` module keeps it in its store collection "mailing.mailings": what to
// send (a message to copy, or a text), to whom (an audience, fixed into "mailing.recipients" when
// it starts), when, and how far it got. docs/mailings.md describes the documents.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corebot::modules::mailing {

enum class Status {
  kPreparing,  // the audience is being fixed into recipients (redone after a crash)
  kScheduled,  // waits for start_at_ms (a persistent job starts it)
  kRunning,
  kPaused,     // nothing more is handed out; resume continues
  kCancelled,  // final: recipients not reached stay "left"
  kDone,       // final: every recipient has an outcome
};
[[nodiscard]] std::string_view to_string(Status status);
[[nodiscard]] std::optional<Status> status_from(std::string_view name);
[[nodiscard]] inline bool is_final(Status s) {
  return s == Status::kCancelled || s == Status::kDone;
}

// Who receives it. Resolved when the mailing starts, not when it is composed.
struct Audience {
  std::string kind = "all";         // all | language | tag | active | filter | me | chats
  std::string value;                // the language code, the tag, N days, or the filter's JSON text
  std::vector<std::int64_t> chats;  // kind "me" (the admin) and "chats" (an explicit list)

  // The users filter (store language) for the kinds read from the users; nullopt for me/chats.
  // Blocked users are left out of every kind. Throws std::invalid_argument saying what is wrong.
  [[nodiscard]] std::optional<boost::json::object> users_filter(std::int64_t now_ms) const;
  // Checks the kind and value (a parsable filter, a positive number of days, ...). Empty: fine.
  [[nodiscard]] std::string check() const;
  [[nodiscard]] boost::json::object to_json() const;
  static Audience from_json(const boost::json::object& o);
};

// What each recipient gets: a copy of message(s) the admin sent to the bot (copyMessage, or
// copyMessages for an album, so nothing says "forwarded"), or a text (sendMessage).
struct Message {
  std::int64_t from_chat_id = 0;
  std::vector<std::int64_t> message_ids;  // several: an album
  std::string text;
  std::string parse_mode;           // for `text`: "", "HTML", "MarkdownV2"
  boost::json::value reply_markup;  // inline URL buttons (not with an album), or null

  // Empty when it can be sent, else what is wrong — how to fix it (e.g. a text over 4096
  // characters as Telegram counts them).
  [[nodiscard]] std::string check() const;
  // The Bot API call that sends it to `chat_id` (without allow_paid_broadcast).
  [[nodiscard]] std::string method() const;
  [[nodiscard]] boost::json::object params(std::int64_t chat_id) const;
  [[nodiscard]] boost::json::object to_json() const;
  static Message from_json(const boost::json::object& o);
};

struct Counts {
  std::int64_t sent = 0;
  std::int64_t blocked = 0;  // 403 blocked by the user, or 400 chat not found
  std::int64_t failed = 0;   // any other final error (or no answer from Telegram)
  [[nodiscard]] std::int64_t done() const { return sent + blocked + failed; }
  bool operator==(const Counts&) const = default;
};

struct Mailing {
  std::string id;
  Status status = Status::kPreparing;
  Message content;
  Audience audience;
  bool paid = false;  // Telegram's paid lane (allow_paid_broadcast)
  std::int64_t created_ms = 0;
  std::int64_t start_at_ms = 0;  // 0: at once
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  std::int64_t total = 0;  // recipients, once fixed
  Counts counts;
  // Every recipient below this index has a stored outcome (where a resume starts looking).
  std::int64_t cursor = 0;
  std::int64_t created_by = 0;  // the admin's id (0: the HTTP API)
  // The live progress message in the admin's chat (0: none) and the admin's language.
  std::int64_t progress_chat = 0;
  std::int64_t progress_message = 0;
  std::string language;

  [[nodiscard]] std::int64_t left() const { return total - counts.done(); }
  [[nodiscard]] boost::json::object to_json() const;
  static Mailing from_json(const boost::json::object& o);
};

// Recipient states in "mailing.recipients" (field "s").
inline constexpr std::string_view kPending = "p";
inline constexpr std::string_view kSent = "sent";
inline constexpr std::string_view kBlocked = "blocked";
inline constexpr std::string_view kGone = "gone";  // 400 chat not found
inline constexpr std::string_view kFailed = "failed";

}  // namespace corebot::modules::mailing
