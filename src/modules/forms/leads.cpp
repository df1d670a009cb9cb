#include "modules/forms/leads.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "corebot/ascii.hpp"
#include "corebot/sender_name.hpp"
#include "corebot/store.hpp"
#include "corebot/users.hpp"
#include "corebot/utf8.hpp"
#include "modules/forms/forms_module.hpp"

namespace corebot::modules::forms {
namespace json = boost::json;

namespace {

json::object make_lead(const Context& ctx, const std::string& form, const json::object& answers) {
  // Keyed by the update that confirmed it: Telegram re-delivers an update whose handling a crash
  // interrupted, and the re-delivered "Send" must not make a second lead.
  return {{"_id",
           "u" + std::to_string(ctx.update_id()) + ":" + std::to_string(ctx.user_id().value_or(0))},
          {"form", form},
          {"chat_id", ctx.chat_id().value_or(0)},
          {"user_id", ctx.user_id().value_or(0)},
          {"username", std::string(ctx.username())},
          {"first_name", sender_first_name(ctx)},
          {"language", ctx.language()},
          {"answers", answers},
          {"created_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()}};
}

using Photos = std::vector<std::pair<std::string, std::string>>;  // label, file id

// One admin the lead goes to: by id, or by @username while the bot does not know their id.
struct Recipient {
  std::int64_t id = 0;
  std::string username;
  std::string label;  // for the log: "admin Anna (id 1009)"
};

std::string describe(const Admin& admin) {
  std::string who = admin.name.empty() ? std::string("admin") : "admin " + admin.name;
  return who + (admin.user_id != 0 ? " (id " + std::to_string(admin.user_id) + ")"
                                   : " (@" + admin.username + ")");
}

// Telegram refuses a bot's first message to someone who never started it (400 "chat not found")
// or who blocked it (403): such a lead is kept and sent when the admin writes to the bot.
bool unreachable(const CallResult& r) {
  return r.error_code == 403 ||
         (r.error_code == 400 && r.description.find("chat not found") != std::string::npos);
}

void keep_for_later(Users* users, const Recipient& to, std::string method, json::object params,
                    std::string reason) {
  if (!users) return;
  params.erase("chat_id");
  users->hold_message(HeldMessage{.user_id = to.id,
                                  .username = to.username,
                                  .method = std::move(method),
                                  .params = std::move(params),
                                  .recipient = to.label,
                                  .reason = std::move(reason)});
}

std::vector<std::pair<std::string, json::object>> lead_calls(const std::string& text,
                                                             const Photos& photos) {
  std::vector<std::pair<std::string, json::object>> calls;
  // Long answers can make the lead longer than a message may be: it goes in several.
  for (std::string& part : utf8::split(text)) {
    calls.emplace_back("sendMessage", json::object{{"text", std::move(part)}});
  }
  for (const auto& [label, file] : photos) {
    calls.emplace_back("sendPhoto", json::object{{"photo", file}, {"caption", label}});
  }
  return calls;
}

void send_lead(Context& ctx, const Recipient& to, const std::string& text, const Photos& photos) {
  Users* users = ctx.users();
  for (auto& call : lead_calls(text, photos)) {
    std::string method = call.first;
    if (to.id == 0) {  // never wrote: nothing to send to yet
      keep_for_later(users, to, std::move(method), std::move(call.second),
                     "they have never written to the bot");
      continue;
    }
    json::object params = call.second;
    params["chat_id"] = to.id;
    ctx.sender().call(method, std::move(params), Priority::kNotification,
                      [users, to, method, kept = std::move(call.second)](const CallResult& r) {
                        if (r.ok) return;
                        if (unreachable(r))
                          return keep_for_later(users, to, method, kept, r.description);
                        // Anything else was retried by the outbox; the lead stays in forms.leads.
                      });
  }
}

// Sends the lead to every admin: those listed by id at once; those listed by @username once the
// bot's users (corebot/users.hpp) tell their id, i.e. once they have written to the bot (Telegram
// lets a bot write only to users who started it, and only by id). What cannot reach an admin is
// kept by Users::hold_message and sent when they write.
void notify_admins(Context& ctx, const Content& content, const std::vector<Field>& fields,
                   const json::object& answers, const std::string& form,
                   const AdminControl* admin_control) {
  std::string who = sender_first_name(ctx);
  if (!ctx.username().empty()) who += " @" + std::string(ctx.username());
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
  std::map<std::string, std::int64_t> bound;  // lowercase @username -> the account bound to it
  if (admin_control) {
    for (const AdminBinding& b : admin_control->bindings()) bound[b.username] = b.user_id;
  }
  std::set<std::int64_t> sent;
  std::set<std::string> kept;
  for (const Admin& admin : content.admins()) {
    if (admin.user_id != 0) {
      if (sent.insert(admin.user_id).second) {
        send_lead(ctx, Recipient{admin.user_id, {}, describe(admin)}, text, photos);
      }
      continue;
    }
    if (admin.username.empty()) continue;
    const std::string name = ascii::lower(admin.username);
    if (auto it = bound.find(name); it != bound.end()) {
      if (sent.insert(it->second).second) {
        send_lead(ctx, Recipient{it->second, admin.username, describe(admin)}, text, photos);
      }
    } else if (kept.insert(name).second) {
      // Not bound: nobody has written with the name since it was listed. Kept for the next
      // account that does, which that message binds; the lead is in forms.leads either way.
      send_lead(ctx, Recipient{0, admin.username, describe(admin)}, text, photos);
    }
  }
}

}  // namespace

void submit_lead(Context& ctx, const Content& content, std::vector<Field> fields,
                 json::object answers, std::string form, const AdminControl* admin,
                 std::function<void(Context&, LeadOutcome)> done) {
  AsyncStore* store = ctx.store();
  if (!store) {
    notify_admins(ctx, content, fields, answers, form, admin);
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
       form = std::move(form), admin, done = std::move(done)](StoreResult<std::monostate> r) {
        Context& c = *hold;
        if (!r) return done(c, LeadOutcome::kNotSaved);
        notify_admins(c, content, fields, answers, form, admin);
        done(c, LeadOutcome::kAccepted);
      });
}

}  // namespace corebot::modules::forms
