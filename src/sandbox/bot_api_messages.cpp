// Sending, copying, forwarding, editing and deleting messages.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>

#include "corebot/ascii.hpp"
#include "sandbox/bot_api_methods.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxText = 4096;
constexpr std::size_t kMaxCaption = 1024;
constexpr std::size_t kMaxCallbackData = 64;
constexpr auto kDeleteWindow = std::chrono::hours(48);

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// The visible text for parse_mode HTML (tags dropped, the basic entities decoded). Other modes
// keep the text as sent: the sandbox does not parse Markdown.
std::string visible_text(std::string text, std::string_view parse_mode) {
  if (!ascii::iequals(parse_mode, "html")) return text;
  std::string out;
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') in_tag = true;
    if (!in_tag) out.push_back(c);
    if (c == '>') in_tag = false;
  }
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (std::size_t pos = 0; (pos = out.find(from, pos)) != std::string::npos; pos += to.size()) {
      out.replace(pos, from.size(), to);
    }
  }
  return out;
}

std::optional<ApiError> check_text(const std::string& text) {
  if (blank(text)) return bad_request("message text is empty");
  if (utf16_length(text) > kMaxText) return bad_request("message is too long");
  return std::nullopt;
}

std::optional<ApiError> check_caption(const std::string& caption) {
  if (utf16_length(caption) > kMaxCaption) return bad_request("message caption is too long");
  return std::nullopt;
}

bool counts_against_limits(const Chat& chat, bool is_edit) { return !is_edit || chat.group; }

std::optional<ApiError> rate_limit(Call& call, const Chat& chat, bool is_edit = false) {
  if (!counts_against_limits(chat, is_edit)) return std::nullopt;
  const LimitDecision decision = call.limiter.acquire(chat.id);
  if (decision.allowed) return std::nullopt;
  return too_many_requests(decision.retry_after_s);
}

// reply_markup as given, after Telegram's checks; null when absent.
std::variant<json::value, ApiError> markup_param(Call& call) {
  const json::value* markup = call.params.if_contains("reply_markup");
  if (markup == nullptr) return json::value(nullptr);
  if (auto error = check_reply_markup(*markup)) return *error;
  return *markup;
}

// Adds reply_to_message when reply_parameters / reply_to_message_id name a message.
std::optional<ApiError> apply_reply(Call& call, const Chat& chat, Message& message) {
  std::optional<std::int64_t> reply_to = int_param(call.params, "reply_to_message_id");
  bool allow_missing = bool_param(call.params, "allow_sending_without_reply");
  if (const json::value* rp = call.params.if_contains("reply_parameters"); rp && rp->is_object()) {
    const json::value* id = rp->as_object().if_contains("message_id");
    if (id == nullptr || !id->is_int64()) return bad_request("message to be replied not found");
    reply_to = id->get_int64();
    const json::value* allow = rp->as_object().if_contains("allow_sending_without_reply");
    allow_missing = allow && allow->is_bool() && allow->get_bool();
  }
  if (!reply_to) return std::nullopt;
  const Message* original = call.bot.find_message(chat.id, *reply_to);
  if (original == nullptr) {
    if (allow_missing) return std::nullopt;
    return bad_request("message to be replied not found");
  }
  message.content["reply_to_message"] = call.bot.message_json(*original);
  return std::nullopt;
}

// Finishes a send: limits, storing, the Message JSON.
MethodResult deliver(Call& call, Chat& chat, Message message) {
  if (auto error = apply_thread(call, chat, message)) return *error;
  if (auto error = apply_reply(call, chat, message)) return *error;
  if (auto error = rate_limit(call, chat)) return *error;
  message.from_bot = true;
  const Message& stored = call.bot.add_message(chat, std::move(message));
  return json::value(call.bot.message_json(stored));
}

// A media parameter: an upload gets stored, a known file_id reused, an URL accepted as is.
std::variant<const StoredFile*, ApiError> media_param(Call& call, std::string_view field) {
  const json::value& v = call.params.at(field);
  if (v.is_object()) {
    const std::string part(v.as_object().at("upload").as_string());
    return &call.bot.store_file(std::string(field), call.raw.files.at(part));
  }
  const std::string ref(v.as_string());
  if (const StoredFile* known = call.bot.find_file(ref)) return known;
  if (ref.starts_with("http://") || ref.starts_with("https://")) {
    // Filed as an empty upload with its link; the web chat has the sandbox fetch it when shown.
    const auto slash = ref.find_last_of('/');
    return &call.bot.store_file(std::string(field),
                                UploadedFile{ref.substr(slash + 1), "", std::string()}, ref);
  }
  return bad_request("wrong file identifier/HTTP URL specified");
}

