// Everything the reminders module says, in English and Russian. An owner replaces any of it in
// the Texts sheet under the key shown (README.md lists them); {placeholders} are filled in.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corebot/content.hpp"
#include "corebot/context.hpp"

namespace reminders {

enum class Phrase {
  kUsage,          // /remind with a wrong argument
  kZero,           // /remind 0m ...
  kTooFar,         // /remind 400d ...
  kTooLong,        // the text is too long
  kLimit,          // {max}: the user has that many pending already
  kSet,            // {in}, {text}: the confirmation
  kDue,            // {text}: the reminder itself
  kNone,           // /reminders with nothing pending
  kListHead,       // the line above the list
  kListItem,       // {n}, {in}, {text}
  kListFoot,       // the line below the list
  kForgetUsage,    // /forget without a number
  kForgetMissing,  // {n}: no such reminder
  kForgotten,      // {text}
  kFailed,         // the store or the job runner failed
  kExportCaption,  // {count}: pending reminders at the last count
  kExportFailed,   // {error}
};

// The phrase in `language` ("ru", "ru-RU": Russian; else English), or the Texts sheet's entry
// for its key when the owner wrote one. `content` may be null (no spreadsheet).
std::string say(const corebot::Content* content, std::string_view language, Phrase phrase,
                const std::vector<std::pair<std::string_view, std::string>>& fill = {});
// The same in the language of the user of `ctx`.
std::string say(const corebot::Context& ctx, Phrase phrase,
                const std::vector<std::pair<std::string_view, std::string>>& fill = {});

// The Texts key of a phrase ("reminders_usage").
std::string_view key_of(Phrase phrase);

}  // namespace reminders
