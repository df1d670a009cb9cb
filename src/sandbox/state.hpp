// The sandbox's world: bots, the users who talk to them, chats with their messages, queued
// updates, uploaded files, callback queries and a feed of chat events for the web page.
// Pure data and bookkeeping; no I/O. Everything is used on the event loop thread only.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "sandbox/feed.hpp"
#include "sandbox/params.hpp"
#include "sandbox/payments.hpp"

namespace corebot::sandbox {

struct User {
  std::int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::string username;
  std::string language_code;
  bool blocked = false;  // the user blocked the bot: sends to them answer 403
  std::string role;      // what the web chat calls this user ("admin" for the demo's admins)
};

struct Message {
  std::int64_t message_id = 0;
  std::int64_t chat_id = 0;
  bool from_bot = false;
  std::int64_t from_user_id = 0;  // 0 when from_bot
  std::int64_t date_ms = 0;       // wall clock
  std::int64_t date_us = 0;       // the same instant in microseconds (for latency measurements)
  std::string text;
  std::string caption;
  boost::json::array entities;      // of text, or of caption
  boost::json::value reply_markup;  // as the bot sent it (any keyboard kind); null when none
  boost::json::object content;      // further Message fields: photo, document, contact, ...
  std::string photo_file_id;
  std::string document_file_id;
  std::int64_t thread_id = 0;  // the forum topic it is in (message_thread_id); 0 when none
  bool pinned = false;         // pinChatMessage (bot_api_forum.cpp)
  bool edited = false;
  int edit_count = 0;
  std::int64_t edit_date_ms = 0;
  bool deleted = false;
};

// A topic of a forum supergroup; its id is the message id of its forum_topic_created message.
struct ForumTopic {
  std::int64_t id = 0;
  std::string name;
  std::int64_t icon_color = 0;
  bool closed = false;
  bool deleted = false;
};

struct Chat {
  std::int64_t id = 0;
  bool group = false;  // negative ids are groups
  std::string title;   // groups only
  std::int64_t next_message_id = 1;
  std::vector<Message> messages;  // in id order; appended only by Bot::add_message
  // What the control API's stats report of `messages`, kept by Bot::add_message and clear_chat:
  // the harness polls stats while 20,000 chats are answered, and walking every message each time
  // was the sandbox's own cost, not the bot's.
  struct Counts {
    std::int64_t from_bot = 0;
    std::int64_t from_users = 0;
    std::int64_t first_bot_us = 0;  // the bot's first message's date_us, 0 without one
    std::int64_t last_bot_us = 0;
  } counts;
  std::set<std::int64_t> members;  // user ids (groups)
  bool is_forum = false;           // a supergroup with topics (made so by the control API)
  std::map<std::int64_t, ForumTopic> topics;  // by message_thread_id
};

struct StoredFile {
  std::string file_id;
  std::string file_unique_id;
  std::string kind;  // "photo", "document", ...
  std::string file_name;
  std::string mime_type;
  std::shared_ptr<const std::string> data;
  std::string url;  // the http(s) link the bot sent instead of bytes; fetched when first shown
};

struct CallbackQuery {
  std::string id;
  std::int64_t user_id = 0;
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::string data;
  core::TimePoint created;
  bool answered = false;
};

struct Update {
  std::int64_t update_id = 0;
  std::string kind;          // "message", "callback_query", ... ("raw" for control-API raw updates)
  boost::json::object body;  // the whole Update object, update_id included; not changed once queued

  // `body` as JSON text, serialized when first asked for: a pipelining bot is handed an update
  // again while it still has it (telegram/long_poller.hpp), and each time cost a serialization.
  [[nodiscard]] const std::string& text() const {
    if (text_.empty()) text_ = boost::json::serialize(body);
    return text_;
  }

  mutable std::string text_;  // empty until text()
};

struct WebhookConfig {
  std::string url;
  std::string secret_token;
  int max_connections = 40;
  std::int64_t last_error_date = 0;  // unix seconds
  std::string last_error_message;
};

class Bot {
 public:
  Bot(std::string token, std::string username, std::string first_name, const core::Clock& clock);

  [[nodiscard]] const std::string& token() const { return token_; }
  [[nodiscard]] std::int64_t id() const { return id_; }
  [[nodiscard]] const std::string& username() const { return username_; }
  [[nodiscard]] const std::string& first_name() const { return first_name_; }
  void rename(std::string username, std::string first_name);

  // Users and chats. A private chat's id is its user's id.
  User& ensure_user(std::int64_t id);
  [[nodiscard]] User* find_user(std::int64_t id);
  Chat& ensure_chat(std::int64_t id);
  [[nodiscard]] Chat* find_chat(std::int64_t id);
  [[nodiscard]] const std::map<std::int64_t, Chat>& chats() const { return chats_; }

  // Appends a message (its id and date are assigned) and emits a "message" event.
  Message& add_message(Chat& chat, Message message);
  // A message that exists and is not deleted; nullptr otherwise.
  [[nodiscard]] Message* find_message(std::int64_t chat_id, std::int64_t message_id);
  // Emit "edited" / "deleted" events after changing a message.
  void message_edited(Message& message);
  void message_deleted(Message& message);

