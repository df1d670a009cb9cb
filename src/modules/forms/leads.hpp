// A confirmed form becomes a lead: saved in the store (collection FormsModule::kLeads) and sent
// to every admin of the Admins sheet, those listed by @username once they have written to the
// bot. A lead Telegram refuses to deliver to an admin who never started the bot (400 "chat not
// found", 403) is kept (Users::hold_message) and sent when that admin writes.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

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
                 boost::json::object answers, std::string form,
                 std::function<void(Context&, LeadOutcome)> done);

}  // namespace corebot::modules::forms
