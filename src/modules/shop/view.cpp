#include "modules/shop/view.hpp"

#include "corebot/utf8.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

json::object markup(const View& view) { return {{"inline_keyboard", view.keyboard}}; }

bool pressed_on_media(const Context& ctx) {
  const json::value* q = ctx.update().if_contains("callback_query");
  const json::value* m = q && q->is_object() ? q->get_object().if_contains("message") : nullptr;
  if (!m || !m->is_object()) return false;
  const json::object& msg = m->get_object();
  return msg.contains("photo") || msg.contains("video") || msg.contains("document") ||
         msg.contains("animation");
}

bool pressed_has_button(const Context& ctx, std::string_view data) {
  if (data.empty()) return false;
  const json::value* q = ctx.update().if_contains("callback_query");
  const json::value* m = q && q->is_object() ? q->get_object().if_contains("message") : nullptr;
  const json::value* markup =
      m && m->is_object() ? m->get_object().if_contains("reply_markup") : nullptr;
  const json::value* rows =
      markup && markup->is_object() ? markup->get_object().if_contains("inline_keyboard") : nullptr;
  if (!rows || !rows->is_array()) return false;
  for (const json::value& row : rows->get_array()) {
    if (!row.is_array()) continue;
    for (const json::value& b : row.get_array()) {
      const json::value* d = b.is_object() ? b.get_object().if_contains("callback_data") : nullptr;
      if (d && d->is_string() && d->get_string() == data) return true;
    }
  }
  return false;
}

// Captions hold 1024 characters: a longer product text goes without its end.
std::string caption(const std::string& text) {
  if (utf8::utf16_length(text) <= 1024) return text;
  return utf8::split(text, 1000).front() + "…";
}

}  // namespace

json::object button(std::string text, std::string data) {
  return {{"text", std::move(text)}, {"callback_data", std::move(data)}};
}

void send_view(Context& ctx, View view) {
  if (view.photo.empty()) {
    ctx.reply(std::move(view.text), {{"reply_markup", markup(view)}});
    return;
  }
  ctx.sender().call("sendPhoto",
                    {{"chat_id", ctx.chat_id().value_or(0)},
                     {"photo", view.photo},
                     {"caption", caption(view.text)},
                     {"reply_markup", markup(view)}},
                    Priority::kInteractive);
}

void show(Context& ctx, View view) {
  const std::int64_t message = ctx.callback_message_id();
  if (ctx.kind() != "callback_query" || message == 0) return send_view(ctx, std::move(view));
  const bool was_media = pressed_on_media(ctx);
  const bool is_media = !view.photo.empty();
  const std::int64_t chat = ctx.chat_id().value_or(0);
  if (!was_media && !is_media) {
    ctx.edit_text(message, std::move(view.text), {{"reply_markup", markup(view)}});
    return;
  }
  if (was_media && is_media && pressed_has_button(ctx, view.same_photo_marker)) {
    ctx.sender().call("editMessageCaption",
                      {{"chat_id", chat},
                       {"message_id", message},
                       {"caption", caption(view.text)},
                       {"reply_markup", markup(view)}},
                      Priority::kInteractive);
    return;
  }
  // Text <-> photo, or another photo: Telegram edits neither into the other (editMessageMedia
  // would do the last, but the sandbox lacks it). The new screen first, then the old
  // one goes, so the chat is never empty in between.
  send_view(ctx, std::move(view));
  ctx.sender().call("deleteMessage", {{"chat_id", chat}, {"message_id", message}},
                    Priority::kInteractive);
}

}  // namespace corebot::modules::shop
