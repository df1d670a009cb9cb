// Whether the Texts sheet covers the texts the bot will use. A module's own wording is built in
// English; a key without a row in Texts is shown in that English to every user, so a Texts
// sheet with another language but no row for a key the bot uses means those users get English.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "content/report.hpp"
#include "content/snapshot.hpp"

namespace corebot::content {

using TextKeys = std::function<std::vector<std::string>(const corebot::Content&)>;

// Adds a warning per key that `modules` will use with `snapshot` and Texts lacks, when Texts has
// a language other than English: where the row would go ("Texts!A36") and how to add it.
void check_text_keys(const ContentSnapshot& snapshot, const std::vector<TextKeys>& modules,
                     Report& report);

}  // namespace corebot::content
