#include "modules/pages/page_view.hpp"

#include <boost/json.hpp>

namespace corebot::modules {
namespace json = boost::json;

namespace {

bool links_to(const Page& from, const std::string& id) {
  for (const auto& row : from.keyboard) {
    for (const auto& b : row) {
      if (b.kind == Button::Kind::kPage && b.target == id) return true;
    }
  }
  return false;
}

// The page a back button returns to: the first page (in sheet order) with a button to this one.
// Computed per press: a few thousand comparisons, cheaper than caching per snapshot.
const Page* parent_of(const Content& content, const Page& page) {
  for (const Page& p : content.pages()) {
    if (p.id != page.id && links_to(p, page.id)) return &p;
  }
  return nullptr;
}

std::pair<const char*, const char*> media_method(MediaKind kind) {
  switch (kind) {
    case MediaKind::kVideo:
      return {"sendVideo", "video"};
    case MediaKind::kAnimation:
      return {"sendAnimation", "animation"};
    case MediaKind::kDocument:
      return {"sendDocument", "document"};
    case MediaKind::kAudio:
      return {"sendAudio", "audio"};
    case MediaKind::kPhoto:
    case MediaKind::kNone:
      break;
  }
  return {"sendPhoto", "photo"};
}

}  // namespace

json::object page_markup(const Context& ctx, const Content& content, const Page& page) {
  json::array keyboard;
  for (const auto& row : page.keyboard) {
    json::array buttons;
    for (const auto& b : row) {
      json::object button{{"text", ctx.localize(b.text)}};
      if (b.kind == Button::Kind::kUrl) {
        button["url"] = b.target;
      } else {
        button["callback_data"] = b.callback_data;
      }
      buttons.push_back(std::move(button));
    }
    keyboard.push_back(std::move(buttons));
  }
  const auto back_setting = content.setting("back_button");
  const bool back = !back_setting || (*back_setting != "no" && *back_setting != "false" &&
                                      *back_setting != "0" && *back_setting != "off");
  if (back && page.id != content.start_page().id) {
    const Page* parent = parent_of(content, page);
    if (!parent) parent = &content.start_page();
    if (!links_to(page, parent->id)) {
      keyboard.push_back(json::array{
          json::object{{"text", ctx.text("back", "« Back")},
                       {"callback_data", std::string(kPageCallbackPrefix) + parent->id}}});
    }
  }
  return json::object{{"inline_keyboard", std::move(keyboard)}};
}

void add_message_options(const Content& content, json::object& params) {
  if (auto mode = content.setting("parse_mode"); mode && !mode->empty() && *mode != "none") {
    params["parse_mode"] = std::string(*mode);
  }
  if (auto previews = content.setting("link_previews");
      previews && (*previews == "no" || *previews == "false" || *previews == "off")) {
    params["link_preview_options"] = json::object{{"is_disabled", true}};
  }
}

bool callback_message_has_media(const Context& ctx) {
  const auto* query = ctx.update().if_contains("callback_query");
  if (!query || !query->is_object()) return false;
  const auto* message = query->get_object().if_contains("message");
  if (!message || !message->is_object()) return false;
  return !message->get_object().contains("text");
}

// The pressed message is replaced by a new one: Telegram cannot edit a text message into a photo
// or a photo's caption into a text page. The new page is sent first and the old message deleted
// once it arrived, so the chat never piles up copies with live buttons (a bot may delete its own
// messages for 48 h); when the delete is refused, the old message at least loses its buttons.
void replace_message(Context& ctx, std::int64_t old_message_id, std::string method,
                     json::object params) {
  const std::int64_t chat_id = *ctx.chat_id();
  params["chat_id"] = chat_id;
  Sender& sender = ctx.sender();
  sender.call(std::move(method), std::move(params), Priority::kInteractive,
              [&sender, chat_id, old_message_id](const CallResult& sent) {
                if (!sent.ok || old_message_id == 0) return;
                sender.call("deleteMessage", {{"chat_id", chat_id}, {"message_id", old_message_id}},
                            Priority::kInteractive,
                            [&sender, chat_id, old_message_id](const CallResult& deleted) {
                              if (deleted.ok) return;
                              sender.call("editMessageReplyMarkup",
                                          {{"chat_id", chat_id}, {"message_id", old_message_id}},
                                          Priority::kInteractive);
                            });
              });
}

void show_page(Context& ctx, const Content& content, const Page& page,
               std::int64_t edit_message_id) {
  json::object params{{"reply_markup", page_markup(ctx, content, page)}};
  add_message_options(content, params);
  std::string text = ctx.localize(page.text);
  if (!ctx.chat_id()) return;
  // Pages that ask for a new message keep the pressed one, as the owner chose.
  const std::int64_t replaced = page.new_message ? 0 : edit_message_id;
  if (!page.media.empty()) {
    params.erase("link_preview_options");
    auto [method, field] = media_method(page.media_kind);
    params[field] = page.media;
    params["caption"] = std::move(text);
    return replace_message(ctx, replaced, method, std::move(params));
  }
  if (replaced != 0 && callback_message_has_media(ctx)) {
    params["text"] = std::move(text);
    return replace_message(ctx, replaced, "sendMessage", std::move(params));
  }
  if (replaced != 0) {
    // An edit Telegram refuses (a message too old to edit, deleted...) becomes a new message.
    json::object again = params;
    ctx.edit_text(edit_message_id, text, std::move(params),
                  [hold = ctx.hold(), text, again](const CallResult& r) mutable {
                    if (r.ok || r.error_code != 400 ||
                        r.description.find("not modified") != std::string::npos) {
                      return;
                    }
                    hold->reply(std::move(text), std::move(again));
                  });
    return;
  }
  ctx.reply(std::move(text), std::move(params));
}

}  // namespace corebot::modules
