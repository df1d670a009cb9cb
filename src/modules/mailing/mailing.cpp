#include "modules/mailing/mailing.hpp"

#include <boost/json.hpp>

#include <stdexcept>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"

namespace corebot::modules::mailing {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxText = 4096;  // Telegram's limits, in UTF-16 code units
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

std::vector<std::int64_t> ids(const json::object& o, std::string_view key) {
  std::vector<std::int64_t> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& id : v->get_array()) {
      if (id.is_int64()) out.push_back(id.get_int64());
    }
  }
  return out;
}

json::array to_array(const std::vector<std::int64_t>& v) {
  json::array a;
  for (auto id : v) a.push_back(id);
  return a;
}

// The text Telegram counts once entities are parsed: for HTML, tags dropped and character
// references decoded; for MarkdownV2, escapes and formatting characters dropped (a link's URL,
// which Telegram does not count either, is dropped too). Plain text as it is.
std::string visible_text(std::string_view text, std::string_view parse_mode) {
  std::string out;
  if (ascii::iequals(parse_mode, "html")) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '<') {
        const auto end = text.find('>', i);
        if (end == std::string_view::npos) break;
        i = end;
      } else if (text[i] == '&') {
        const auto end = text.find(';', i);
        if (end == std::string_view::npos || end - i > 10) {
          out.push_back('&');
        } else {
          out.push_back('?');  // one character, whatever it is (all named ones are in the BMP)
          i = end;
        }
      } else {
        out.push_back(text[i]);
      }
    }
    return out;
  }
  if (ascii::iequals(parse_mode, "markdownv2")) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
        const auto end = text.find(')', i);
        i = end == std::string_view::npos ? text.size() : end;
      } else if (std::string_view("*_~|`[").find(c) == std::string_view::npos) {
        out.push_back(c);
      }
    }
    return out;
  }
  return std::string(text);
}

}  // namespace

std::string_view to_string(Status status) {
  switch (status) {
    case Status::kPreparing:
      return "preparing";
    case Status::kScheduled:
      return "scheduled";
    case Status::kRunning:
      return "running";
    case Status::kPaused:
      return "paused";
    case Status::kCancelled:
      return "cancelled";
    case Status::kDone:
      return "done";
  }
  return "done";
}

