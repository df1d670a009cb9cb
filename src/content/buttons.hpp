// The Pages sheet's "buttons" cell: one keyboard row per line, the buttons of a row separated by
// '|', each "Label -> target" ('→' works as the arrow too) where the target is a page id, a link
// or a module's action ("form:request"). Parsing reports problems in the owner's words instead of
// throwing: a page with any problem is refused by the compiler.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "corebot/content.hpp"

namespace corebot::content {

// What a button's target is checked against.
struct ButtonTargets {
  const std::set<std::string>& page_ids;            // every page's id, lowercase
  const std::vector<std::string>& action_prefixes;  // CompileOptions::button_prefixes
};

// Why a cell (or a part of it) is not a button: a report entry's message and how to fix it.
struct ButtonProblem {
  std::string what;
  std::string fix;
};

// One button from `part`, one of the '|'-separated parts of line `line` (1-based, for messages)
// of the cell, already trimmed.
std::variant<corebot::Button, ButtonProblem> parse_button(std::string_view part, std::size_t line,
                                                          const ButtonTargets& targets);

struct ButtonRows {
  // One row per non-empty line; the parts in error are left out.
  std::vector<std::vector<corebot::Button>> rows;
  std::vector<ButtonProblem> problems;  // in cell order; none when the cell is sound
};

// The keyboard of a whole cell: every button parsed, then Telegram's limits on buttons per row
// and per page.
ButtonRows parse_button_cell(std::string_view cell, const ButtonTargets& targets);

}  // namespace corebot::content
