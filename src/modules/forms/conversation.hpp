// The conversation of a form: starting it from a "form:<id>" button, asking each question,
// checking the answers, the summary with Send / Start over / Cancel, and /cancel.
//
// The form in progress lives in the session (session()["forms"]), so it survives restarts. The
// next question is always the first field of the form (in the current content) without an
// answer, so a reload that adds, removes or reorders questions never strands a user mid-form.
#pragma once

#include "corebot/admin.hpp"
#include "corebot/context.hpp"
#include "corebot/module.hpp"

namespace corebot::modules::forms {

// Handles one update for the forms module (FormsModule::on_update). `admin` (may be null: no
// @username is bound yet) tells which account each admin listed by @username is bound to.
Handled converse(Context& ctx, const AdminControl* admin);

}  // namespace corebot::modules::forms