json::object photo_sizes(const StoredFile& file) {
  return json::object{{"file_id", file.file_id},
                      {"file_unique_id", file.file_unique_id},
                      {"width", 800},
                      {"height", 600},
                      {"file_size", static_cast<std::uint64_t>(file.data->size())}};
}

json::object document_json(const StoredFile& file) {
  json::object out{{"file_id", file.file_id},
                   {"file_unique_id", file.file_unique_id},
                   {"mime_type", file.mime_type},
                   {"file_size", static_cast<std::uint64_t>(file.data->size())}};
  if (!file.file_name.empty()) out["file_name"] = file.file_name;
  return out;
}

MethodResult send_media(Call& call, std::string_view field) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  Message message;
  message.caption =
      visible_text(string_param(call.params, "caption"), string_param(call.params, "parse_mode"));
  if (auto error = check_caption(message.caption)) return *error;
  if (const json::value* e = call.params.if_contains("caption_entities")) {
    message.entities = e->as_array();
  }
  auto markup = markup_param(call);
  if (auto* error = std::get_if<ApiError>(&markup)) return *error;
  message.reply_markup = std::move(std::get<json::value>(markup));
  auto file = media_param(call, field);
  if (auto* error = std::get_if<ApiError>(&file)) return *error;
  const StoredFile& stored = *std::get<const StoredFile*>(file);
  if (field == "photo") {
    message.content["photo"] = json::array{photo_sizes(stored)};
    message.photo_file_id = stored.file_id;
  } else {
    message.content["document"] = document_json(stored);
    message.document_file_id = stored.file_id;
  }
  return deliver(call, *std::get<Chat*>(chat), std::move(message));
}

// The message named by chat_id + message_id for an edit; inline messages are not emulated.
std::variant<Message*, ApiError> message_to_edit(Call& call) {
  if (call.params.contains("inline_message_id") && !call.params.contains("chat_id")) {
    return bad_request("message to edit not found");
  }
  if (!call.params.contains("chat_id")) return bad_request("chat_id is empty");
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  const auto id = int_param(call.params, "message_id");
  if (!id) return bad_request("message identifier is not specified");
  Message* message = call.bot.find_message(std::get<Chat*>(chat)->id, *id);
  if (message == nullptr) return bad_request("message to edit not found");
  if (!message->from_bot) return bad_request("message can't be edited");
  return message;
}

ApiError not_modified() {
  return bad_request(
      "message is not modified: specified new message content and reply markup are exactly the "
      "same as a current content and reply markup of the message");
}

MethodResult finish_edit(Call& call, Message& message) {
  call.bot.message_edited(message);
  return json::value(call.bot.message_json(message));
}

}  // namespace

std::optional<ApiError> check_reply_markup(const json::value& markup) {
  const ApiError unparsable = bad_request("can't parse reply keyboard markup JSON object");
  if (!markup.is_object()) return unparsable;
  const json::object& o = markup.as_object();
  if (const json::value* rows = o.if_contains("inline_keyboard")) {
    if (!rows->is_array()) {
      return bad_request(
          "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays");
    }
    for (const json::value& row : rows->as_array()) {
      if (!row.is_array()) {
        return bad_request(
            "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays");
      }
      for (const json::value& button : row.as_array()) {
        const json::object* b = button.if_object();
        if (b == nullptr || !b->contains("text") || !b->at("text").is_string()) {
          return bad_request(
              "can't parse inline keyboard button: Field \"text\" must be of type "
              "String");
        }
        const json::value* data = b->if_contains("callback_data");
        if (data != nullptr) {
          if (!data->is_string() || data->get_string().empty() ||
              data->get_string().size() > kMaxCallbackData) {
            return bad_request("BUTTON_DATA_INVALID");
          }
          continue;
        }
        static constexpr std::string_view kActions[] = {"url",
                                                        "login_url",
                                                        "switch_inline_query",
                                                        "switch_inline_query_current_chat",
                                                        "callback_game",
                                                        "pay",
                                                        "web_app",
                                                        "switch_inline_query_chosen_chat",
                                                        "copy_text"};
        if (std::none_of(std::begin(kActions), std::end(kActions),
                         [&](std::string_view k) { return b->contains(k); })) {
          return bad_request(
              "can't parse inline keyboard button: Text buttons are unallowed in the inline "
              "keyboard");
        }
      }
    }
    return std::nullopt;
  }
  if (const json::value* rows = o.if_contains("keyboard")) {
    if (!rows->is_array()) {
      return bad_request(
          "field \"keyboard\" of the ReplyKeyboardMarkup should be an Array of "
          "Arrays");
    }
    for (const json::value& row : rows->as_array()) {
      if (!row.is_array()) {
        return bad_request(
            "field \"keyboard\" of the ReplyKeyboardMarkup should be an Array of "
            "Arrays");
      }
      for (const json::value& button : row.as_array()) {
        const bool ok =
            button.is_string() || (button.is_object() && button.as_object().contains("text") &&
                                   button.as_object().at("text").is_string());
        if (!ok)
          return bad_request("can't parse keyboard button: Field \"text\" must be of type String");
      }
    }
    return std::nullopt;
  }
  if (o.contains("remove_keyboard") || o.contains("force_reply")) return std::nullopt;
  return unparsable;
}