  // Queues an update of `kind` unless allowed_updates filters it out; returns its update_id, or
  // nullopt when filtered. A body with an update_id keeps it (later ids continue after it).
  std::optional<std::int64_t> enqueue(std::string kind, boost::json::object body,
                                      bool bypass_filter = false);
  // getUpdates semantics: offset > 0 confirms (drops) every update with a lower id; offset < 0
  // keeps only the last -offset updates. Returns up to `limit` of the remaining ones.
  std::vector<const Update*> confirm_and_peek(std::int64_t offset, std::size_t limit);
  [[nodiscard]] std::deque<Update>& updates() { return updates_; }
  void set_allowed_updates(std::vector<std::string> kinds) { allowed_updates_ = std::move(kinds); }
  [[nodiscard]] const std::vector<std::string>& allowed_updates() const { return allowed_updates_; }

  std::optional<WebhookConfig> webhook;
  std::uint64_t webhook_generation = 0;                // bumped on every set/delete
  std::map<std::string, boost::json::array> commands;  // key: scope JSON + "|" + language_code

  // Files: an upload gets a new file_id; lookups by id.
  // `url`: the link a bot sent instead of an upload (the bytes come later, set_file_data).
  const StoredFile& store_file(std::string kind, const UploadedFile& upload, std::string url = {});
  [[nodiscard]] const StoredFile* find_file(std::string_view file_id) const;
  // Fills a linked file's bytes once fetched (a no-op for an unknown id).
  void set_file_data(std::string_view file_id, std::string data, std::string mime_type);
  [[nodiscard]] const std::map<std::int64_t, User>& users() const { return users_; }
  // Forgets a chat's messages (the web chat's "Reset chat"); ids go on, a "cleared" event follows.
  void clear_chat(Chat& chat);

  // Callback queries created by the control API.
  CallbackQuery& add_callback_query(std::int64_t user_id, std::int64_t chat_id,
                                    std::int64_t message_id, std::string data);
  [[nodiscard]] CallbackQuery* find_callback_query(std::string_view id);

  // Bot API JSON of the bot itself, a user, a chat, a message.
  [[nodiscard]] boost::json::object me_json() const;
  [[nodiscard]] boost::json::object user_json(const User& user) const;
  [[nodiscard]] boost::json::object chat_json(const Chat& chat) const;
  [[nodiscard]] boost::json::object message_json(const Message& message) const;
  // The control API's view of a message (from_bot, edited, deleted, date_ms, ...).
  [[nodiscard]] static boost::json::object message_view(const Message& message);
  // message_view plus what the web chat draws: "from_name" (the sender's first name), and
  // "media": {"kind", "file_id", "file_name", "url"} for a photo or document.
  [[nodiscard]] boost::json::object web_view(const Message& message) const;
  // The command menu (setMyCommands, default scope) by language code ("" for all languages).
  [[nodiscard]] boost::json::object menu_commands() const;

  // Bot API calls under this bot's token answered so far: method -> HTTP status (0 for a dropped
  // connection) -> count. Unlike the call log (a bounded Feed) these never forget.
  std::map<std::string, std::map<int, std::int64_t>, std::less<>> call_counts;

  // Invoices, payment queries, charges and Star transactions (payments.hpp).
  PaymentBook payments;

  // Chat events for the web page (key: the chat id as text).
  Feed events;
  // Called after an update was queued (to release a held getUpdates or start a webhook push).
  std::function<void(Bot&)> on_update;

 private:
  void emit(std::string_view kind, const Message& message);
  [[nodiscard]] std::int64_t now_ms() const;
  [[nodiscard]] std::int64_t now_us() const;

  std::string token_;
  std::int64_t id_;
  std::string username_;
  std::string first_name_;
  const core::Clock& clock_;
  std::map<std::int64_t, User> users_;
  std::map<std::int64_t, Chat> chats_;
  std::deque<Update> updates_;
  std::int64_t next_update_id_ = 1;
  bool out_of_order_ = false;  // a queued update has a lower id than one queued before it
  std::vector<std::string> allowed_updates_;
  std::map<std::string, StoredFile, std::less<>> files_;
  std::uint64_t next_file_ = 1;
  std::map<std::string, CallbackQuery, std::less<>> callbacks_;
  std::uint64_t next_callback_ = 1;
};

// All bots, by token.
class SandboxState {
 public:
  explicit SandboxState(const core::Clock& clock) : clock_(clock) {}

  // True when `token` looks like a Bot API token: <digits>:<letters, digits, '_' or '-'>.
  [[nodiscard]] static bool valid_token(std::string_view token);
  // Adds a bot, or renames an existing one (empty names keep the old ones). The token must be
  // valid; returns the bot.
  Bot& add_bot(const std::string& token, std::string username = {}, std::string first_name = {});
  [[nodiscard]] Bot* find_bot(std::string_view token);
  [[nodiscard]] const std::map<std::string, std::unique_ptr<Bot>, std::less<>>& bots() const {
    return bots_;
  }
  // Called for every bot when it is added.
  std::function<void(Bot&)> on_bot_added;

 private:
  const core::Clock& clock_;
  std::map<std::string, std::unique_ptr<Bot>, std::less<>> bots_;
};

// UTF-16 code units in a UTF-8 string (Telegram measures text lengths and offsets in them).
[[nodiscard]] std::size_t utf16_length(std::string_view utf8);

}  // namespace corebot::sandbox
