// The admin panel's wording: every text in English and Russian, chosen by the admin's language
// (Context::language(): the one they chose, else Telegram's). An owner rewords any of them in the
// Texts sheet under the same key (docs/admin.md lists them). Texts with "{}" get values filled in
// by format().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "corebot/context.hpp"

namespace corebot::modules::admin {

// The text for `key` in the admin's language; the Texts sheet's entry when the owner wrote one.
// An unknown key gives the key itself (a bug, visible at once).
std::string say(const Context& ctx, std::string_view key);

// `pattern` with each "{}" replaced by the next of `values` (missing ones stay "{}").
std::string format(std::string pattern, const std::vector<std::string>& values);

// Every key of the panel, for docs and tests.
std::vector<std::string> all_keys();

// Whether the admin reads Russian.
bool russian(const Context& ctx);

}  // namespace corebot::modules::admin
