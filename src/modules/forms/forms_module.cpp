#include "modules/forms/forms_module.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <set>

#include "corebot/store.hpp"
#include "modules/forms/answers.hpp"

namespace corebot::modules {
namespace json = boost::json;
using forms::FieldType;

namespace {

constexpr std::string_view kPrefix = "form";
constexpr const char* kSheet = "Forms";
constexpr const char* kState = "forms";  // the module's key in the session
// Verbs start with '~', which page and form ids cannot contain.
constexpr std::string_view kAnswer = "~a:";
constexpr std::string_view kSkip = "~skip";
constexpr std::string_view kCancel = "~cancel";
constexpr std::string_view kConfirm = "~ok";
constexpr std::string_view kRedo = "~redo";
constexpr std::size_t kMaxOptions = 20;
// The engine's record of everyone who wrote to the bot (src/app/user_tracker.hpp): `_id` is the
// Telegram user id, `username_lc` the @username in lower case.
constexpr const char* kUsers = "users";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string data(std::string_view verb) { return std::string(kPrefix) + ":" + std::string(verb); }

struct Field {
  const ContentRow* row;
  std::string id;  // lowercase
  FieldType type;
  bool required;
};

// The fields of a form, in sheet order; empty when the content has no such form.
std::vector<Field> fields_of(const Content& content, std::string_view form) {
  std::vector<Field> out;
  for (const ContentRow& row : content.rows(kSheet)) {
    if (lower(row.get("form")) != form) continue;
    const std::string_view required = row.get("required");
    out.push_back({&row, lower(row.get("field")),
                   forms::parse_field_type(row.get("type")).value_or(FieldType::kText),
                   !(required == "no" || required == "false" || required == "0" ||
                     required == "off" || lower(required) == "no")});
  }
  return out;
}

json::object* state_of(Context& ctx) {
  auto it = ctx.session().find(kState);
  return it != ctx.session().end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The first field without an answer; nullptr when all are answered.
const Field* next_field(const std::vector<Field>& fields, const json::object& answers) {
  for (const Field& f : fields) {
    if (!answers.contains(f.id)) return &f;
  }
  return nullptr;
}

std::string label_of(const Context& ctx, const Field& f) {
  const std::string_view label = f.row->get("label");
  return ctx.localize(label.empty() ? f.row->get("field") : label);
}

std::vector<std::string> options_of(const Context& ctx, const Field& f) {
  std::vector<std::string> out;
  for (const auto& o : forms::split_options(f.row->get("options"))) out.push_back(ctx.localize(o));
  return out;
}

json::object menu_markup(const Context& ctx, const Content& content) {
  return {{"inline_keyboard",
           json::array{json::array{json::object{
               {"text", ctx.text("menu", "« Menu")},
               {"callback_data", std::string(kPageCallbackPrefix) + content.start_page().id}}}}}};
}

void end_with(Context& ctx, const Content& content, std::string text) {
  ctx.session().erase(kState);
  ctx.reply(std::move(text), {{"reply_markup", menu_markup(ctx, content)}});
}

void ask(Context& ctx, const Field& f) {
  json::array rows;
  if (f.type == FieldType::kChoice) {
    const auto options = options_of(ctx, f);
    for (std::size_t i = 0; i < options.size() && i < kMaxOptions; ++i) {
      rows.push_back(json::array{
          json::object{{"text", options[i]},
                       {"callback_data", data(kAnswer) + f.id + ":" + std::to_string(i)}}});
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
              {"keyboard", json::array{json::array{json::object{
                               {"text", ctx.text("form_share_phone", "📱 Share my phone number")},
                               {"request_contact", true}}}}},
              {"resize_keyboard", true},
              {"one_time_keyboard", true}}}});
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
  ctx.reply(std::move(text), {{"reply_markup", std::move(markup)}});
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
    return ask(ctx, *f);
  }
  show_summary(ctx, fields, state);
}

void start(Context& ctx, const Content& content, std::string form) {
  json::object& state = ctx.session()[kState].emplace_object();
  state = {{"form", std::move(form)}, {"answers", json::object{}}, {"stage", "asking"}};
  advance(ctx, content, state);
}

