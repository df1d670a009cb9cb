#include "corebot/context.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "corebot/utf8.hpp"

namespace corebot {
namespace json = boost::json;

namespace {

// Telegram's update kinds that carry a chat and a user, and where to find them.
const json::object* find_object(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

std::optional<std::int64_t> find_int(const json::object* o, std::string_view key) {
  if (!o) return std::nullopt;
  auto it = o->find(key);
  if (it == o->end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return std::nullopt;
}

std::string find_string(const json::object* o, std::string_view key) {
  if (!o) return {};
  auto it = o->find(key);
  return it != o->end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

// The update's object, sharing the value's ownership.
std::shared_ptr<const json::object> object_of(std::shared_ptr<const json::value> update) {
  static const json::object kEmpty;
  const json::object* object = update ? update->if_object() : nullptr;
  if (object == nullptr) return {std::shared_ptr<const json::object>(), &kEmpty};
  return {std::move(update), object};
}

}  // namespace

Context::Context(json::object update, Sender& sender)
    : Context(std::make_shared<const json::value>(std::move(update)), sender) {}

Context::Context(std::shared_ptr<const json::value> update, Sender& sender)
    : update_(object_of(std::move(update))), sender_(sender) {
  for (const auto& [key, value] : *update_) {
    if (key != "update_id" && value.is_object()) {
      kind_ = std::string(key);
      break;
    }
  }
  const json::object* body = kind_.empty() ? nullptr : &update_->at(kind_).get_object();
  if (!body) return;
  const json::object* from = find_object(*body, "from");
  user_id_ = find_int(from, "id");
  language_code_ = find_string(from, "language_code");
  username_ = find_string(from, "username");

  const json::object* message = body;
  if (kind_ == "callback_query") {
    callback_data_ = find_string(body, "data");
    callback_query_id_ = find_string(body, "id");
    message = find_object(*body, "message");
    callback_message_id_ = find_int(message, "message_id").value_or(0);
  }
  if (message) {
    chat_id_ = find_int(find_object(*message, "chat"), "id");
  }
  if (!chat_id_) {
    // chat_member, my_chat_member, chat_join_request carry "chat" directly.
    chat_id_ = find_int(find_object(*body, "chat"), "id");
  }
  if (kind_ == "callback_query") return;

  text_ = find_string(body, "text");
  if (text_.empty()) text_ = find_string(body, "caption");
  if (text_.size() > 1 && text_[0] == '/') {
    auto end = text_.find_first_of(" \n");
    std::string head = text_.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    if (auto at = head.find('@'); at != std::string::npos) head.resize(at);
    command_ = head;
    if (end != std::string::npos) {
      auto args_begin = text_.find_first_not_of(" \n", end);
      if (args_begin != std::string::npos) command_args_ = text_.substr(args_begin);
    }
  }
}

Context::~Context() = default;

void Context::HoldingSender::call(ApiCall call, Priority priority, CallDone done) {
  // Not owned by a shared_ptr (a unit test's Context on the stack): nothing to keep alive.
  std::shared_ptr<Context> keep = context_.weak_from_this().lock();
  if (!keep) return context_.sender_.call(std::move(call), priority, std::move(done));
  // Our callback only ends the update: the answer is the module's to read, if it asked.
  if (!done) call.wants_result = false;
  context_.sender_.call(
      std::move(call), priority,
      [keep = std::move(keep), done = std::move(done)](const CallResult& result) mutable {
        if (done) done(result);
        keep.reset();  // the update may end now, not when the outbox drops us
      });
}

std::int64_t Context::update_id() const { return find_int(update_.get(), "update_id").value_or(0); }

void Context::reply(std::string text, json::object extra, CallDone done) {
  if (!chat_id_) return;
  extra["chat_id"] = *chat_id_;
  extra["text"] = std::move(text);
  holding_sender_.call("sendMessage", std::move(extra), Priority::kInteractive, std::move(done));
}

void Context::edit_text(std::int64_t message_id, std::string text, json::object extra,
                        CallDone done) {
  if (!chat_id_) return;
  extra["chat_id"] = *chat_id_;
  extra["message_id"] = message_id;
  extra["text"] = std::move(text);
  holding_sender_.call("editMessageText", std::move(extra), Priority::kInteractive,
                       std::move(done));
}

void Context::answer_callback(std::string text, bool show_alert) {
  if (callback_query_id_.empty() || callback_answered_) return;
  callback_answered_ = true;
  json::object params{{"callback_query_id", callback_query_id_}};
  if (!text.empty()) params["text"] = std::move(text);
  if (show_alert) params["show_alert"] = true;
  holding_sender_.call("answerCallbackQuery", std::move(params), Priority::kInteractive);
}

}  // namespace corebot

namespace corebot {

std::string Context::language() const {
  if (auto it = session_.find("lang"); it != session_.end() && it->value().is_string()) {
    return std::string(it->value().get_string());
  }
  return language_code_;
}

std::string Context::text(std::string_view key, std::string_view fallback) const {
  if (content_ && content_->has_text(key)) return std::string(content_->text(key, language()));
  return std::string(fallback);
}

std::string Context::localize(std::string_view value) const {
  // Only a single word can be a key; most page texts are sentences and skip the lookup.
  if (!content_ || value.empty() || utf8::length(value) > 60 ||
      value.find_first_of(" \n\t") != std::string_view::npos || !content_->has_text(value)) {
    return std::string(value);
  }
  return std::string(content_->text(value, language()));
}

void Context::attach(std::shared_ptr<const Content> content, AsyncStore* store, Users* users) {
  content_ = std::move(content);
  store_ = store;
  users_ = users;
}

void Context::load_session(boost::json::object session) {
  session_loaded_ = session;
  session_ = std::move(session);
}

Role Context::role() const {
  if (role_) return *role_;
  if (!content_ || !user_id_) return Role::kNone;
  // Without the engine's resolution: the highest role the Admins sheet gives this id or username.
  std::string name;
  for (char c : username_) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Role best = Role::kNone;
  for (const Admin& a : content_->admins()) {
    const bool match = (a.user_id != 0 && a.user_id == *user_id_) ||
                       (!a.username.empty() && !name.empty() && a.username == name);
    if (match && a.role > best) best = a.role;
  }
  return best;
}

}  // namespace corebot
