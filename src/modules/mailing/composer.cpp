#include "modules/mailing/composer.hpp"

#include <boost/json.hpp>

#include "modules/mailing/http_api.hpp"
#include "modules/mailing/progress_view.hpp"
#include "modules/mailing/texts.hpp"

namespace corebot::modules::mailing {
namespace json = boost::json;

namespace {

json::object& draft(Context& ctx) {
  json::value& d = ctx.session()["mailing"];
  if (!d.is_object()) d = json::object{};
  return d.get_object();
}

bool has_draft(const Context& ctx) {
  const json::value* d = ctx.session().if_contains("mailing");
  return d && d->is_object() && d->get_object().contains("step");
}

std::string step_of(Context& ctx) {
  const json::value* s = draft(ctx).if_contains("step");
  return s && s->is_string() ? std::string(s->get_string()) : std::string();
}

json::object button(std::string text, std::string data) {
  return {{"text", std::move(text)}, {"callback_data", std::move(data)}};
}

json::object keyboard(json::array rows) { return {{"inline_keyboard", std::move(rows)}}; }
// A keyboard of one row. Not keyboard({row}): with clang (CWG 2137) a one-element braced list of
// a json::array is a copy of that array, so the buttons would not be in a row.
json::object keyboard_row(json::array row) {
  json::array rows;
  rows.push_back(std::move(row));
  return keyboard(std::move(rows));
}

// The draft as mailing content.
Message content_of(json::object& d) {
  Message c;
  c.from_chat_id = d.contains("from_chat") ? d.at("from_chat").to_number<std::int64_t>() : 0;
  if (const json::value* ids = d.if_contains("ids"); ids && ids->is_array()) {
    for (const auto& id : ids->get_array()) c.message_ids.push_back(id.to_number<std::int64_t>());
  }
  if (const json::value* m = d.if_contains("markup"); m && m->is_object()) c.reply_markup = *m;
  return c;
}

// "Title - https://link" lines -> an inline keyboard; 0 and the keyboard, or the bad line
// (1-based).
std::pair<std::size_t, json::object> parse_buttons(std::string_view text) {
  json::array rows;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    const auto dash = line.rfind(" - ");
    if (dash == std::string_view::npos) return {line_no, {}};
    std::string_view title = line.substr(0, dash);
    std::string_view url = line.substr(dash + 3);
    while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
    if (title.empty() ||
        !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("tg://"))) {
      return {line_no, {}};
    }
    rows.push_back(json::array{json::object{{"text", title}, {"url", url}}});
  }
  if (rows.empty()) return {1, {}};
  return {0, keyboard(std::move(rows))};
}

}  // namespace

std::string Composer::t(
    const Context& ctx, std::string_view key,
    std::initializer_list<std::pair<std::string_view, std::string>> values) const {
  return say(ctx.content(), ctx.language(), key, values);
}

void Composer::open(Context& ctx) {
  ctx.session()["mailing"] = json::object{{"step", "message"}};
  ctx.reply(t(ctx, "mailing_ask_message"),
            {{"reply_markup",
              keyboard_row(json::array{button(t(ctx, "mailing_cancel_button"), "mailing:x")})}});
}

bool Composer::discard(Context& ctx) {
  if (!has_draft(ctx)) return false;
  ctx.session().erase("mailing");
  ctx.reply(t(ctx, "mailing_discarded"));
  return true;
}

Handled Composer::on_message(Context& ctx) {
  if (!has_draft(ctx) || ctx.kind() != "message") return Handled::kContinue;
  const json::object& message = ctx.update().at("message").as_object();
  json::object& d = draft(ctx);
  const std::string step = step_of(ctx);
  const std::string text(ctx.text());
  if (step == "message") {
    const json::value* group = message.if_contains("media_group_id");
    const json::value* current = d.if_contains("group");
    if (group && current && *group == *current) {
      // The next part of the album being collected: nothing to say.
      d["ids"].as_array().push_back(message.at("message_id"));
      return Handled::kStop;
    }
    d["from_chat"] = *ctx.chat_id();
    d["ids"] = json::array{message.at("message_id")};
    if (group) d["group"] = *group;
    d["step"] = "audience";
    preview(ctx);
    return Handled::kStop;
  }
  if (step == "audience" && d.contains("group")) {
    // A late album part after the preview: still the same album.
    if (const json::value* group = message.if_contains("media_group_id");
        group && *group == d.at("group")) {
      d["ids"].as_array().push_back(message.at("message_id"));
      return Handled::kStop;
    }
  }
  if (step == "buttons") {
    auto [bad, markup] = parse_buttons(text);
    if (bad != 0) {
      ctx.reply(t(ctx, "mailing_bad_buttons", {{"line", std::to_string(bad)}}));
      return Handled::kStop;
    }
    d["markup"] = std::move(markup);
    d["step"] = "audience";
    preview(ctx);
    return Handled::kStop;
  }
  if (step.starts_with("value:")) {
    Audience audience{step.substr(6), text, {}};
    if (std::string error = audience.check(); !error.empty()) {
      ctx.reply(t(ctx, "mailing_bad_value", {{"error", error}}));
      return Handled::kStop;
    }
    d["audience"] = audience.to_json();
    ask_time(ctx);
    return Handled::kStop;
  }
  if (step == "time") {
    auto at = parse_utc_time(text);
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (!at || *at <= now) {
      ctx.reply(t(ctx, "mailing_bad_time"));
      return Handled::kStop;
    }
    d["at"] = *at;
    confirm(ctx);
    return Handled::kStop;
  }
  return Handled::kContinue;  // waiting for a button: let the message be
}