std::string user_field(const Context& ctx, std::string_view key) {
  for (const char* kind : {"message", "callback_query"}) {
    const json::value* body = ctx.update().if_contains(kind);
    const json::value* from =
        body && body->is_object() ? body->get_object().if_contains("from") : nullptr;
    if (from && from->is_object()) {
      if (const json::value* v = from->get_object().if_contains(key); v && v->is_string()) {
        return std::string(v->get_string());
      }
    }
  }
  return {};
}

using Photos = std::vector<std::pair<std::string, std::string>>;  // label, file id

void send_lead(Context& ctx, std::int64_t chat_id, const std::string& text, const Photos& photos) {
  ctx.sender().call("sendMessage", {{"chat_id", chat_id}, {"text", text}}, Priority::kNotification);
  for (const auto& [label, file] : photos) {
    ctx.sender().call("sendPhoto", {{"chat_id", chat_id}, {"photo", file}, {"caption", label}},
                      Priority::kNotification);
  }
}

// Sends the lead to every admin: those listed by id at once; those listed by @username once the
// store's `users` tells their id, i.e. once they have written to the bot (Telegram lets a bot
// write only to users who started it, and only by id).
void notify_admins(Context& ctx, const Content& content, const std::vector<Field>& fields,
                   const json::object& answers, const std::string& form) {
  std::string who = user_field(ctx, "first_name");
  if (auto u = user_field(ctx, "username"); !u.empty()) who += " @" + u;
  if (ctx.user_id()) who += " (id " + std::to_string(*ctx.user_id()) + ")";
  std::string text = "New request (" + form + ") from " + who + ":\n";
  Photos photos;
  for (const Field& f : fields) {
    const json::value* v = answers.if_contains(f.id);
    // Admins read the owner's default language, whatever the user's.
    const std::string_view raw =
        f.row->get("label").empty() ? f.row->get("field") : f.row->get("label");
    const std::string label(content.has_text(raw) ? content.text(raw, content.default_language())
                                                  : raw);
    if (!v || !v->is_string()) {
      text += "\n" + label + ": —";
    } else if (f.type == FieldType::kPhoto) {
      text += "\n" + label + ": (photo below)";
      photos.emplace_back(label, std::string(v->get_string()));
    } else {
      text += "\n" + label + ": " + std::string(v->get_string());
    }
  }
  std::set<std::int64_t> sent;
  json::array usernames;
  for (const Admin& admin : content.admins()) {
    if (admin.user_id != 0 && sent.insert(admin.user_id).second) {
      send_lead(ctx, admin.user_id, text, photos);
    } else if (admin.user_id == 0 && !admin.username.empty()) {
      usernames.emplace_back(admin.username);
    }
  }
  AsyncStore* store = ctx.store();
  if (usernames.empty() || !store) return;
  store->run(
      [usernames](DocumentStore& s) {
        return s.collection(kUsers).find(json::object{{"username_lc", {{"$in", usernames}}}});
      },
      [hold = ctx.hold(), text, photos, sent](StoreResult<std::vector<json::object>> found) {
        if (!found) return;  // the lead is in forms.leads; the id admins have it
        for (const json::object& user : found.value()) {
          const json::value* id = user.if_contains("_id");
          if (id && id->is_int64() && !sent.contains(id->as_int64())) {
            send_lead(*hold, id->as_int64(), text, photos);
          }
        }
      });
}

