#include "sandbox/state.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

#include "sandbox/validator.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

// Update kinds Telegram leaves out unless asked for explicitly.
bool delivered_by_default(std::string_view kind) {
  return kind != "chat_member" && kind != "message_reaction" && kind != "message_reaction_count";
}

}  // namespace

std::size_t utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += c >= 0xF0 ? 2 : 1;        // 4-byte sequences are surrogate pairs
  }
  return units;
}

Bot::Bot(std::string token, std::string username, std::string first_name, const core::Clock& clock)
    : token_(std::move(token)),
      id_(parse_int64(std::string_view(token_).substr(0, token_.find(':'))).value_or(0)),
      username_(std::move(username)),
      first_name_(std::move(first_name)),
      clock_(clock) {
  if (username_.empty()) username_ = "sandbox_" + std::to_string(id_) + "_bot";
  if (first_name_.empty()) first_name_ = "Sandbox Bot";
}

void Bot::rename(std::string username, std::string first_name) {
  if (!username.empty()) username_ = std::move(username);
  if (!first_name.empty()) first_name_ = std::move(first_name);
}

std::int64_t Bot::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall().time_since_epoch())
      .count();
}

std::int64_t Bot::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock_.wall().time_since_epoch())
      .count();
}

User& Bot::ensure_user(std::int64_t id) {
  auto [it, inserted] = users_.try_emplace(id);
  if (inserted) {
    it->second.id = id;
    it->second.first_name = "User " + std::to_string(id);
  }
  return it->second;
}

