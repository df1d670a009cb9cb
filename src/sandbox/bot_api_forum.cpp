// Forum topics (createForumTopic, editForumTopic, closeForumTopic, reopenForumTopic,
// deleteForumTopic), message_thread_id on sends, and pinned messages, as Telegram behaves: a
// topic's id is the message id of its forum_topic_created service message; every change posts
// its service message in the topic; a closed topic refuses sends (TOPIC_CLOSED), a deleted or
// unknown one answers "message thread not found". A chat is a forum only when the control API
// made it one (see docs/sandbox.md).
#include <algorithm>
#include <array>

#include "sandbox/bot_api_methods.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxTopicName = 128;
// The six colours Telegram offers for a topic icon.
constexpr std::array<std::int64_t, 6> kIconColors = {7322096, 16766590, 13338331,
                                                     9367192, 16749490, 16478047};

ApiError thread_not_found() { return bad_request("message thread not found"); }

// The forum chat named by chat_id: 400 when unknown or not a forum.
std::variant<Chat*, ApiError> forum_chat(Call& call) {
  auto chat = target_chat(call, "chat_id", false);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  if (!std::get<Chat*>(chat)->is_forum) return bad_request("the chat is not a forum");
  return chat;
}

// The live topic named by message_thread_id in a forum.
std::variant<ForumTopic*, ApiError> live_topic(Chat& chat, std::optional<std::int64_t> id) {
  if (!id) return thread_not_found();
  auto it = chat.topics.find(*id);
  if (it == chat.topics.end() || it->second.deleted) return thread_not_found();
  return &it->second;
}

// Posts a service message (from the bot) into a topic.
const Message& post_service(Call& call, Chat& chat, std::int64_t thread_id, std::string_view key,
                            json::value value) {
  Message message;
  message.from_bot = true;
  message.thread_id = thread_id;
  message.content[key] = std::move(value);
  return call.bot.add_message(chat, std::move(message));
}

