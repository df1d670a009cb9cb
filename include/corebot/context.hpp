// Everything a module sees of one update: the update itself, who sent it, and handles to reply.
// A Context lives as long as the update is being handled; the next update of the same chat is
// not dispatched before it is released (see hold()).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "corebot/content.hpp"
#include "corebot/role.hpp"
#include "corebot/sender.hpp"

namespace corebot {

class AsyncStore;  // corebot/store.hpp
class Users;       // corebot/users.hpp

class Context : public std::enable_shared_from_this<Context> {
 public:
  Context(boost::json::object update, Sender& sender);
  // The same, sharing an update that others hold too (the engine's receiver keeps it until it is
  // handled). Not an object: treated as an empty update.
  Context(std::shared_ptr<const boost::json::value> update, Sender& sender);
  virtual ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // The raw update as Telegram sent it (unknown fields kept).
  [[nodiscard]] const boost::json::object& update() const { return *update_; }
  [[nodiscard]] std::int64_t update_id() const;
  // The update's kind: "message", "callback_query", ... (its one key besides update_id);
  // empty when there is none.
  [[nodiscard]] const std::string& kind() const { return kind_; }
  // The chat the update belongs to, if any (message chat, callback message chat, ...).
  [[nodiscard]] std::optional<std::int64_t> chat_id() const { return chat_id_; }
  // The user who caused the update, if any.
  [[nodiscard]] std::optional<std::int64_t> user_id() const { return user_id_; }
  [[nodiscard]] std::string_view language_code() const { return language_code_; }
  // The sender's @username without '@', as Telegram spells it; empty when none.
  [[nodiscard]] std::string_view username() const { return username_; }
  // The sender's role (corebot/role.hpp). In the engine: `[admin] owners` and the first-run
  // owner are kOwner; otherwise the Admins sheet of this update's content decides, where an
  // @username counts only for the account it is bound to (the first one that wrote with it).
  // Without the engine (unit tests): the Admins sheet alone, by id or by @username. kNone without
  // a sender.
  [[nodiscard]] Role role() const;
  // Whether the sender is an admin or the owner (role() >= Role::kAdmin). Operators are not:
  // check role() for what they may do.
  [[nodiscard]] bool is_admin() const { return role() >= Role::kAdmin; }

  // Message text or caption; empty when none.
  [[nodiscard]] std::string_view text() const { return text_; }
  // For "/start@bot args": "start"; empty when the message is not a command.
  [[nodiscard]] std::string_view command() const { return command_; }
  // For "/start args": "args".
  [[nodiscard]] std::string_view command_args() const { return command_args_; }
  // Callback query data and id; empty when the update is not a callback query.
  [[nodiscard]] std::string_view callback_data() const { return callback_data_; }
  [[nodiscard]] std::string_view callback_query_id() const { return callback_query_id_; }
  // The message a callback button was attached to (0 when none).
  [[nodiscard]] std::int64_t callback_message_id() const { return callback_message_id_; }

  // Bot API calls for this update. Calls made through it (and reply(), edit_text(),
  // answer_callback()) keep the update in progress until the outbox reports their outcome, so
  // the update is confirmed to Telegram only once its replies left: a kill -9 while a reply
  // still waits in the outbox (behind a chat's rate limit, a 429) loses nothing, because
  // Telegram delivers the update again at the next start. The chat's next update waits for them
  // too. Valid while the Context lives: callbacks that outlive the handler capture hold() and
  // call hold()->sender(), or use ModuleServices::sender() for work not tied to this update.
  [[nodiscard]] Sender& sender() { return holding_sender_; }

  // Convenience calls, all at Priority::kInteractive, to this update's chat.
  void reply(std::string text, boost::json::object extra = {}, CallDone done = {});
  void edit_text(std::int64_t message_id, std::string text, boost::json::object extra = {},
                 CallDone done = {});
  // Answers the callback query (stops the button's spinner). Only the first call per update
  // sends anything; the dispatcher answers silently for modules that did not.
  void answer_callback(std::string text = {}, bool show_alert = false);
  [[nodiscard]] bool callback_answered() const { return callback_answered_; }

  // The content snapshot of this update: the same object for the whole update even when the
  // owner reloads meanwhile. nullptr when the bot runs without content (no [content] source).
  [[nodiscard]] const Content* content() const { return content_.get(); }

  // The session of (chat, user): a JSON object modules read and change freely, loaded before
  // the first module runs and saved (store collection "sessions") after the update when it
  // changed, so it survives restarts. Modules keep their state under their own name
  // (session()["forms"]). Without a chat or user it is a scratch object nobody saves.
  [[nodiscard]] boost::json::object& session() { return session_; }
  [[nodiscard]] const boost::json::object& session() const { return session_; }

  // Asynchronous document store for modules (see store.hpp); nullptr when the engine has none
  // (unit tests). Store work runs on worker threads; results come back on the loop thread.
  [[nodiscard]] AsyncStore* store() const { return store_; }
  // The bot's users (corebot/users.hpp), e.g. to find who holds an @username now; nullptr when
  // the engine has none (unit tests). The same object as ModuleServices::users().
  [[nodiscard]] Users* users() const { return users_; }

  // The user's language: the one they chose (session "lang") or Telegram's language_code.
  [[nodiscard]] std::string language() const;
  // The Texts entry `key` in the user's language; `fallback` without content or such a key.
  [[nodiscard]] std::string text(std::string_view key, std::string_view fallback) const;
  // `value` itself, or its Texts entry in the user's language when `value` is exactly a Texts
  // key (how pages, buttons and questions are translated).
  [[nodiscard]] std::string localize(std::string_view value) const;

  // Engine side: the dispatcher fills these in before the modules run. Modules do not call them.
  void attach(std::shared_ptr<const Content> content, AsyncStore* store, Users* users = nullptr);
  void load_session(boost::json::object session);
  // The sender's role as the engine resolved it (owners, bindings); role() uses it when set.
  void set_role(Role role) { role_ = role; }
  // True when session() differs from what load_session() gave.
  [[nodiscard]] bool session_changed() const { return session_ != session_loaded_; }

  // Keeps the update "in progress" until the returned pointer is released. Capture it in
  // callbacks of asynchronous work that must finish before the chat's next update.
  [[nodiscard]] std::shared_ptr<Context> hold() { return shared_from_this(); }

 private:
  // Forwards to the outbox, keeping the Context alive until each call's outcome is known.
  class HoldingSender final : public Sender {
   public:
    explicit HoldingSender(Context& context) : context_(context) {}
    using Sender::call;
    void call(ApiCall call, Priority priority, CallDone done) override;

   private:
    Context& context_;
  };

  std::shared_ptr<const boost::json::object> update_;
  Sender& sender_;
  HoldingSender holding_sender_{*this};
  std::string kind_;
  std::optional<std::int64_t> chat_id_;
  std::optional<std::int64_t> user_id_;
  std::string language_code_;
  std::string username_;
  std::string text_;
  std::string command_;
  std::string command_args_;
  std::string callback_data_;
  std::string callback_query_id_;
  std::int64_t callback_message_id_ = 0;
  bool callback_answered_ = false;
  std::shared_ptr<const Content> content_;
  AsyncStore* store_ = nullptr;
  Users* users_ = nullptr;
  std::optional<Role> role_;
  boost::json::object session_;
  boost::json::object session_loaded_;
};

}  // namespace corebot