User* Bot::find_user(std::int64_t id) {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

Chat& Bot::ensure_chat(std::int64_t id) {
  auto [it, inserted] = chats_.try_emplace(id);
  if (inserted) {
    it->second.id = id;
    it->second.group = id < 0;
    if (it->second.group) it->second.title = "Group " + std::to_string(-id);
  }
  return it->second;
}

Chat* Bot::find_chat(std::int64_t id) {
  auto it = chats_.find(id);
  return it == chats_.end() ? nullptr : &it->second;
}

Message& Bot::add_message(Chat& chat, Message message) {
  message.message_id = chat.next_message_id++;
  message.chat_id = chat.id;
  message.date_us = now_us();
  message.date_ms = message.date_us / 1000;
  Chat::Counts& counts = chat.counts;
  if (message.from_bot) {
    ++counts.from_bot;
    if (counts.first_bot_us == 0 || message.date_us < counts.first_bot_us) {
      counts.first_bot_us = message.date_us;
    }
    counts.last_bot_us = std::max(counts.last_bot_us, message.date_us);
  } else {
    ++counts.from_users;
  }
  chat.messages.push_back(std::move(message));
  emit("message", chat.messages.back());
  return chat.messages.back();
}

Message* Bot::find_message(std::int64_t chat_id, std::int64_t message_id) {
  Chat* chat = find_chat(chat_id);
  if (chat == nullptr) return nullptr;
  auto it = std::lower_bound(chat->messages.begin(), chat->messages.end(), message_id,
                             [](const Message& m, std::int64_t id) { return m.message_id < id; });
  if (it == chat->messages.end() || it->message_id != message_id || it->deleted) return nullptr;
  return &*it;
}

void Bot::message_edited(Message& message) {
  message.edited = true;
  ++message.edit_count;
  message.edit_date_ms = now_ms();
  emit("edited", message);
}

void Bot::message_deleted(Message& message) {
  message.deleted = true;
  emit("deleted", message);
}

void Bot::emit(std::string_view kind, const Message& message) {
  events.add(
      token_,
      json::object{{"kind", kind}, {"chat_id", message.chat_id}, {"message", web_view(message)}});
}

std::optional<std::int64_t> Bot::enqueue(std::string kind, json::object body, bool bypass_filter) {
  if (!bypass_filter) {
    const bool allowed = allowed_updates_.empty()
                             ? delivered_by_default(kind)
                             : std::find(allowed_updates_.begin(), allowed_updates_.end(), kind) !=
                                   allowed_updates_.end();
    if (!allowed) return std::nullopt;
  }
  std::int64_t id = next_update_id_;
  if (const json::value* given = body.if_contains("update_id"); given && given->is_int64()) {
    id = given->get_int64();
  } else {
    body["update_id"] = id;
  }
  next_update_id_ = std::max(next_update_id_, id == INT64_MAX ? id : id + 1);
  if (!updates_.empty() && id < updates_.back().update_id) out_of_order_ = true;
  updates_.push_back(Update{id, std::move(kind), std::move(body)});
  if (on_update) on_update(*this);
  return id;
}

std::vector<const Update*> Bot::confirm_and_peek(std::int64_t offset, std::size_t limit) {
  if (offset > 0) {
    // Ids only ever grow unless a raw update brought its own lower one: then the queue is
    // searched whole. Otherwise the confirmed ones are a prefix, and dropping them costs only
    // them (a bot confirming 100 of 20,000 queued updates must not move the other 19,900).
    while (!updates_.empty() && updates_.front().update_id < offset) updates_.pop_front();
    if (out_of_order_) {
      std::erase_if(updates_, [offset](const Update& u) { return u.update_id < offset; });
    }
  } else if (offset < 0) {
    // -offset without overflow: keep the last |offset| updates.
    const std::uint64_t keep = static_cast<std::uint64_t>(-(offset + 1)) + 1;
    while (updates_.size() > keep) updates_.pop_front();
  }
  if (updates_.empty()) out_of_order_ = false;
  std::vector<const Update*> out;
  for (const Update& u : updates_) {
    if (out.size() >= limit) break;
    out.push_back(&u);
  }
  return out;
}

const StoredFile& Bot::store_file(std::string kind, const UploadedFile& upload, std::string url) {
  const std::uint64_t n = next_file_++;
  StoredFile file;
  // Telegram's ids are opaque; ours encode the bot and a counter so they differ across bots.
  file.file_id = "SBX" + kind.substr(0, 3) + std::to_string(id_) + "_" + std::to_string(n);
  file.file_unique_id = "U" + std::to_string(id_) + "_" + std::to_string(n);
  file.kind = std::move(kind);
  file.file_name = upload.filename;
  file.mime_type = upload.content_type.empty() ? "application/octet-stream" : upload.content_type;
  file.data = std::make_shared<const std::string>(upload.data);
  file.url = std::move(url);
  auto [it, inserted] = files_.emplace(file.file_id, std::move(file));
  return it->second;
}

const StoredFile* Bot::find_file(std::string_view file_id) const {
  auto it = files_.find(file_id);
  return it == files_.end() ? nullptr : &it->second;
}

void Bot::set_file_data(std::string_view file_id, std::string data, std::string mime_type) {
  auto it = files_.find(file_id);
  if (it == files_.end()) return;
  it->second.data = std::make_shared<const std::string>(std::move(data));
  if (!mime_type.empty()) it->second.mime_type = std::move(mime_type);
}

void Bot::clear_chat(Chat& chat) {
  chat.messages.clear();
  chat.counts = {};
  events.add(token_, json::object{{"kind", "cleared"}, {"chat_id", chat.id}});
}

CallbackQuery& Bot::add_callback_query(std::int64_t user_id, std::int64_t chat_id,
                                       std::int64_t message_id, std::string data) {
  CallbackQuery query;
  query.id = std::to_string(id_) + std::to_string(1000000 + next_callback_++);
  query.user_id = user_id;
  query.chat_id = chat_id;
  query.message_id = message_id;
  query.data = std::move(data);
  query.created = clock_.now();
  auto [it, inserted] = callbacks_.emplace(query.id, std::move(query));
  return it->second;
}

CallbackQuery* Bot::find_callback_query(std::string_view id) {
  auto it = callbacks_.find(id);
  return it == callbacks_.end() ? nullptr : &it->second;
}

json::object Bot::me_json() const {
  return json::object{{"id", id_},
                      {"is_bot", true},
                      {"first_name", first_name_},
                      {"username", username_},
                      {"can_join_groups", true},
                      {"can_read_all_group_messages", false},
                      {"supports_inline_queries", false},
                      {"can_connect_to_business", false},
                      {"has_main_web_app", false}};
}

json::object Bot::user_json(const User& user) const {
  json::object out{{"id", user.id}, {"is_bot", false}, {"first_name", user.first_name}};
  if (!user.last_name.empty()) out["last_name"] = user.last_name;
  if (!user.username.empty()) out["username"] = user.username;
  if (!user.language_code.empty()) out["language_code"] = user.language_code;
  return out;
}

json::object Bot::chat_json(const Chat& chat) const {
  if (chat.group && chat.is_forum) {
    return json::object{
        {"id", chat.id}, {"title", chat.title}, {"type", "supergroup"}, {"is_forum", true}};
  }
  if (chat.group) return json::object{{"id", chat.id}, {"title", chat.title}, {"type", "group"}};
  json::object out{{"id", chat.id}, {"type", "private"}};
  out.reserve(5);
  auto it = users_.find(chat.id);
  if (it != users_.end()) {
    out["first_name"] = it->second.first_name;
    if (!it->second.last_name.empty()) out["last_name"] = it->second.last_name;
    if (!it->second.username.empty()) out["username"] = it->second.username;
  }
  return out;
}

json::object Bot::message_json(const Message& message) const {
  json::object out{{"message_id", message.message_id}};
  out.reserve(12);  // grown key by key below: one allocation instead of a rehash at each doubling
  if (message.from_bot) {
    out["from"] = json::object{
        {"id", id_}, {"is_bot", true}, {"first_name", first_name_}, {"username", username_}};
  } else if (auto it = users_.find(message.from_user_id); it != users_.end()) {
    out["from"] = user_json(it->second);
  }
  if (auto it = chats_.find(message.chat_id); it != chats_.end()) {
    out["chat"] = chat_json(it->second);
  }
  out["date"] = message.date_ms / 1000;
  if (message.thread_id != 0) {
    out["message_thread_id"] = message.thread_id;
    out["is_topic_message"] = true;
  }
  if (message.edited) out["edit_date"] = message.edit_date_ms / 1000;
  for (const auto& [key, value] : message.content) out[key] = value;
  if (!message.text.empty()) {
    out["text"] = message.text;
    if (!message.entities.empty()) out["entities"] = message.entities;
  }
  if (!message.caption.empty()) {
    out["caption"] = message.caption;
    if (!message.entities.empty()) out["caption_entities"] = message.entities;
  }
  // Only inline keyboards are part of a Message in the Bot API.
  if (message.reply_markup.is_object() &&
      message.reply_markup.as_object().contains("inline_keyboard")) {
    out["reply_markup"] = message.reply_markup;
  }
  return out;
}

json::object Bot::message_view(const Message& message) {
  json::object out{{"message_id", message.message_id},
                   {"chat_id", message.chat_id},
                   {"from_bot", message.from_bot},
                   {"user_id", message.from_user_id},
                   {"text", message.text},
                   {"caption", message.caption},
                   {"reply_markup", message.reply_markup},
                   {"date_ms", message.date_ms},
                   {"date_us", message.date_us},
                   {"edited", message.edited},
                   {"edit_count", message.edit_count},
                   {"deleted", message.deleted}};
  if (message.thread_id != 0) out["message_thread_id"] = message.thread_id;
  if (message.pinned) out["pinned"] = true;
  for (std::string_view service :
       {"forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
        "pinned_message"}) {
    if (message.content.contains(service)) out["service"] = service;
  }
  if (!message.photo_file_id.empty()) out["photo"] = message.photo_file_id;
  if (!message.document_file_id.empty()) out["document"] = message.document_file_id;
  if (const json::value* voice = message.content.if_contains("voice");
      voice && voice->is_object()) {
    out["voice"] = voice->as_object().at("file_id");
  }
  if (const json::value* contact = message.content.if_contains("contact")) {
    out["contact"] = *contact;
  }
  return out;
}

json::object Bot::web_view(const Message& message) const {
  json::object out = message_view(message);
  if (!message.from_bot) {
    auto user = users_.find(message.from_user_id);
    if (user != users_.end()) out["from_name"] = user->second.first_name;
  }
  const bool photo = !message.photo_file_id.empty();
  const std::string& id = photo ? message.photo_file_id : message.document_file_id;
  if (const StoredFile* file = id.empty() ? nullptr : find_file(id)) {
    out["media"] = json::object{{"kind", photo ? "photo" : "document"},
                                {"file_id", file->file_id},
                                {"file_name", file->file_name},
                                {"url", file->url}};
  }
  add_payment_view(out, message.content,
                   payments.find_invoice_message(message.chat_id, message.message_id));
  return out;
}

json::object Bot::menu_commands() const {
  const std::string default_scope = json::serialize(json::object{{"type", "default"}}) + "|";
  json::object out;
  for (const auto& [key, list] : commands) {
    if (key.starts_with(default_scope)) out[key.substr(default_scope.size())] = list;
  }
  return out;
}

bool SandboxState::valid_token(std::string_view token) {
  const auto colon = token.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 18 || colon + 1 == token.size() ||
      token.size() > 200) {
    return false;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(token[i]))) return false;
  }
  for (std::size_t i = colon + 1; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

Bot& SandboxState::add_bot(const std::string& token, std::string username, std::string first_name) {
  if (!valid_token(token)) throw std::invalid_argument("invalid bot token: " + token);
  if (Bot* existing = find_bot(token)) {
    existing->rename(std::move(username), std::move(first_name));
    return *existing;
  }
  auto bot = std::make_unique<Bot>(token, std::move(username), std::move(first_name), clock_);
  Bot& ref = *bot;
  bots_.emplace(token, std::move(bot));
  if (on_bot_added) on_bot_added(ref);
  return ref;
}

Bot* SandboxState::find_bot(std::string_view token) {
  auto it = bots_.find(token);
  return it == bots_.end() ? nullptr : it->second.get();
}

}  // namespace corebot::sandbox