std::variant<Chat*, ApiError> target_chat(Call& call, std::string_view field, bool sending) {
  const json::value* v = call.params.if_contains(field);
  if (v == nullptr) return bad_request("chat_id is empty");
  if (!v->is_int64()) return bad_request("chat not found");  // @usernames: no public chats here
  Chat* chat = call.bot.find_chat(v->get_int64());
  if (chat == nullptr) return bad_request("chat not found");
  if (sending && !chat->group) {
    if (const User* user = call.bot.find_user(chat->id); user && user->blocked) {
      return ApiError{403, "Forbidden: bot was blocked by the user"};
    }
  }
  return chat;
}

MethodResult send_message(Call& call) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  Message message;
  message.text =
      visible_text(string_param(call.params, "text"), string_param(call.params, "parse_mode"));
  if (auto error = check_text(message.text)) return *error;
  if (const json::value* e = call.params.if_contains("entities")) message.entities = e->as_array();
  auto markup = markup_param(call);
  if (auto* error = std::get_if<ApiError>(&markup)) return *error;
  message.reply_markup = std::move(std::get<json::value>(markup));
  return deliver(call, *std::get<Chat*>(chat), std::move(message));
}

MethodResult send_photo(Call& call) { return send_media(call, "photo"); }
MethodResult send_document(Call& call) { return send_media(call, "document"); }

MethodResult copy_message(Call& call) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  auto from = target_chat(call, "from_chat_id", false);
  if (auto* error = std::get_if<ApiError>(&from)) return *error;
  const Message* source =
      call.bot.find_message(std::get<Chat*>(from)->id, *int_param(call.params, "message_id"));
  if (source == nullptr) return bad_request("message to copy not found");
  Message message;
  message.text = source->text;
  message.caption = source->caption;
  message.entities = source->entities;
  message.content = source->content;
  message.content.erase("reply_to_message");
  message.content.erase("forward_origin");
  message.photo_file_id = source->photo_file_id;
  message.document_file_id = source->document_file_id;
  if (call.params.contains("caption")) {
    message.caption =
        visible_text(string_param(call.params, "caption"), string_param(call.params, "parse_mode"));
    if (auto error = check_caption(message.caption)) return *error;
  }
  auto markup = markup_param(call);
  if (auto* error = std::get_if<ApiError>(&markup)) return *error;
  message.reply_markup = std::move(std::get<json::value>(markup));
  auto result = deliver(call, *std::get<Chat*>(chat), std::move(message));
  if (auto* sent = std::get_if<json::value>(&result)) {
    return json::value(json::object{{"message_id", sent->as_object().at("message_id")}});
  }
  return result;
}

// copyMessages: each message found is copied (missing ones are skipped, as Telegram does); an
// album keeps its grouping. The call is one send for the flood limits. Returns [MessageId].
MethodResult copy_messages(Call& call) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  auto from = target_chat(call, "from_chat_id", false);
  if (auto* error = std::get_if<ApiError>(&from)) return *error;
  const json::value* ids = call.params.if_contains("message_ids");
  if (ids == nullptr || !ids->is_array() || ids->as_array().empty() ||
      ids->as_array().size() > 100) {
    return bad_request("message_ids must be a list of 1-100 message identifiers");
  }
  std::vector<Message> copies;
  std::int64_t previous = 0;
  for (const auto& id : ids->as_array()) {
    if (!id.is_int64() || id.get_int64() <= previous) {
      return bad_request("message identifiers must be specified in a strictly increasing order");
    }
    previous = id.get_int64();
    const Message* source = call.bot.find_message(std::get<Chat*>(from)->id, previous);
    if (source == nullptr) continue;
    Message message;
    message.text = source->text;
    message.caption = bool_param(call.params, "remove_caption") ? "" : source->caption;
    message.entities = source->entities;
    message.content = source->content;
    message.content.erase("reply_to_message");
    message.content.erase("forward_origin");
    message.photo_file_id = source->photo_file_id;
    message.document_file_id = source->document_file_id;
    copies.push_back(std::move(message));
  }
  if (copies.empty()) return bad_request("messages to copy not found");
  Chat& target = *std::get<Chat*>(chat);
  for (auto& message : copies) {
    if (auto error = apply_thread(call, target, message)) return *error;
  }
  if (auto error = rate_limit(call, target)) return *error;
  json::array result;
  for (auto& message : copies) {
    message.from_bot = true;
    const Message& stored = call.bot.add_message(target, std::move(message));
    result.push_back(json::object{{"message_id", stored.message_id}});
  }
  return json::value(std::move(result));
}

