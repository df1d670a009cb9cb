// A confirmed form becomes a lead: saved in the store (collection FormsModule::kLeads) and sent
// to every admin of the Admins sheet. An admin listed by @username gets it at the account the
// name is bound to (corebot/admin.hpp: the first account that wrote with it while listed), never
// at whoever holds the name now (issue 10: a name that changed hands must not carry customers'
// data with it); while the name is not bound yet, the lead is kept for it (Users::hold_message)
// and goes to the account that writes with it next, which that same message binds. A lead
// Telegram refuses to deliver to an admin who never started the bot (400 "chat not found", 403)
// is kept the same way and sent when that admin writes.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

#include "corebot/admin.hpp"
#include "corebot/context.hpp"
#include "modules/forms/fields.hpp"

namespace corebot::modules::forms {

enum class LeadOutcome {
  kAccepted,  // saved (or there is no store) and sent to the admins
  kNotSaved,  // the store failed: nothing was sent, the user may try again
};

// Saves the lead of `form` with `answers` and sends it to the admins, then calls `done` with the
// Context to reply on (the same one, possibly after the store answered). `content` must outlive
// the call: it is the Context's snapshot, kept while the Context is held.
void submit_lead(Context& ctx, const Content& content, std::vector<Field> fields,
                 boost::json::object answers, std::string form, const AdminControl* admin,
                 std::function<void(Context&, LeadOutcome)> done);

}  // namespace corebot::modules::forms
