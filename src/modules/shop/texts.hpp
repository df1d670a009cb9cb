// The shop's wording in English and Russian. An owner rewords any text in the Texts sheet under
// the same key (docs/shop.md lists them); "{}" are filled in by format().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "corebot/content.hpp"
#include "corebot/context.hpp"

namespace corebot::modules::shop {

// The text for `key` in `language` ("ru..." Russian, else English); the owner's Texts entry when
// the workbook has one. An unknown key gives the key itself (a bug, visible at once).
std::string say(const Content* content, std::string_view language, std::string_view key);
// The same in the user's language.
std::string say(const Context& ctx, std::string_view key);
// `pattern` with each "{}" replaced by the next of `values`.
std::string format(std::string pattern, const std::vector<std::string>& values);
// A status as customers and staff read it: the owner's Texts entry for it, the built-in wording
// of the default statuses, or the status as written.
std::string status_name(const Content* content, std::string_view language, std::string_view status);
// Every key, for ModuleInfo::text_keys and the docs.
std::vector<std::string> all_keys();

}  // namespace corebot::modules::shop
