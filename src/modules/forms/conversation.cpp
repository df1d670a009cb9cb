#include "modules/forms/conversation.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"
#include "modules/forms/answers.hpp"
#include "modules/forms/fields.hpp"
#include "modules/forms/leads.hpp"

namespace corebot::modules::forms {
namespace json = boost::json;

namespace {

constexpr const char* kState = "forms";  // the module's key in the session
// Verbs start with '~', which page and form ids cannot contain.
constexpr std::string_view kAnswer = kAnswerVerb;
constexpr std::string_view kSkip = "~skip";
constexpr std::string_view kCancel = "~cancel";
constexpr std::string_view kConfirm = "~ok";
constexpr std::string_view kRedo = "~redo";

std::string data(std::string_view verb) {
  return std::string(kCallbackPrefix) + ":" + std::string(verb);
}

json::object* state_of(Context& ctx) {
  auto it = ctx.session().find(kState);
  return it != ctx.session().end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string label_of(const Context& ctx, const Field& f) {
  const std::string_view label = f.row->get("label");
  return ctx.localize(label.empty() ? f.row->get("field") : label);
}

std::vector<std::string> options_of(const Context& ctx, const Field& f) {
  std::vector<std::string> out;
  for (const auto& o : split_options(f.row->get("options"))) out.push_back(ctx.localize(o));
  return out;
}

json::object menu_markup(const Context& ctx, const Content& content) {
  return {{"inline_keyboard",
           json::array{json::value(json::array{json::object{
               {"text", ctx.text("menu", "« Menu")},
               {"callback_data", std::string(kPageCallbackPrefix) + content.start_page().id}}})}}};
}

// A phone question's "Share my phone number" button lives in a reply keyboard, which stays on the
// user's screen until a message takes it away. The state remembers that it is out, so every way
// the question ends (answer, Skip, Cancel, a command, the form gone) removes it.
constexpr const char* kKeyboard = "keyboard";

bool keyboard_out(const json::object& state) {
  const json::value* v = state.if_contains(kKeyboard);
  return v && v->is_bool() && v->get_bool();
}

json::object remove_keyboard() {
  return {{"reply_markup", json::object{{"remove_keyboard", true}}}};
}

// Sends `text` with the keyboard's removal when one is out; false (nothing sent) otherwise.
bool close_keyboard(Context& ctx, json::object& state, std::string text) {
  if (!keyboard_out(state)) return false;
  state.erase(kKeyboard);
  ctx.reply(std::move(text), remove_keyboard());
  return true;
}

void end_with(Context& ctx, const Content& content, std::string text) {
  json::object* state = state_of(ctx);
  // A message has one reply markup: the keyboard's removal, then the menu button on its own.
  const bool closed = state && close_keyboard(ctx, *state, text);
  ctx.session().erase(kState);
  if (closed) text = ctx.text("form_menu_hint", "Back to the menu:");
  ctx.reply(std::move(text), {{"reply_markup", menu_markup(ctx, content)}});
}

void ask(Context& ctx, json::object& state, const Field& f) {
  json::array rows;
  if (f.type == FieldType::kChoice) {
    const auto options = options_of(ctx, f);
    for (std::size_t i = 0; i < options.size() && i < kMaxOptions; ++i) {
      rows.push_back(
          json::array{json::object{{"text", options[i]}, {"callback_data", answer_data(f.id, i)}}});
    }
  }
  json::array controls;
  if (!f.required) {
    controls.push_back(
        json::object{{"text", ctx.text("form_skip", "Skip")}, {"callback_data", data(kSkip)}});
  }
  controls.push_back(
      json::object{{"text", ctx.text("form_cancel", "Cancel")}, {"callback_data", data(kCancel)}});
  rows.push_back(std::move(controls));
  json::object markup{{"inline_keyboard", std::move(rows)}};
  std::string question = ctx.localize(f.row->get("question"));
  if (f.type == FieldType::kPhone) {
    // The contact button lives in a reply keyboard, which cannot share a message with inline
    // buttons: the hint goes in a message of its own.
    ctx.reply(std::move(question), {{"reply_markup", std::move(markup)}});
    ctx.reply(
        ctx.text("form_phone_hint", "Press the button below to share your number, or type it."),
        {{"reply_markup",
          json::object{
              {"keyboard", json::array{json::value(json::array{json::object{
                               {"text", ctx.text("form_share_phone", "📱 Share my phone number")},
                               {"request_contact", true}}})}},
              {"resize_keyboard", true},
              {"one_time_keyboard", true}}}});
    state[kKeyboard] = true;
    return;
  }
  ctx.reply(std::move(question), {{"reply_markup", std::move(markup)}});
}

void show_summary(Context& ctx, const std::vector<Field>& fields, json::object& state) {
  state["stage"] = "confirm";
  const json::object& answers = state["answers"].as_object();
  std::string text = ctx.text("form_summary", "Please check your answers:") + "\n";
  for (const Field& f : fields) {
    const json::value* v = answers.if_contains(f.id);
    std::string value = "—";
    if (v && v->is_string()) {
      value = f.type == FieldType::kPhoto ? ctx.text("form_photo", "(photo)")
                                          : std::string(v->get_string());
    }
    text += "\n" + label_of(ctx, f) + ": " + value;
  }
  json::object markup{
      {"inline_keyboard",
       json::array{json::array{json::object{{"text", ctx.text("form_confirm", "✅ Send")},
                                            {"callback_data", data(kConfirm)}},
                               json::object{{"text", ctx.text("form_redo", "Start over")},
                                            {"callback_data", data(kRedo)}}},
                   json::array{json::object{{"text", ctx.text("form_cancel", "Cancel")},
                                            {"callback_data", data(kCancel)}}}}}};
  // Long answers can make the summary longer than a message may be: the buttons go with its last
  // part.
  auto parts = utf8::split(text);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) ctx.reply(std::move(parts[i]));
  ctx.reply(std::move(parts.back()), {{"reply_markup", std::move(markup)}});
}

// Asks the next question or, when every field has an answer, shows the summary.
void advance(Context& ctx, const Content& content, json::object& state) {
  const auto fields = fields_of(content, str(state, "form"));
  if (fields.empty()) {
    return end_with(
        ctx, content,
        ctx.text("form_gone", "This form has changed. Please start again from the menu."));
  }
  if (!state["answers"].is_object()) state["answers"] = json::object{};
  if (const Field* f = next_field(fields, state["answers"].as_object())) {
    state["stage"] = "asking";
    return ask(ctx, state, *f);
  }
  show_summary(ctx, fields, state);
}

void start(Context& ctx, const Content& content, std::string form) {
  // A form started again from an older menu while a phone question waited: that form is over.
  if (json::object* old = state_of(ctx)) {
    close_keyboard(ctx, *old, ctx.text("form_cancelled", "The form was cancelled."));
  }
  json::object& state = ctx.session()[kState].emplace_object();
  state = {{"form", std::move(form)}, {"answers", json::object{}}, {"stage", "asking"}};
  advance(ctx, content, state);
}

void confirm(Context& ctx, const Content& content, json::object& state, const AdminControl* admin) {
  std::string form = str(state, "form");
  auto fields = fields_of(content, form);
  if (fields.empty()) {
    return end_with(
        ctx, content,
        ctx.text("form_gone", "This form has changed. Please start again from the menu."));
  }
  json::object answers =
      state["answers"].is_object() ? state["answers"].as_object() : json::object{};
  if (next_field(fields, answers)) return advance(ctx, content, state);  // a reload added one
  submit_lead(ctx, content, std::move(fields), std::move(answers), std::move(form), admin,
              [&content](Context& c, LeadOutcome outcome) {
                if (outcome == LeadOutcome::kNotSaved) {
                  c.reply(c.text("form_error",
                                 "Sorry, your request could not be saved. Please press Send "
                                 "again in a minute."));
                  return;
                }
                end_with(c, content,
                         c.text("form_done",
                                "Thank you! We have received your request and will reply soon."));
              });
}

// A message while a form waits for an answer.
Handled on_message(Context& ctx, const Content& content, json::object& state) {
  const auto fields = fields_of(content, str(state, "form"));
  if (fields.empty()) {
    end_with(ctx, content,
             ctx.text("form_gone", "This form has changed. Please start again from the menu."));
    return Handled::kStop;
  }
  // Sessions come from the store: never trust their shape.
  if (!state["answers"].is_object()) state["answers"] = json::object{};
  if (str(state, "stage") == "confirm") {
    if (next_field(fields, state["answers"].as_object())) {
      advance(ctx, content, state);  // a reload added a question: ask it
    } else {
      ctx.reply(ctx.text("form_confirm_hint", "Please press Send, Start over or Cancel above."));
    }
    return Handled::kStop;
  }
  const Field* f = next_field(fields, state["answers"].as_object());
  if (!f) {
    show_summary(ctx, fields, state);
    return Handled::kStop;
  }
  const json::object& message = ctx.update().at("message").as_object();
  Checked checked;
  bool from_contact = false;
  if (f->type == FieldType::kPhoto) {
    const json::value* photo = message.if_contains("photo");
    if (photo && photo->is_array() && !photo->get_array().empty() &&
        photo->get_array().back().is_object()) {
      // Telegram lists sizes from small to large: keep the largest.
      const json::object& size = photo->get_array().back().get_object();
      checked = {true, str(size, "file_id"), {}, {}};
      if (checked.value.empty()) checked = check_answer(FieldType::kPhoto, "");
    } else {
      checked = check_answer(FieldType::kPhoto, "");
    }
  } else if (const json::value* contact = message.if_contains("contact");
             f->type == FieldType::kPhone && contact && contact->is_object()) {
    checked = check_answer(FieldType::kPhone, str(contact->get_object(), "phone_number"));
    from_contact = true;
  } else {
    checked = check_answer(f->type, ctx.text(), options_of(ctx, *f));
  }
  if (!checked.ok) {
    ctx.reply(ctx.text(checked.problem, checked.fallback));
    return Handled::kStop;
  }
  state["answers"].as_object()[f->id] = checked.value;
  if (f->type == FieldType::kPhone || from_contact) {
    // Take the contact keyboard away again (also for a session from before the flag existed).
    state.erase(kKeyboard);
    ctx.reply(ctx.text("form_saved", "Thank you!"), remove_keyboard());
  }
  advance(ctx, content, state);
  return Handled::kStop;
}

Handled on_callback(Context& ctx, const Content& content, const AdminControl* admin) {
  std::string_view arg =
      ctx.callback_data().substr(std::min(ctx.callback_data().size(), kCallbackPrefix.size() + 1));
  json::object* state = state_of(ctx);
  const std::string stale = ctx.text("form_stale", "This question was already answered.");

  if (arg.empty() || arg[0] != '~') {  // "form:<id>": start that form
    const std::string form = ascii::lower(arg);
    if (arg.size() > 64 || fields_of(content, form).empty()) {
      ctx.answer_callback(ctx.text("stale_button", "This button is out of date. Send /start."));
      return Handled::kStop;
    }
    ctx.answer_callback();
    start(ctx, content, form);
    return Handled::kStop;
  }
  if (arg == kCancel) {
    if (!state) {
      // The Cancel of a form that already ended (sent, cancelled, left): say so.
      ctx.answer_callback(ctx.text("form_closed", "This form is already closed."));
      return Handled::kStop;
    }
    ctx.answer_callback();
    end_with(ctx, content, ctx.text("form_cancelled", "The form was cancelled."));
    return Handled::kStop;
  }
  if (!state) {
    ctx.answer_callback(stale);
    return Handled::kStop;
  }
  if (arg == kRedo) {
    ctx.answer_callback();
    start(ctx, content, str(*state, "form"));
    return Handled::kStop;
  }
  if (arg == kConfirm) {
    if (str(*state, "stage") != "confirm") {
      ctx.answer_callback(stale);
      return Handled::kStop;
    }
    ctx.answer_callback();
    confirm(ctx, content, *state, admin);
    return Handled::kStop;
  }
  const auto fields = fields_of(content, str(*state, "form"));
  if (!(*state)["answers"].is_object()) (*state)["answers"] = json::object{};
  const Field* f = fields.empty() ? nullptr : next_field(fields, (*state)["answers"].as_object());
  if (!f || str(*state, "stage") != "asking") {
    ctx.answer_callback(stale);
    return Handled::kStop;
  }
  if (arg == kSkip) {
    if (f->required) {
      ctx.answer_callback(stale);
      return Handled::kStop;
    }
    ctx.answer_callback();
    (*state)["answers"].as_object()[f->id] = nullptr;
    close_keyboard(ctx, *state, ctx.text("form_skipped", "Skipped."));
    advance(ctx, content, *state);
    return Handled::kStop;
  }
  if (arg.substr(0, kAnswer.size()) == kAnswer) {
    // "~a:<field>:<index>" for a choice button; only the question being asked accepts it.
    std::string_view rest = arg.substr(kAnswer.size());
    const auto colon = rest.rfind(':');
    const auto options = options_of(ctx, *f);
    std::size_t index = options.size();
    if (colon != std::string_view::npos && rest.substr(0, colon) == f->id) {
      const std::string_view n = rest.substr(colon + 1);
      if (!n.empty() && n.size() <= 3 &&
          n.find_first_not_of("0123456789") == std::string_view::npos) {
        index = std::stoul(std::string(n));
      }
    }
    if (f->type != FieldType::kChoice || index >= options.size()) {
      ctx.answer_callback(stale);
      return Handled::kStop;
    }
    ctx.answer_callback();
    (*state)["answers"].as_object()[f->id] = options[index];
    // Leave the chosen answer visible on the question, without its buttons.
    ctx.edit_text(ctx.callback_message_id(),
                  ctx.localize(f->row->get("question")) + "\n\n✓ " + options[index]);
    advance(ctx, content, *state);
    return Handled::kStop;
  }
  ctx.answer_callback(stale);
  return Handled::kStop;
}

}  // namespace

namespace {

// Whether a message carries something the user sent (which a question may take as its answer),
// as opposed to a service message Telegram adds to the chat: a successful_payment in the middle
// of a form belongs to the shop, and taking it as a wrong answer would lose the payment's record.
bool from_the_user(const Context& ctx) {
  static constexpr std::string_view kUserContent[] = {
      "text",  "photo",     "contact",    "document", "sticker", "video", "voice",
      "audio", "animation", "video_note", "location", "venue",   "poll",  "dice"};
  const json::value* message = ctx.update().if_contains("message");
  if (!message || !message->is_object()) return false;
  for (std::string_view key : kUserContent) {
    if (message->get_object().contains(key)) return true;
  }
  return false;
}

}  // namespace

Handled converse(Context& ctx, const AdminControl* admin) {
  const Content* content = ctx.content();
  if (ctx.kind() == "callback_query") {
    if (!content) {
      ctx.answer_callback();
      return Handled::kStop;
    }
    return on_callback(ctx, *content, admin);
  }
  json::object* state = state_of(ctx);
  if (ctx.command() == "cancel") {
    if (state && content) {
      end_with(ctx, *content, ctx.text("form_cancelled", "The form was cancelled."));
    } else {
      ctx.session().erase(kState);
      ctx.reply(ctx.text("form_nothing", "There is nothing to cancel."));
    }
    return Handled::kStop;
  }
  // Any other command (/start, /help, one nobody owns) means the user has left the form: the
  // next message must not be taken as an answer. The command goes on to its module.
  if (!ctx.command().empty()) {
    if (state) {
      close_keyboard(ctx, *state, ctx.text("form_cancelled", "The form was cancelled."));
      ctx.session().erase(kState);
    }
    return Handled::kContinue;
  }
  if (!state || !content || ctx.kind() != "message" || !from_the_user(ctx)) {
    return Handled::kContinue;
  }
  return on_message(ctx, *content, *state);
}

}  // namespace corebot::modules::forms