MethodResult forward_message(Call& call) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  auto from = target_chat(call, "from_chat_id", false);
  if (auto* error = std::get_if<ApiError>(&from)) return *error;
  const Message* source =
      call.bot.find_message(std::get<Chat*>(from)->id, *int_param(call.params, "message_id"));
  if (source == nullptr) return bad_request("message to forward not found");
  Message message = *source;
  message.edited = false;
  message.edit_count = 0;
  message.content.erase("reply_to_message");
  json::object origin{{"date", source->date_ms / 1000}};
  if (source->from_bot) {
    origin["type"] = "user";
    origin["sender_user"] = call.bot.me_json();
  } else if (const User* user = call.bot.find_user(source->from_user_id)) {
    origin["type"] = "user";
    origin["sender_user"] = call.bot.user_json(*user);
  } else {
    origin["type"] = "hidden_user";
    origin["sender_user_name"] = "Hidden";
  }
  message.content["forward_origin"] = std::move(origin);
  message.reply_markup = nullptr;
  return deliver(call, *std::get<Chat*>(chat), std::move(message));
}

MethodResult edit_message_text(Call& call) {
  auto found = message_to_edit(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Message& message = *std::get<Message*>(found);
  if (message.text.empty()) return bad_request("there is no text in the message to edit");
  std::string text =
      visible_text(string_param(call.params, "text"), string_param(call.params, "parse_mode"));
  if (auto error = check_text(text)) return *error;
  auto markup = markup_param(call);
  if (auto* error = std::get_if<ApiError>(&markup)) return *error;
  json::array entities;
  if (const json::value* e = call.params.if_contains("entities")) entities = e->as_array();
  json::value new_markup = std::get<json::value>(markup);
  if (text == message.text && entities == message.entities && new_markup == message.reply_markup) {
    return not_modified();
  }
  if (auto error = rate_limit(call, *call.bot.find_chat(message.chat_id), true)) return *error;
  message.text = std::move(text);
  message.entities = std::move(entities);
  message.reply_markup = std::move(new_markup);
  return finish_edit(call, message);
}

MethodResult edit_message_caption(Call& call) {
  auto found = message_to_edit(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Message& message = *std::get<Message*>(found);
  if (message.photo_file_id.empty() && message.document_file_id.empty()) {
    return bad_request("there is no caption in the message to edit");
  }
  std::string caption =
      visible_text(string_param(call.params, "caption"), string_param(call.params, "parse_mode"));
  if (auto error = check_caption(caption)) return *error;
  auto markup = markup_param(call);
  if (auto* error = std::get_if<ApiError>(&markup)) return *error;
  json::value new_markup = std::get<json::value>(markup);
  if (caption == message.caption && new_markup == message.reply_markup) return not_modified();
  if (auto error = rate_limit(call, *call.bot.find_chat(message.chat_id), true)) return *error;
  message.caption = std::move(caption);
  message.reply_markup = std::move(new_markup);
  return finish_edit(call, message);
}

MethodResult edit_message_reply_markup(Call& call) {
  auto found = message_to_edit(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Message& message = *std::get<Message*>(found);
  auto markup = markup_param(call);
  if (auto* error = std::get_if<ApiError>(&markup)) return *error;
  json::value new_markup = std::get<json::value>(markup);
  if (new_markup == message.reply_markup) return not_modified();
  if (auto error = rate_limit(call, *call.bot.find_chat(message.chat_id), true)) return *error;
  message.reply_markup = std::move(new_markup);
  return finish_edit(call, message);
}

MethodResult delete_message(Call& call) {
  auto chat = target_chat(call, "chat_id", false);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  Message* message =
      call.bot.find_message(std::get<Chat*>(chat)->id, *int_param(call.params, "message_id"));
  if (message == nullptr) return bad_request("message to delete not found");
  const auto age = std::chrono::milliseconds(
      std::chrono::duration_cast<std::chrono::milliseconds>(call.clock.wall().time_since_epoch())
          .count() -
      message->date_ms);
  if (age > kDeleteWindow) return bad_request("message can't be deleted");
  call.bot.message_deleted(*message);
  return json::value(true);
}

}  // namespace corebot::sandbox