MethodResult create_forum_topic(Call& call) {
  auto found = forum_chat(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Chat& chat = *std::get<Chat*>(found);
  const std::string name = string_param(call.params, "name");
  const std::size_t length = utf16_length(name);
  if (length == 0) return bad_request("TOPIC_TITLE_EMPTY");
  if (length > kMaxTopicName) return bad_request("TOPIC_TITLE_TOO_LONG");
  const std::int64_t color = int_param(call.params, "icon_color").value_or(kIconColors[0]);
  if (std::find(kIconColors.begin(), kIconColors.end(), color) == kIconColors.end()) {
    return bad_request("TOPIC_ICON_COLOR_INVALID");
  }
  // The topic's id is the id its service message gets.
  const std::int64_t id = chat.next_message_id;
  const Message& created = post_service(call, chat, id, "forum_topic_created",
                                        json::object{{"name", name}, {"icon_color", color}});
  chat.topics[created.message_id] = ForumTopic{created.message_id, name, color, false, false};
  return json::value(json::object{
      {"message_thread_id", created.message_id}, {"name", name}, {"icon_color", color}});
}

MethodResult edit_forum_topic(Call& call) {
  auto found = forum_chat(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Chat& chat = *std::get<Chat*>(found);
  auto topic = live_topic(chat, int_param(call.params, "message_thread_id"));
  if (auto* error = std::get_if<ApiError>(&topic)) return *error;
  ForumTopic& t = *std::get<ForumTopic*>(topic);
  if (!call.params.contains("name")) return bad_request("TOPIC_NOT_MODIFIED");
  const std::string name = string_param(call.params, "name");
  if (utf16_length(name) > kMaxTopicName) return bad_request("TOPIC_TITLE_TOO_LONG");
  if (name.empty() || name == t.name) return bad_request("TOPIC_NOT_MODIFIED");
  t.name = name;
  post_service(call, chat, t.id, "forum_topic_edited", json::object{{"name", name}});
  return json::value(true);
}

MethodResult set_topic_closed(Call& call, bool closed) {
  auto found = forum_chat(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Chat& chat = *std::get<Chat*>(found);
  auto topic = live_topic(chat, int_param(call.params, "message_thread_id"));
  if (auto* error = std::get_if<ApiError>(&topic)) return *error;
  ForumTopic& t = *std::get<ForumTopic*>(topic);
  if (t.closed == closed) return bad_request("TOPIC_NOT_MODIFIED");
  t.closed = closed;
  post_service(call, chat, t.id, closed ? "forum_topic_closed" : "forum_topic_reopened",
               json::object{});
  return json::value(true);
}

MethodResult close_forum_topic(Call& call) { return set_topic_closed(call, true); }
MethodResult reopen_forum_topic(Call& call) { return set_topic_closed(call, false); }

MethodResult delete_forum_topic(Call& call) {
  auto found = forum_chat(call);
  if (auto* error = std::get_if<ApiError>(&found)) return *error;
  Chat& chat = *std::get<Chat*>(found);
  auto topic = live_topic(chat, int_param(call.params, "message_thread_id"));
  if (auto* error = std::get_if<ApiError>(&topic)) return *error;
  ForumTopic& t = *std::get<ForumTopic*>(topic);
  t.deleted = true;
  // Telegram deletes the topic with all its messages.
  for (Message& message : chat.messages) {
    if (message.thread_id == t.id && !message.deleted) call.bot.message_deleted(message);
  }
  return json::value(true);
}

MethodResult pin_chat_message(Call& call) {
  auto chat = target_chat(call, "chat_id", false);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  Chat& target = *std::get<Chat*>(chat);
  Message* message = call.bot.find_message(target.id, *int_param(call.params, "message_id"));
  if (message == nullptr) return bad_request("message to pin not found");
  message->pinned = true;
  const std::int64_t thread = message->thread_id;
  json::object pinned = call.bot.message_json(*message);
  post_service(call, target, thread, "pinned_message", std::move(pinned));
  return json::value(true);
}

MethodResult unpin_chat_message(Call& call) {
  auto chat = target_chat(call, "chat_id", false);
  if (auto* error = std::get_if<ApiError>(&chat)) return *error;
  Chat& target = *std::get<Chat*>(chat);
  Message* message = nullptr;
  if (auto id = int_param(call.params, "message_id")) {
    message = call.bot.find_message(target.id, *id);
  } else {  // the most recent pinned message
    for (auto it = target.messages.rbegin(); it != target.messages.rend(); ++it) {
      if (it->pinned && !it->deleted) {
        message = &*it;
        break;
      }
    }
  }
  if (message == nullptr || !message->pinned) return bad_request("message to unpin not found");
  message->pinned = false;
  return json::value(true);
}

constexpr std::pair<std::string_view, MethodFn> kForumMethods[] = {
    {"createForumTopic", create_forum_topic}, {"editForumTopic", edit_forum_topic},
    {"closeForumTopic", close_forum_topic},   {"reopenForumTopic", reopen_forum_topic},
    {"deleteForumTopic", delete_forum_topic}, {"pinChatMessage", pin_chat_message},
    {"unpinChatMessage", unpin_chat_message},
};

}  // namespace

MethodFn find_forum_method_fn(std::string_view name) {
  for (const auto& [method, fn] : kForumMethods) {
    if (method == name) return fn;
  }
  return nullptr;
}

std::optional<ApiError> apply_thread(Call& call, const Chat& chat, Message& message) {
  message.thread_id = 0;
  message.pinned = false;
  const auto thread = int_param(call.params, "message_thread_id");
  if (!thread) return std::nullopt;
  if (!chat.is_forum) return thread_not_found();
  auto it = chat.topics.find(*thread);
  if (it == chat.topics.end() || it->second.deleted) return thread_not_found();
  if (it->second.closed) return bad_request("TOPIC_CLOSED");
  message.thread_id = *thread;
  return std::nullopt;
}

std::optional<ApiError> place_user_message(Bot& bot, Chat& chat, bool make_forum,
                                           std::optional<std::int64_t> thread, Message& message) {
  if (make_forum) {
    if (!chat.group) return bad_request("is_forum needs a group chat (a negative chat_id)");
    chat.is_forum = true;
  }
  if (!thread) return std::nullopt;
  if (!chat.is_forum) return bad_request("message_thread_id needs a forum (is_forum: true)");
  auto it = chat.topics.find(*thread);
  if (it == chat.topics.end() || it->second.deleted) return thread_not_found();
  message.thread_id = *thread;
  // Telegram shows a topic message that replies to nothing as a reply to the topic's start.
  if (!message.content.contains("reply_to_message")) {
    if (const Message* start = bot.find_message(chat.id, *thread)) {
      message.content["reply_to_message"] = bot.message_json(*start);
    }
  }
  return std::nullopt;
}

json::array topics_view(const Chat& chat) {
  json::array out;
  for (const auto& [id, topic] : chat.topics) {
    if (topic.deleted) continue;
    out.push_back(json::object{{"id", id},
                               {"message_thread_id", id},
                               {"name", topic.name},
                               {"icon_color", topic.icon_color},
                               {"closed", topic.closed}});
  }
  return out;
}

}  // namespace corebot::sandbox
