// getMe, chats and members, callback answers, chat actions, commands, files; the method table.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <utility>

#include "sandbox/bot_api_methods.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

MethodResult get_me(Call& call) { return json::value(call.bot.me_json()); }

MethodResult log_out(Call&) { return json::value(true); }

MethodResult get_chat(Call& call) {
  auto chat = target_chat(call, "chat_id", false);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  json::object info = call.bot.chat_json(*std::get<Chat*>(chat));
  info["accent_color_id"] = 0;
  info["max_reaction_count"] = 11;
  info["accepted_gift_types"] = json::object{{"unlimited_gifts", false},
                                             {"limited_gifts", false},
                                             {"unique_gifts", false},
                                             {"premium_subscription", false}};
  return json::value(std::move(info));
}

MethodResult get_chat_member(Call& call) {
  auto found = target_chat(call, "chat_id", false);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  const Chat& chat = *std::get<Chat*>(found);
  const std::int64_t user_id = *int_param(call.params, "user_id");
  if (user_id == call.bot.id()) {
    return json::value(json::object{{"status", chat.group ? "administrator" : "member"},
                                    {"user", call.bot.me_json()}});
  }
  const User* user = call.bot.find_user(user_id);
  if (user == nullptr) return bad_request("user not found");
  const bool member = chat.group ? chat.members.contains(user_id) : chat.id == user_id;
  return json::value(
      json::object{{"status", member ? "member" : "left"}, {"user", call.bot.user_json(*user)}});
}

MethodResult answer_callback_query(Call& call) {
  CallbackQuery* query =
      call.bot.find_callback_query(string_param(call.params, "callback_query_id"));
  const ApiError too_old =
      bad_request("query is too old and response timeout expired or query ID is invalid");
  if (query == nullptr || query->answered) return too_old;
  if (call.clock.now() - query->created > call.options.callback_answer_window) return too_old;
  const std::string text = string_param(call.params, "text");
  if (utf16_length(text) > 200) return bad_request("MESSAGE_TOO_LONG");
  query->answered = true;
  call.bot.events.add(call.bot.token(),
                      json::object{{"kind", "callback_answer"},
                                   {"chat_id", query->chat_id},
                                   {"callback_query_id", query->id},
                                   {"message_id", query->message_id},
                                   {"text", text},
                                   {"show_alert", bool_param(call.params, "show_alert")},
                                   {"url", string_param(call.params, "url")}});
  return json::value(true);
}

MethodResult send_chat_action(Call& call) {
  auto chat = target_chat(call, "chat_id", true);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  static constexpr std::string_view kActions[] = {
      "typing",        "upload_photo",      "record_video",     "upload_video",
      "record_voice",  "upload_voice",      "upload_document",  "choose_sticker",
      "find_location", "record_video_note", "upload_video_note"};
  const std::string action = string_param(call.params, "action");
  if (std::find(std::begin(kActions), std::end(kActions), action) == std::end(kActions)) {
    return bad_request("wrong parameter action in request");
  }
  call.bot.events.add(call.bot.token(), json::object{{"kind", "chat_action"},
                                                     {"chat_id", std::get<Chat*>(chat)->id},
                                                     {"action", action}});
  return json::value(true);
}

// Commands are kept per scope and language, as Telegram does.
std::string commands_key(const Call& call) {
  json::value scope = json::object{{"type", "default"}};
  if (const json::value* s = call.params.if_contains("scope")) scope = *s;
  return json::serialize(scope) + "|" + string_param(call.params, "language_code");
}

MethodResult set_my_commands(Call& call) {
  const json::array& commands = call.params.at("commands").as_array();
  if (commands.size() > 100) return bad_request("BOT_COMMANDS_TOO_MUCH");
  json::array stored;
  for (const json::value& c : commands) {
    const json::object* o = c.if_object();
    const json::value* name = o ? o->if_contains("command") : nullptr;
    const json::value* description = o ? o->if_contains("description") : nullptr;
    if (name == nullptr || !name->is_string() || description == nullptr ||
        !description->is_string()) {
      return bad_request("can't parse BotCommand: Field \"command\" must be of type String");
    }
    std::string command(name->get_string());
    if (command.starts_with('/')) command.erase(0, 1);
    const bool valid_name = !command.empty() && command.size() <= 32 &&
                            std::all_of(command.begin(), command.end(), [](unsigned char ch) {
                              return std::islower(ch) || std::isdigit(ch) || ch == '_';
                            });
    if (!valid_name) return bad_request("BOT_COMMAND_INVALID");
    const std::size_t length = utf16_length(description->get_string());
    if (length == 0 || length > 256) return bad_request("command description must be non-empty");
    stored.push_back(
        json::object{{"command", command}, {"description", description->get_string()}});
  }
  call.bot.commands[commands_key(call)] = std::move(stored);
  return json::value(true);
}

MethodResult get_my_commands(Call& call) {
  auto it = call.bot.commands.find(commands_key(call));
  return it == call.bot.commands.end() ? json::value(json::array{}) : json::value(it->second);
}

MethodResult delete_my_commands(Call& call) {
  call.bot.commands.erase(commands_key(call));
  return json::value(true);
}

MethodResult get_file(Call& call) {
  const StoredFile* file = call.bot.find_file(string_param(call.params, "file_id"));
  if (file == nullptr) return bad_request("wrong file_id or the file is temporarily unavailable");
  return json::value(json::object{{"file_id", file->file_id},
                                  {"file_unique_id", file->file_unique_id},
                                  {"file_size", static_cast<std::uint64_t>(file->data->size())},
                                  {"file_path", file->kind + "s/" + file->file_id}});
}

constexpr std::pair<std::string_view, MethodFn> kMethods[] = {
    {"getMe", get_me},
    {"logOut", log_out},
    {"close", log_out},
    {"getChat", get_chat},
    {"getChatMember", get_chat_member},
    {"answerCallbackQuery", answer_callback_query},
    {"sendChatAction", send_chat_action},
    {"setMyCommands", set_my_commands},
    {"getMyCommands", get_my_commands},
    {"deleteMyCommands", delete_my_commands},
    {"getFile", get_file},
    {"sendMessage", send_message},
    {"sendPhoto", send_photo},
    {"sendDocument", send_document},
    {"copyMessage", copy_message},
    {"copyMessages", copy_messages},
    {"forwardMessage", forward_message},
    {"editMessageText", edit_message_text},
    {"editMessageCaption", edit_message_caption},
    {"editMessageReplyMarkup", edit_message_reply_markup},
    {"deleteMessage", delete_message},
};

}  // namespace

MethodFn find_method_fn(std::string_view name) {
  if (MethodFn fn = find_payment_method_fn(name)) return fn;  // bot_api_payments.cpp
  for (const auto& [method, fn] : kMethods) {
    if (method == name) return fn;
  }
  return nullptr;
}

ApiError too_many_requests(int retry_after) {
  return ApiError{429, "Too Many Requests: retry after " + std::to_string(retry_after),
                  retry_after};
}

std::optional<std::int64_t> int_param(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

std::string string_param(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

bool bool_param(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  return v != nullptr && v->is_bool() && v->get_bool();
}

}  // namespace corebot::sandbox