void confirm(Context& ctx, const Content& content, json::object& state) {
  const std::string form = str(state, "form");
  const auto fields = fields_of(content, form);
  if (fields.empty()) {
    return end_with(
        ctx, content,
        ctx.text("form_gone", "This form has changed. Please start again from the menu."));
  }
  json::object answers =
      state["answers"].is_object() ? state["answers"].as_object() : json::object{};
  if (next_field(fields, answers)) return advance(ctx, content, state);  // a reload added one
  json::object lead{{"form", form},
                    {"chat_id", ctx.chat_id().value_or(0)},
                    {"user_id", ctx.user_id().value_or(0)},
                    {"username", user_field(ctx, "username")},
                    {"first_name", user_field(ctx, "first_name")},
                    {"language", ctx.language()},
                    {"answers", answers},
                    {"created_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count()}};
  auto thanks = [&ctx, &content] {
    end_with(
        ctx, content,
        ctx.text("form_done", "Thank you! We have received your request and will reply soon."));
  };
  AsyncStore* store = ctx.store();
  if (!store) {
    notify_admins(ctx, content, fields, answers, form);
    return thanks();
  }
  // The snapshot pointer stays valid: Context keeps it for the whole update, and the hold keeps
  // the Context until the store has answered.
  store->run(
      [lead](DocumentStore& s) { return s.collection(FormsModule::kLeads).insert_one(lead); },
      [hold = ctx.hold(), &content, fields, answers, form](StoreResult<json::value> r) {
        Context& c = *hold;
        if (!r) {
          c.reply(c.text("form_error",
                         "Sorry, your request could not be saved. Please press Send again in a "
                         "minute."));
          return;
        }
        notify_admins(c, content, fields, answers, form);
        end_with(
            c, content,
            c.text("form_done", "Thank you! We have received your request and will reply soon."));
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
  forms::Checked checked;
  bool from_contact = false;
  if (f->type == FieldType::kPhoto) {
    const json::value* photo = message.if_contains("photo");
    if (photo && photo->is_array() && !photo->get_array().empty() &&
        photo->get_array().back().is_object()) {
      // Telegram lists sizes from small to large: keep the largest.
      const json::object& size = photo->get_array().back().get_object();
      checked = {true, str(size, "file_id"), {}, {}};
      if (checked.value.empty()) checked = forms::check_answer(FieldType::kPhoto, "");
    } else {
      checked = forms::check_answer(FieldType::kPhoto, "");
    }
  } else if (const json::value* contact = message.if_contains("contact");
             f->type == FieldType::kPhone && contact && contact->is_object()) {
    checked = forms::check_answer(FieldType::kPhone, str(contact->get_object(), "phone_number"));
    from_contact = true;
  } else {
    checked = forms::check_answer(f->type, ctx.text(), options_of(ctx, *f));
  }
  if (!checked.ok) {
    ctx.reply(ctx.text(checked.problem, checked.fallback));
    return Handled::kStop;
  }
  state["answers"].as_object()[f->id] = checked.value;
  if (f->type == FieldType::kPhone || from_contact) {
    // Take the contact keyboard away again.
    ctx.reply(ctx.text("form_saved", "Thank you!"),
              {{"reply_markup", json::object{{"remove_keyboard", true}}}});
  }
  advance(ctx, content, state);
  return Handled::kStop;
}

Handled on_callback(Context& ctx, const Content& content) {
  std::string_view arg =
      ctx.callback_data().substr(std::min(ctx.callback_data().size(), kPrefix.size() + 1));
  json::object* state = state_of(ctx);
  const std::string stale = ctx.text("form_stale", "This question was already answered.");

  if (arg.empty() || arg[0] != '~') {  // "form:<id>": start that form
    const std::string form = lower(arg);
    if (arg.size() > 64 || fields_of(content, form).empty()) {
      ctx.answer_callback(ctx.text("stale_button", "This button is out of date. Send /start."));
      return Handled::kStop;
    }
    ctx.answer_callback();
    start(ctx, content, form);
    return Handled::kStop;
  }
  if (arg == kCancel) {
    ctx.answer_callback();
    if (!state) return Handled::kStop;
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
    confirm(ctx, content, *state);
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

std::vector<ContentProblem> check_forms(const Content& content) {
  std::vector<ContentProblem> problems;
  std::map<std::string, std::map<std::string, std::string>> seen;  // form -> field -> cell
  for (const ContentRow& row : content.rows(kSheet)) {
    const std::string form = lower(row.get("form"));
    const std::string field = lower(row.get("field"));
    auto [it, fresh] = seen[form].emplace(field, row.cell("field"));
    if (!fresh) {
      problems.push_back({true, row.sheet, row.cell("field"),
                          "the field \"" + field + "\" appears twice in form \"" + form +
                              "\" (also in " + it->second + ")",
                          "give every question of a form its own field name"});
    }
    if (field.size() > 30) {
      problems.push_back({true, row.sheet, row.cell("field"),
                          "the field name \"" + field + "\" is longer than 30 characters",
                          "use a shorter field name"});
    }
    const auto type = forms::parse_field_type(row.get("type"));
    const auto options = forms::split_options(row.get("options"));
    if (type == FieldType::kChoice && options.empty()) {
      problems.push_back({true, row.sheet, row.cell("options"),
                          "the choice question \"" + field + "\" has no options",
                          "write the options, one per line or separated by |"});
    }
    if (options.size() > kMaxOptions) {
      problems.push_back({true, row.sheet, row.cell("options"),
                          "the question \"" + field + "\" has " + std::to_string(options.size()) +
                              " options; at most 20 fit",
                          "keep the list shorter"});
    }
    for (const auto& o : options) {
      if (o.size() > 120) {
        problems.push_back({true, row.sheet, row.cell("options"),
                            "an option of \"" + field + "\" is too long for a button",
                            "keep each option under 64 characters"});
        break;
      }
    }
    if (type != FieldType::kChoice && !options.empty()) {
      problems.push_back({false, row.sheet, row.cell("options"),
                          "options are used only by choice questions; \"" + field + "\" is " +
                              std::string(row.get("type").empty() ? "text" : row.get("type")),
                          "set the type to choice, or clear the options"});
    }
  }
  const std::string prefix = std::string(kPrefix) + ":";
  for (const Page& page : content.pages()) {
    for (const auto& r : page.keyboard) {
      for (const auto& b : r) {
        if (b.kind != Button::Kind::kAction || b.target.rfind(prefix, 0) != 0) continue;
        const std::string form = b.target.substr(prefix.size());
        if (seen.count(form)) continue;
        const auto bang = page.source.find('!');
        problems.push_back({true, page.source.substr(0, bang),
                            bang == std::string::npos ? "" : page.source.substr(bang + 1),
                            "button \"" + b.text + "\" of page \"" + page.id + "\" starts form \"" +
                                form + "\", which is not in the Forms sheet",
                            "add the form's questions to Forms or correct the id"});
      }
    }
  }
  return problems;
}

}  // namespace

ModuleInfo FormsModule::info() const {
  ModuleInfo info;
  info.name = "forms";
  info.version = "1.0";
  info.commands = {{"cancel", "Cancel the form in progress"}};
  info.callback_prefix = std::string(kPrefix);
  info.update_kinds = {"message"};
  info.sees_all_commands = true;  // /start and the like end a form in progress
  info.page_buttons = true;
  info.sheets = {ContentSheet{
      .name = kSheet,
      .required = false,
      .columns = {
          {.name = "form", .type = ColumnType::kId, .required = true, .max_length = 40},
          {.name = "field", .type = ColumnType::kId, .required = true, .max_length = 30},
          {.name = "question", .type = ColumnType::kText, .required = true, .max_length = 4000},
          {.name = "type", .type = ColumnType::kEnum, .choices = forms::field_type_names()},
          {.name = "options", .type = ColumnType::kText},
          {.name = "required", .type = ColumnType::kBoolean},
          {.name = "label", .type = ColumnType::kText, .max_length = 60}}}};
  info.content_check = check_forms;
  return info;
}

Handled FormsModule::on_update(Context& ctx) {
  const Content* content = ctx.content();
  if (ctx.kind() == "callback_query") {
    if (!content) {
      ctx.answer_callback();
      return Handled::kStop;
    }
    return on_callback(ctx, *content);
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
    if (state) ctx.session().erase(kState);
    return Handled::kContinue;
  }
  if (!state || !content || ctx.kind() != "message") {
    return Handled::kContinue;
  }
  return on_message(ctx, *content, *state);
}

}  // namespace corebot::modules
