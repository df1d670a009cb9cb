// The `forms` module: multi-step forms from the Forms sheet. A Pages button "-> form:<id>"
// starts one; each row of the sheet is one question (text, number, phone via the contact
// button, e-mail, choice buttons, date, photo), checked as the user answers; a summary asks to
// confirm; the confirmed answers are saved as a lead (store collection "forms.leads") and sent
// to every admin of Admins (by numeric id, or at the account a listed @username is bound to:
// forms/leads.hpp).
//
// The form in progress lives in the session (session()["forms"]), so it survives restarts. The
// next question is always the first field of the form (in the current content) without an
// answer, so a reload that adds, removes or reorders questions never strands a user mid-form.
#pragma once

#include "corebot/admin.hpp"
#include "corebot/module.hpp"

namespace corebot::modules {

class FormsModule final : public Module {
 public:
  static constexpr const char* kLeads = "forms.leads";

  [[nodiscard]] ModuleInfo info() const override;
  void start(ModuleServices& services) override;
  Handled on_update(Context& ctx) override;

 private:
  const AdminControl* admin_ = nullptr;  // the engine's, set by start(); null before it
};

}  // namespace corebot::modules