std::optional<Status> status_from(std::string_view name) {
  for (Status s : {Status::kPreparing, Status::kScheduled, Status::kRunning, Status::kPaused,
                   Status::kCancelled, Status::kDone}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<json::object> Audience::users_filter(std::int64_t now_ms) const {
  const json::object reachable{{"blocked", {{"$ne", true}}}};
  auto with = [&](json::object condition) {
    return json::object{{"$and", json::array{std::move(condition), reachable}}};
  };
  if (kind == "all") return reachable;
  if (kind == "language") return with({{"language_code", ascii::lower(value)}});
  if (kind == "tag") return with({{"tags", value}});
  if (kind == "active") {
    std::size_t used = 0;
    long long days = 0;
    try {
      days = std::stoll(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || days <= 0 || days > 3650) {
      throw std::invalid_argument("active: give a number of days from 1 to 3650, not '" + value +
                                  "'");
    }
    return with({{"last_seen", {{"$gte", now_ms - days * kDayMs}}}});
  }
  if (kind == "filter") {
    boost::system::error_code ec;
    json::value parsed = json::parse(value, ec);
    if (ec || !parsed.is_object()) {
      throw std::invalid_argument(
          "filter: give a JSON object in the store's filter language, e.g. "
          "{\"language_code\":\"ru\",\"tags\":\"vip\"}");
    }
    return with(std::move(parsed.get_object()));
  }
  return std::nullopt;
}

std::string Audience::check() const {
  if (kind == "me" || kind == "chats") {
    return chats.empty() ? "the audience has no chat — give at least one chat id" : "";
  }
  if (kind == "language" || kind == "tag") {
    return value.empty() ? kind + ": give a value (e.g. ru, vip)" : "";
  }
  if (kind != "all" && kind != "active" && kind != "filter") {
    return "unknown audience '" + kind + "' — use all, language, tag, active, filter, me or chats";
  }
  try {
    (void)users_filter(0);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

json::object Audience::to_json() const {
  json::object o{{"kind", kind}, {"value", value}};
  if (!chats.empty()) o["chats"] = to_array(chats);
  return o;
}

Audience Audience::from_json(const json::object& o) {
  Audience a;
  a.kind = str(o, "kind");
  a.value = str(o, "value");
  a.chats = ids(o, "chats");
  return a;
}

std::string Message::check() const {
  if (from_chat_id != 0) {
    if (message_ids.empty()) return "give the message_ids to copy";
    if (message_ids.size() > 10) return "an album has at most 10 messages";
    if (message_ids.size() > 1 && !reply_markup.is_null()) {
      return "an album cannot carry buttons — send the buttons with a single message";
    }
    return "";
  }
  if (text.empty()) return "the mailing has no message — give a text or a message to copy";
  if (utf8::utf16_length(visible_text(text, parse_mode)) > kMaxText) {
    return "the text is " + std::to_string(utf8::utf16_length(visible_text(text, parse_mode))) +
           " characters, over Telegram's 4096 — shorten it or split it into two mailings";
  }
  return "";
}

std::string Message::method() const {
  if (from_chat_id == 0) return "sendMessage";
  return message_ids.size() > 1 ? "copyMessages" : "copyMessage";
}

json::object Message::params(std::int64_t chat_id) const {
  json::object p{{"chat_id", chat_id}};
  if (from_chat_id == 0) {
    p["text"] = text;
    if (!parse_mode.empty()) p["parse_mode"] = parse_mode;
  } else {
    p["from_chat_id"] = from_chat_id;
    if (message_ids.size() > 1) {
      p["message_ids"] = to_array(message_ids);
    } else {
      p["message_id"] = message_ids.front();
    }
  }
  if (!reply_markup.is_null() && message_ids.size() <= 1) p["reply_markup"] = reply_markup;
  return p;
}

json::object Message::to_json() const {
  json::object o;
  if (from_chat_id != 0) {
    o["from_chat_id"] = from_chat_id;
    o["message_ids"] = to_array(message_ids);
  } else {
    o["text"] = text;
    if (!parse_mode.empty()) o["parse_mode"] = parse_mode;
  }
  if (!reply_markup.is_null()) o["reply_markup"] = reply_markup;
  return o;
}

Message Message::from_json(const json::object& o) {
  Message c;
  c.from_chat_id = num(o, "from_chat_id");
  c.message_ids = ids(o, "message_ids");
  if (c.message_ids.empty() && num(o, "message_id") != 0) c.message_ids = {num(o, "message_id")};
  c.text = str(o, "text");
  c.parse_mode = str(o, "parse_mode");
  if (const json::value* m = o.if_contains("reply_markup"); m && m->is_object()) {
    c.reply_markup = *m;
  }
  return c;
}

json::object Mailing::to_json() const {
  return {{"_id", id},
          {"status", to_string(status)},
          {"content", content.to_json()},
          {"audience", audience.to_json()},
          {"paid", paid},
          {"created_ms", created_ms},
          {"start_at_ms", start_at_ms},
          {"started_ms", started_ms},
          {"finished_ms", finished_ms},
          {"total", total},
          {"sent", counts.sent},
          {"blocked", counts.blocked},
          {"failed", counts.failed},
          {"left", left()},
          {"cursor", cursor},
          {"created_by", created_by},
          {"progress_chat", progress_chat},
          {"progress_message", progress_message},
          {"language", language}};
}

Mailing Mailing::from_json(const json::object& o) {
  Mailing m;
  m.id = str(o, "_id");
  m.status = status_from(str(o, "status")).value_or(Status::kDone);
  if (const json::value* c = o.if_contains("content"); c && c->is_object()) {
    m.content = Message::from_json(c->get_object());
  }
  if (const json::value* a = o.if_contains("audience"); a && a->is_object()) {
    m.audience = Audience::from_json(a->get_object());
  }
  const json::value* paid = o.if_contains("paid");
  m.paid = paid && paid->is_bool() && paid->get_bool();
  m.created_ms = num(o, "created_ms");
  m.start_at_ms = num(o, "start_at_ms");
  m.started_ms = num(o, "started_ms");
  m.finished_ms = num(o, "finished_ms");
  m.total = num(o, "total");
  m.counts = {num(o, "sent"), num(o, "blocked"), num(o, "failed")};
  m.cursor = num(o, "cursor");
  m.created_by = num(o, "created_by");
  m.progress_chat = num(o, "progress_chat");
  m.progress_message = num(o, "progress_message");
  m.language = str(o, "language");
  return m;
}

}  // namespace corebot::modules::mailing
