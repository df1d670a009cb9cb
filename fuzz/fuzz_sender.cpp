#include "fuzz/fuzz_sender.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "content/text.hpp"
#include "corebot/utf8.hpp"

namespace corebot::fuzz {
namespace json = boost::json;

void finding(const std::string& what) {
  std::fprintf(stderr, "corebot fuzz finding: %s\n", what.c_str());
  std::abort();
}

namespace {

std::string check_strings(const json::value& v, const std::string& where) {
  if (const auto* s = v.if_string()) {
    return content::is_valid_utf8(*s) ? std::string() : where + " is not valid UTF-8";
  }
  if (const auto* o = v.if_object()) {
    for (const auto& [key, item] : *o) {
      if (auto r = check_strings(item, where + "." + std::string(key)); !r.empty()) return r;
    }
  }
  if (const auto* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (auto r = check_strings((*a)[i], where + "[" + std::to_string(i) + "]"); !r.empty()) {
        return r;
      }
    }
  }
  return {};
}

// Keyboards are arrays of rows of buttons; a reply keyboard's buttons have a text.
std::string check_reply_keyboard(const json::object& markup) {
  const auto* rows = markup.if_contains("keyboard");
  if (rows == nullptr) return {};
  if (!rows->is_array()) return "keyboard is not an array";
  for (const auto& row : rows->get_array()) {
    if (!row.is_array()) return "a keyboard row is not an array";
    for (const auto& button : row.get_array()) {
      if (button.is_string() && !button.get_string().empty()) continue;
      const auto* b = button.if_object();
      const auto* text = b ? b->if_contains("text") : nullptr;
      if (text == nullptr || !text->is_string() || text->get_string().empty()) {
        return "a keyboard button without text";
      }
    }
  }
  return {};
}

// Inline keyboards: every button has a text, and callback data of 1-64 bytes.
std::string check_markup(const json::object& params) {
  const auto* markup = params.if_contains("reply_markup");
  if (markup == nullptr || !markup->is_object()) return {};
  if (auto r = check_reply_keyboard(markup->get_object()); !r.empty()) return r;
  const auto* rows = markup->get_object().if_contains("inline_keyboard");
  if (rows == nullptr) return {};
  if (!rows->is_array()) return "inline_keyboard is not an array";
  for (const auto& row : rows->get_array()) {
    if (!row.is_array()) return "an inline keyboard row is not an array";
    for (const auto& button : row.get_array()) {
      const auto* b = button.if_object();
      if (b == nullptr) return "an inline button is not an object";
      const auto* text = b->if_contains("text");
      if (text == nullptr || !text->is_string() || text->get_string().empty()) {
        return "an inline button without text";
      }
      if (const auto* data = b->if_contains("callback_data")) {
        if (!data->is_string() || data->get_string().empty() || data->get_string().size() > 64) {
          return "callback_data of " +
                 std::to_string(data->is_string() ? data->get_string().size() : 0) +
                 " bytes (Telegram takes 1-64): " + json::serialize(*data);
        }
      }
    }
  }
  return {};
}

// A text field with Telegram's limit (counted in UTF-16 units after entity parsing: without a
// parse_mode that is the text itself).
std::string check_text(const json::object& params, std::string_view key, std::size_t limit,
                       bool required) {
  const auto* v = params.if_contains(key);
  if (v == nullptr) return required ? std::string(key) + " missing" : std::string();
  if (!v->is_string()) return std::string(key) + " is not a string";
  const std::string_view text = v->get_string();
  if (required && text.find_first_not_of(" \n\t") == std::string_view::npos) {
    return std::string(key) + " is empty";
  }
  if (params.contains("parse_mode")) return {};
  if (utf8::utf16_length(text) > limit) {
    return std::string(key) + " of " + std::to_string(utf8::utf16_length(text)) +
           " UTF-16 units (Telegram takes " + std::to_string(limit) + ")";
  }
  return {};
}

}  // namespace

std::string refusal_reason(const std::string& method, const json::object& params) {
  if (auto r = check_strings(params, "params"); !r.empty()) return r;
  if (auto r = check_markup(params); !r.empty()) return r;
  if (method == "sendMessage" || method == "editMessageText") {
    return check_text(params, "text", 4096, true);
  }
  if (method == "answerCallbackQuery") return check_text(params, "text", 200, false);
  if (method == "sendPhoto" || method == "sendDocument" || method == "sendVideo" ||
      method == "editMessageCaption" || method == "copyMessage") {
    return check_text(params, "caption", 1024, false);
  }
  return {};
}

void FuzzSender::call(ApiCall call, Priority, CallDone done) {
  if (auto why = refusal_reason(call.method, call.params); !why.empty()) {
    finding(call.method + " that Telegram refuses: " + why + "\n" + json::serialize(call.params));
  }
  std::int64_t chat = 0;
  if (const auto* c = call.params.if_contains("chat_id"); c && c->is_int64()) chat = c->as_int64();
  sent.push_back({call.method, call.params});
  pending_.push_back({std::move(call.method), chat, std::move(done)});
}

std::size_t FuzzSender::answer_all() {
  std::size_t answered = 0;
  while (!pending_.empty()) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    ++answered;
    CallResult r;
    switch (mode) {
      case ApiMode::kOk: {
        r.ok = true;
        if (p.method.rfind("send", 0) == 0 || p.method == "copyMessage" ||
            p.method == "forwardMessage" || p.method.rfind("editMessage", 0) == 0) {
          r.result = json::object{{"message_id", ++next_message_id_},
                                  {"date", 1767225600},
                                  {"chat", {{"id", p.chat_id}, {"type", "private"}}}};
        } else if (p.method == "getChat") {
          r.result = json::object{{"id", p.chat_id},
                                  {"type", p.chat_id < 0 ? "supergroup" : "private"},
                                  {"is_forum", p.chat_id < 0}};
        } else if (p.method == "createForumTopic") {
          r.result = json::object{{"message_thread_id", ++next_message_id_}, {"name", "topic"}};
        } else {
          r.result = true;
        }
        break;
      }
      case ApiMode::kBadRequest:
        r.error_code = 400;
        r.description = "Bad Request: message to edit not found";
        break;
      case ApiMode::kBlocked:
        r.error_code = 403;
        r.description = "Forbidden: bot was blocked by the user";
        r.blocked_by_user = true;
        if (on_blocked && p.chat_id > 0) on_blocked(p.chat_id);
        break;
      case ApiMode::kNoAnswer:
        r.error_code = kNoAnswer;
        r.description = "no answer";
        break;
    }
    if (p.done) p.done(r);
  }
  return answered;
}

}  // namespace corebot::fuzz
