#include "content/buttons.hpp"

#include <algorithm>

#include "content/schema.hpp"
#include "content/snapshot.hpp"
#include "content/text.hpp"

namespace corebot::content {
namespace {

ButtonProblem problem(std::string what, std::string fix) {
  return {std::move(what), std::move(fix)};
}

// `b`'s callback data is over Telegram's limit; `subject` names the button and its target.
ButtonProblem callback_too_long(const std::string& subject, const Button& b, std::string fix) {
  return problem(subject + " makes callback data of " + std::to_string(b.callback_data.size()) +
                     " bytes; Telegram allows " + std::to_string(kMaxCallbackDataBytes),
                 std::move(fix));
}

// Where the arrow between label and target starts and how many bytes it takes; the last arrow
// of either spelling wins, so a label may contain one.
std::pair<size_t, size_t> find_arrow(std::string_view part) {
  size_t arrow = part.rfind("->");
  size_t arrow_len = 2;
  if (const size_t u = part.rfind("→");
      u != std::string_view::npos && (arrow == std::string_view::npos || u > arrow)) {
    arrow = u, arrow_len = std::string_view("→").size();
  }
  return {arrow, arrow_len};
}

}  // namespace

std::variant<Button, ButtonProblem> parse_button(std::string_view part, std::size_t line,
                                                 const ButtonTargets& targets) {
  const std::string on_line = " on line " + std::to_string(line);
  const auto [arrow, arrow_len] = find_arrow(part);
  if (part.empty()) return problem("an empty button" + on_line, "remove the extra '|'");
  if (arrow == std::string_view::npos) {
    return problem("button \"" + excerpt(part) + "\"" + on_line + " has no target",
                   "write it as: " + excerpt(part) + " -> page_id");
  }
  Button b;
  b.text = std::string(trim(part.substr(0, arrow)));
  const std::string_view target = trim(part.substr(arrow + arrow_len));
  if (b.text.empty()) {
    return problem("a button" + on_line + " has no text before \"->\"",
                   "write the button's label first: Label -> " + excerpt(target));
  }
  const std::string label = "button \"" + excerpt(b.text) + "\"";
  if (target.empty()) {
    return problem(label + on_line + " has no target", "write a page id or a link after \"->\"");
  }
  if (utf8_length(b.text) > kMaxButtonTextLength) {
    return problem(label + " is " + std::to_string(utf8_length(b.text)) +
                       " characters long; Telegram shows at most " +
                       std::to_string(kMaxButtonTextLength),
                   "shorten the label");
  }
  if (target.find("://") != std::string_view::npos || fold_case(target.substr(0, 4)) == "www.") {
    if (!is_url(target)) {
      return problem(label + " leads to \"" + excerpt(target) + "\", which is not a link",
                     "a link starts with https://, http:// or tg://");
    }
    b.kind = Button::Kind::kUrl;
    b.target = std::string(target);
    return b;
  }
  if (const size_t colon = target.find(':'); colon != std::string_view::npos) {
    // "form:request": an action of the module that owns the prefix.
    const std::string prefix = fold_case(trim(target.substr(0, colon)));
    const std::string_view argument = trim(target.substr(colon + 1));
    const auto& known = targets.action_prefixes;
    if (std::find(known.begin(), known.end(), prefix) == known.end()) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k + ":";
      return problem(
          label + " leads to \"" + excerpt(target) + "\", which is neither a page nor a link",
          names.empty() ? "write a page id or a link after \"->\""
                        : "write a page id, a link, or an action (" + names + "...)");
    }
    if (argument.empty() || !is_id(argument)) {
      return problem(label + " leads to \"" + excerpt(target) + "\": \"" + excerpt(argument) +
                         "\" after \"" + prefix + ":\" is not a valid id",
                     "write one word after the colon, e.g. " + prefix + ":request");
    }
    b.kind = Button::Kind::kAction;
    b.target = prefix + ":" + fold_case(argument);
    b.callback_data = b.target;
    if (b.callback_data.size() > kMaxCallbackDataBytes) {
      return callback_too_long(label + ": \"" + excerpt(target) + "\"", b, "use a shorter id");
    }
    return b;
  }
  if (!is_id(target)) {
    return problem(label + " leads to \"" + excerpt(target) + "\", which is not a valid page id",
                   "page ids are one word: letters, digits, _ - .");
  }
  b.target = fold_case(target);
  if (targets.page_ids.count(b.target) == 0) {
    return problem(label + " leads to page \"" + excerpt(target) + "\", which does not exist",
                   "add a page with this id to the Pages sheet or correct the id");
  }
  b.callback_data = std::string(kPageCallbackPrefix) + b.target;
  if (b.callback_data.size() > kMaxCallbackDataBytes) {
    return callback_too_long(label + ": the page id \"" + excerpt(target) + "\"", b,
                             "use a shorter page id");
  }
  return b;
}

ButtonRows parse_button_cell(std::string_view cell, const ButtonTargets& targets) {
  ButtonRows out;
  size_t total = 0;
  const auto lines = split_lines(trim(cell));
  for (size_t li = 0; li < lines.size(); ++li) {
    const std::string_view line = trim(lines[li]);
    if (line.empty()) continue;
    std::vector<Button> row;
    for (std::string_view part : split(line, "|")) {
      auto parsed = parse_button(trim(part), li + 1, targets);
      if (auto* b = std::get_if<Button>(&parsed)) {
        row.push_back(std::move(*b));
      } else {
        out.problems.push_back(std::move(std::get<ButtonProblem>(parsed)));
      }
    }
    if (row.size() > kMaxButtonsPerRow) {
      out.problems.push_back(problem("line " + std::to_string(li + 1) + " has " +
                                         std::to_string(row.size()) + " buttons; Telegram allows " +
                                         std::to_string(kMaxButtonsPerRow) + " in a row",
                                     "move some buttons to a new line"));
    }
    total += row.size();
    if (!row.empty()) out.rows.push_back(std::move(row));
  }
  if (total > kMaxButtonsPerPage) {
    out.problems.push_back(problem("the page has " + std::to_string(total) +
                                       " buttons; Telegram allows " +
                                       std::to_string(kMaxButtonsPerPage),
                                   "split the buttons over several pages"));
  }
  return out;
}

}  // namespace corebot::content
