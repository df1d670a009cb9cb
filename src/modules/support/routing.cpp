#include "modules/support/routing.hpp"

#include <chrono>
#include <cstdio>

#include "corebot/utf8.hpp"
#include "modules/support/texts.hpp"

namespace corebot::modules::support {
namespace json = boost::json;
namespace {

std::int64_t int_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

bool bool_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::string string_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

constexpr std::string_view kCaptioned[] = {"photo", "document", "voice",
                                           "video", "audio",    "animation"};
constexpr std::string_view kOtherContent[] = {"text",     "sticker", "video_note", "contact",
                                              "location", "venue",   "poll",       "dice"};

}  // namespace

bool takes_caption(const json::object& message) {
  for (std::string_view key : kCaptioned) {
    if (message.contains(key)) return true;
  }
  return false;
}

bool copyable(const json::object& message) {
  if (takes_caption(message)) return true;
  for (std::string_view key : kOtherContent) {
    if (message.contains(key)) return true;
  }
  return false;
}

GroupRoute route_group_message(const json::object& message, std::string_view command) {
  GroupRoute route;
  route.close = command == "close";
  route.relay = command.empty() && copyable(message);
  // A topic message is for the topic's customer, whatever it replies to (in a forum every topic
  // message replies to the topic's first message unless it replies to another).
  if (bool_field(message, "is_topic_message") && int_field(message, "message_thread_id") != 0) {
    route.via = GroupRoute::Via::kTopic;
    route.key = int_field(message, "message_thread_id");
    return route;
  }
  if (const json::value* reply = message.if_contains("reply_to_message");
      reply != nullptr && reply->is_object()) {
    route.via = GroupRoute::Via::kReply;
    route.key = int_field(reply->as_object(), "message_id");
  }
  return route;
}

std::string link_id(std::int64_t group_id, std::int64_t message_id) {
  return std::to_string(group_id) + ":" + std::to_string(message_id);
}

json::object to_json(const Conversation& c) {
  return json::object{{"_id", std::to_string(c.user_id)},
                      {"user_id", c.user_id},
                      {"status", c.open ? "open" : "closed"},
                      {"group_id", c.group_id},
                      {"topic_id", c.topic_id},
                      {"seq", c.seq},
                      {"name", c.name},
                      {"opened_ms", c.opened_ms},
                      {"closed_ms", c.closed_ms}};
}

Conversation conversation_from(const json::object& doc) {
  Conversation c;
  c.user_id = int_field(doc, "user_id");
  c.open = string_field(doc, "status") == "open";
  c.group_id = int_field(doc, "group_id");
  c.topic_id = int_field(doc, "topic_id");
  c.seq = int_field(doc, "seq");
  c.name = string_field(doc, "name");
  c.opened_ms = int_field(doc, "opened_ms");
  c.closed_ms = int_field(doc, "closed_ms");
  return c;
}

std::string display_name(const UserRecord& user) {
  std::string name = user.first_name;
  if (!user.last_name.empty()) name += (name.empty() ? "" : " ") + user.last_name;
  if (!name.empty()) return name;
  if (!user.username.empty()) return "@" + user.username;
  return "id " + std::to_string(user.id);
}

std::string cut(std::string_view text, std::size_t limit) {
  std::size_t units = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    const auto lead = static_cast<unsigned char>(text[end]);
    const std::size_t bytes = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    const std::size_t add = bytes == 4 ? 2 : 1;
    if (units + add > limit) break;
    units += add;
    end += bytes;
  }
  return std::string(text.substr(0, std::min(end, text.size())));
}

std::string topic_name(const UserRecord& user) {
  std::string name = display_name(user);
  if (!user.username.empty() && !name.starts_with("@")) name += " (@" + user.username + ")";
  return cut(name, 128);
}

std::string card_text(const UserRecord& user, std::string_view language) {
  std::string tags;
  for (const std::string& tag : user.tags) tags += (tags.empty() ? "" : ", ") + tag;
  const std::chrono::year_month_day day{
      std::chrono::floor<std::chrono::days>(std::chrono::sys_time<std::chrono::milliseconds>(
          std::chrono::milliseconds(user.first_seen_ms)))};
  char since[16];
  std::snprintf(since, sizeof since, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return format(
      say_in(language, "support_card"),
      {display_name(user),
       user.username.empty() ? say_in(language, "support_no_username") : "@" + user.username,
       user.language_code.empty() ? "?" : user.language_code, std::to_string(user.id),
       tags.empty() ? say_in(language, "support_none") : tags,
       user.first_seen_ms > 0 ? std::string(since) : "?"});
}

}  // namespace corebot::modules::support
