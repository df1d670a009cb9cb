// The mailing module's wording, in English and Russian. Each key can be overridden by the owner
// in the Texts sheet (ModuleInfo::text_keys lists them); placeholders are {name}.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corebot/content.hpp"

namespace corebot::modules::mailing {

// Every key of the table, for ModuleInfo::text_keys.
[[nodiscard]] std::vector<std::string> text_keys();

// The text `key` in `language`: the Texts sheet's entry when the owner wrote one, else the
// built-in Russian for "ru*", else English; {name} placeholders replaced from `values`.
[[nodiscard]] std::string say(
    const Content* content, std::string_view language, std::string_view key,
    std::initializer_list<std::pair<std::string_view, std::string>> values = {});

}  // namespace corebot::modules::mailing