void Composer::preview(Context& ctx) {
  json::object& d = draft(ctx);
  const Message content = content_of(d);
  ctx.sender().call(content.method(), content.params(*ctx.chat_id()), Priority::kInteractive);
  json::array rows;
  if (content.message_ids.size() == 1 && !d.contains("group")) {
    rows.push_back(json::array{button(t(ctx, "mailing_add_buttons"), "mailing:b")});
  }
  rows.push_back(json::array{button(t(ctx, "mailing_aud_all"), "mailing:a:all"),
                             button(t(ctx, "mailing_aud_me"), "mailing:a:me")});
  rows.push_back(json::array{button(t(ctx, "mailing_aud_language"), "mailing:a:language"),
                             button(t(ctx, "mailing_aud_tag"), "mailing:a:tag")});
  rows.push_back(json::array{button(t(ctx, "mailing_aud_active"), "mailing:a:active"),
                             button(t(ctx, "mailing_aud_filter"), "mailing:a:filter")});
  rows.push_back(json::array{button(t(ctx, "mailing_cancel_button"), "mailing:x")});
  ctx.reply(t(ctx, "mailing_preview"), {{"reply_markup", keyboard(std::move(rows))}});
}

void Composer::ask_time(Context& ctx) {
  draft(ctx)["step"] = "time";
  ctx.reply(t(ctx, "mailing_ask_time"),
            {{"reply_markup",
              keyboard_row(json::array{button(t(ctx, "mailing_now"), "mailing:now"),
                                       button(t(ctx, "mailing_cancel_button"), "mailing:x")})}});
}

void Composer::confirm(Context& ctx) {
  json::object& d = draft(ctx);
  d["step"] = "confirm";
  Audience audience = Audience::from_json(d.at("audience").as_object());
  if (audience.kind == "me") audience.chats = {*ctx.user_id()};
  const std::string when = d.contains("at")
                               ? utc_time(d.at("at").to_number<std::int64_t>()) + " UTC"
                               : t(ctx, "mailing_when_now");
  std::string name = t(ctx, "mailing_aud_" + audience.kind);
  if (!audience.value.empty()) name += ": " + audience.value;
  auto hold = ctx.hold();
  mailings_.count(audience, [this, hold, name, when](std::int64_t n, const std::string& error) {
    Context& c = *hold;
    if (!error.empty()) {
      c.reply(t(c, "mailing_bad_value", {{"error", error}}));
      return;
    }
    c.reply(
        t(c, "mailing_confirm", {{"audience", name}, {"count", std::to_string(n)}, {"when", when}}),
        {{"reply_markup",
          keyboard_row(json::array{button(t(c, "mailing_confirm_button"), "mailing:go"),
                                   button(t(c, "mailing_cancel_button"), "mailing:x")})}});
  });
}

void Composer::go(Context& ctx) {
  json::object d = draft(ctx);
  ctx.session().erase("mailing");  // a second press finds no draft: never two mailings
  NewMailing request;
  request.content = content_of(d);
  request.audience = Audience::from_json(d.at("audience").as_object());
  if (request.audience.kind == "me") request.audience.chats = {*ctx.user_id()};
  if (const json::value* at = d.if_contains("at"))
    request.start_at_ms = at->to_number<std::int64_t>();
  request.created_by = *ctx.user_id();
  request.language = ctx.language();
  request.progress_chat = *ctx.chat_id();
  auto hold = ctx.hold();
  // The progress message (Mailings::post_progress) is the answer; only a failure is said here.
  mailings_.create(std::move(request),
                   [this, hold](std::optional<Mailing> m, int, std::string error) {
                     if (!m) hold->reply(t(*hold, "mailing_failed_to_start", {{"error", error}}));
                   });
}

void Composer::on_callback(Context& ctx, std::string_view data) {
  if (data == "mailing:menu" || data == "mailing:new") {
    ctx.answer_callback();
    return open(ctx);
  }
  if (data.starts_with("mailing:pause:") || data.starts_with("mailing:resume:") ||
      data.starts_with("mailing:cancel:")) {
    const auto rest = data.substr(8);
    const auto colon = rest.find(':');
    ctx.answer_callback();
    mailings_.control(std::string(rest.substr(colon + 1)), std::string(rest.substr(0, colon)),
                      [](std::optional<Mailing>, int, std::string) {});
    return;
  }
  if (!has_draft(ctx)) {
    ctx.answer_callback(t(ctx, "mailing_expired"), true);
    return;
  }
  ctx.answer_callback();
  json::object& d = draft(ctx);
  const std::string step = step_of(ctx);
  if (data == "mailing:x") {
    discard(ctx);
  } else if (data == "mailing:b" && step == "audience") {
    if (d.contains("group")) {
      ctx.reply(t(ctx, "mailing_no_buttons_on_album"));
      return;
    }
    d["step"] = "buttons";
    ctx.reply(t(ctx, "mailing_ask_buttons"));
  } else if (data.starts_with("mailing:a:") && step == "audience") {
    const std::string kind(data.substr(10));
    if (kind == "all" || kind == "me") {
      d["audience"] = Audience{kind, "", {}}.to_json();
      ask_time(ctx);
    } else if (kind == "language" || kind == "tag" || kind == "active" || kind == "filter") {
      d["step"] = "value:" + kind;
      ctx.reply(t(ctx, kind == "active" ? "mailing_ask_days" : "mailing_ask_" + kind));
    }
  } else if (data == "mailing:now" && step == "time") {
    d.erase("at");
    confirm(ctx);
  } else if (data == "mailing:go" && step == "confirm") {
    go(ctx);
  }
}

}  // namespace corebot::modules::mailing
