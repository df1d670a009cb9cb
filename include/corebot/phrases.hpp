// A module's own wording: one table of texts in English and Russian, which the owner may reword
// in the Texts sheet under the same keys. Built-in modules (admin, shop, support) keep theirs
// in a `constexpr Phrase kPhrases[]` and look texts up with these helpers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corebot {

class Context;

struct Phrase {
  const char* key;  // prefixed with the module's name, so it never clashes with an owner's keys
  const char* en;
  const char* ru;
};

// The row of `key`; nullptr when the table has none.
[[nodiscard]] const Phrase* find_phrase(std::span<const Phrase> table, std::string_view key);
// The built-in text of `key` in `language` (a code starting with "ru": Russian, any other:
// English). An unknown key gives the key itself, so a missing row shows at once.
[[nodiscard]] std::string phrase_in(std::span<const Phrase> table, std::string_view language,
                                    std::string_view key);
// The text of `key` for this update's user: the owner's Texts entry in their language when there
// is one, otherwise the built-in text in their language. An unknown key gives the key itself.
[[nodiscard]] std::string phrase(std::span<const Phrase> table, const Context& ctx,
                                 std::string_view key);
// Every key of the table, in order (for docs and tests).
[[nodiscard]] std::vector<std::string> phrase_keys(std::span<const Phrase> table);
// `pattern` with each "{}" replaced by the next of `values`, left to right; holes beyond the
// values stay "{}", values beyond the holes are ignored, and a "{}" inside a value is kept as is.
[[nodiscard]] std::string fill(std::string pattern, const std::vector<std::string>& values);

}  // namespace corebot
