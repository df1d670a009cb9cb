// What the forms module declares about content: the Forms sheet's columns, and the cross-row
// rules a load checks (duplicate fields, choice options, Pages buttons naming unknown forms).
#pragma once

#include <string>
#include <vector>

#include "corebot/content.hpp"

namespace corebot::modules::forms {

// The Forms sheet: form, field, question, type, options, required, label.
ContentSheet forms_sheet();

// The problems of the Forms sheet and of the Pages buttons that start forms; errors block a load.
std::vector<ContentProblem> check_forms(const Content& content);

// The Texts keys the conversation will use with this content (ModuleInfo::text_keys): none
// without a form; the complaints only for the question types the forms have.
std::vector<std::string> text_keys(const Content& content);

}  // namespace corebot::modules::forms
