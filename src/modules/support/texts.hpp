// The support desk's wording, in English and Russian. Customers get their own language
// (Context::language()); texts for the operators' group use the `group_language` setting. An owner
// rewords any customer text in the Texts sheet under the same key (docs/support.md lists them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "corebot/context.hpp"

namespace corebot::modules::support {

// The text for `key` in the customer's language; the Texts sheet's entry when the owner wrote
// one. An unknown key gives the key itself (a bug, visible at once).
std::string say(const Context& ctx, std::string_view key);
// The text for `key` in `language` ("ru" or anything else for English).
std::string say_in(std::string_view language, std::string_view key);

// `pattern` with each "{}" replaced by the next of `values` (missing ones stay "{}").
std::string format(std::string pattern, const std::vector<std::string>& values);

// Every key, for docs and tests.
std::vector<std::string> all_keys();

}  // namespace corebot::modules::support
