// The example rows of the starter workbooks `corebot new --template` offers, in English and
// Russian: a business card, an FAQ, a lead form, and a shop catalog made of pages (with an order
// form). Each passes `corebot check` with the built-in modules (a test generates every one).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "content/starter/starter_workbook.hpp"

namespace corebot::content::starter {

// "card", "faq", "leadgen", "shop".
const std::vector<std::string>& template_names();
// One line per template for --help and errors ("card: a business card: ...").
std::string template_summary();

// The example rows of a template in a language ("en" or "ru"), by sheet name; nullopt for a name
// template_names() lacks. `bot_name` goes into Settings. For Russian, Texts also gets the
// Russian of every built-in text the template's bot shows (so `corebot check` has nothing to
// warn about).
std::optional<std::map<std::string, std::vector<ExampleRow>>> template_rows(
    const std::string& name, const std::string& language, const std::string& bot_name);

// The whole starter workbook for a bot whose modules declared `options`: the core sheets and
// settings, then the modules', with a template's rows. nullopt for an unknown template.
std::optional<StarterWorkbook> starter_workbook(const CompileOptions& options,
                                                const std::string& template_name,
                                                const std::string& language,
                                                const std::string& bot_name,
                                                const std::string& version);

}  // namespace corebot::content::starter
