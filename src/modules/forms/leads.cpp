#include "modules/forms/leads.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <set>
#include <utility>

#include "corebot/store.hpp"
#include "corebot/users.hpp"
#include "modules/forms/forms_module.hpp"

namespace corebot::modules::forms {
namespace json = boost::json;

namespace {

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

json::object make_lead(const Context& ctx, const std::string& form, const json::object& answers) {
  // Keyed by the update that confirmed it: Telegram re-delivers an update whose handling a crash
  // interrupted, and the re-delivered "Send" must not make a second lead.
  return {{"_id",
           "u" + std::to_string(ctx.update_id()) + ":" + std::to_string(ctx.user_id().value_or(0))},
          {"form", form},
          {"chat_id", ctx.chat_id().value_or(0)},
          {"user_id", ctx.user_id().value_or(0)},
          {"username", user_field(ctx, "username")},
          {"first_name", user_field(ctx, "first_name")},
          {"language", ctx.language()},
          {"answers", answers},
          {"created_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()}};
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
// bot's users (corebot/users.hpp) tell their id, i.e. once they have written to the bot (Telegram
// lets a bot write only to users who started it, and only by id).
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
  std::vector<std::string> usernames;
  for (const Admin& admin : content.admins()) {
    if (admin.user_id != 0 && sent.insert(admin.user_id).second) {
      send_lead(ctx, admin.user_id, text, photos);
    } else if (admin.user_id == 0 && !admin.username.empty()) {
      usernames.push_back(admin.username);
    }
  }
  Users* users = ctx.users();
  if (usernames.empty() || !users) return;
  // Whoever holds the @username now (Users resolves a name that changed hands to its newest
  // holder). A failed lookup sends nothing more: the lead is saved in forms.leads either way.
  auto already = std::make_shared<std::set<std::int64_t>>(std::move(sent));
  for (const std::string& name : usernames) {
    users->find_by_username(name, [hold = ctx.hold(), text, photos, already](
                                      std::optional<UserRecord> user, const std::string& error) {
      if (!error.empty() || !user || !already->insert(user->id).second) return;
      send_lead(*hold, user->id, text, photos);
    });
  }
}

}  // namespace

void submit_lead(Context& ctx, const Content& content, std::vector<Field> fields,
                 json::object answers, std::string form,
                 std::function<void(Context&, LeadOutcome)> done) {
  AsyncStore* store = ctx.store();
  if (!store) {
    notify_admins(ctx, content, fields, answers, form);
    return done(ctx, LeadOutcome::kAccepted);
  }
  // Built before the callbacks below take `form` and `answers` (argument order is unspecified).
  json::object lead = make_lead(ctx, form, answers);
  // The snapshot pointer stays valid: Context keeps it for the whole update, and the hold keeps
  // the Context until the store has answered.
  store->run(
      [lead = std::move(lead)](DocumentStore& s) {
        try {
          s.collection(FormsModule::kLeads).insert_one(lead);
        } catch (const StoreError& e) {
          // Saved before a crash; the admins are told again (a repeat beats a loss).
          if (e.kind() != StoreErrorKind::kDuplicateKey) throw;
        }
      },
      [hold = ctx.hold(), &content, fields = std::move(fields), answers = std::move(answers),
       form = std::move(form), done = std::move(done)](StoreResult<std::monostate> r) {
        Context& c = *hold;
        if (!r) return done(c, LeadOutcome::kNotSaved);
        notify_admins(c, content, fields, answers, form);
        done(c, LeadOutcome::kAccepted);
      });
}

}  // namespace corebot::modules::forms
