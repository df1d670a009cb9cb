// Parsing one button of a Pages "buttons" cell: each kind of target, and every complaint.
#include "content/buttons.hpp"

#include <gtest/gtest.h>

#include <string>

namespace corebot::content {
namespace {

const std::string kLongPage(63, 'p');  // "p:" + 63 bytes of id: one byte over the 64 allowed
const std::set<std::string> kPages{"start", "about", kLongPage};
const std::vector<std::string> kPrefixes{"form"};

ButtonTargets targets() { return ButtonTargets{kPages, kPrefixes}; }

Button ok(std::string_view part) {
  auto parsed = parse_button(part, 1, targets());
  const auto* problem = std::get_if<ButtonProblem>(&parsed);
  EXPECT_EQ(problem, nullptr) << part << ": " << (problem ? problem->what : "");
  return problem ? Button{} : std::get<Button>(parsed);
}

// The complaint as "what — fix".
std::string problem(std::string_view part, std::size_t line = 1,
                    const std::vector<std::string>& prefixes = kPrefixes) {
  auto parsed = parse_button(part, line, ButtonTargets{kPages, prefixes});
  const auto* p = std::get_if<ButtonProblem>(&parsed);
  return p ? p->what + " — " + p->fix : "(a button)";
}

TEST(ParseButton, PageTargetsAreLowercasedIdsOfExistingPages) {
  const Button b = ok("About us -> About");
  EXPECT_EQ(b.text, "About us");
  EXPECT_EQ(b.kind, Button::Kind::kPage);
  EXPECT_EQ(b.target, "about");
  EXPECT_EQ(b.callback_data, "p:about");
}

TEST(ParseButton, LinksKeepTheirTargetAndHaveNoCallbackData) {
  const Button b = ok("Site -> https://example.com/A");
  EXPECT_EQ(b.kind, Button::Kind::kUrl);
  EXPECT_EQ(b.target, "https://example.com/A");
  EXPECT_EQ(b.callback_data, "");
}

TEST(ParseButton, ActionsOfKnownPrefixesAreLowercased) {
  const Button b = ok("Apply -> Form:Request");
  EXPECT_EQ(b.kind, Button::Kind::kAction);
  EXPECT_EQ(b.target, "form:request");
  EXPECT_EQ(b.callback_data, "form:request");
}

TEST(ParseButton, TheLastArrowOfEitherSpellingSplitsLabelAndTarget) {
  EXPECT_EQ(ok("X → about").text, "X");
  EXPECT_EQ(ok("a->b -> about").text, "a->b");
  EXPECT_EQ(ok("a->b → about").text, "a->b");
}

TEST(ParseButton, ComplainsAboutTheShapeOfThePart) {
  EXPECT_EQ(problem("", 2), "an empty button on line 2 — remove the extra '|'");
  EXPECT_EQ(problem("Broken", 3),
            "button \"Broken\" on line 3 has no target — write it as: Broken -> page_id");
  EXPECT_EQ(problem("-> about"),
            "a button on line 1 has no text before \"->\" — write the button's label first: "
            "Label -> about");
  EXPECT_EQ(problem("Go ->"),
            "button \"Go\" on line 1 has no target — write a page id or a link after \"->\"");
  EXPECT_EQ(problem(std::string(65, 'a') + " -> about"),
            "button \"" + std::string(40, 'a') +
                "…\" is 65 characters long; Telegram shows at most 64 — shorten the label");
}

TEST(ParseButton, ComplainsAboutBadLinks) {
  EXPECT_EQ(problem("Site -> htp://example.com"),
            "button \"Site\" leads to \"htp://example.com\", which is not a link — a link starts "
            "with https://, http:// or tg://");
  EXPECT_EQ(problem("Site -> www.example.com"),
            "button \"Site\" leads to \"www.example.com\", which is not a link — a link starts "
            "with https://, http:// or tg://");
}

TEST(ParseButton, ComplainsAboutBadActions) {
  EXPECT_EQ(problem("Go -> shop:x"),
            "button \"Go\" leads to \"shop:x\", which is neither a page nor a link — write a page "
            "id, a link, or an action (form:...)");
  EXPECT_EQ(problem("Go -> shop:x", 1, {}),
            "button \"Go\" leads to \"shop:x\", which is neither a page nor a link — write a page "
            "id or a link after \"->\"");
  EXPECT_EQ(problem("Go -> form:a b"),
            "button \"Go\" leads to \"form:a b\": \"a b\" after \"form:\" is not a valid id — "
            "write one word after the colon, e.g. form:request");
  EXPECT_EQ(problem("Go -> form:" + std::string(60, 'x')),
            "button \"Go\": \"form:" + std::string(35, 'x') +
                "…\" makes callback data of 65 bytes; Telegram allows 64 — use a shorter id");
}

TEST(ParseButton, ComplainsAboutBadPages) {
  EXPECT_EQ(problem("Go -> a b"),
            "button \"Go\" leads to \"a b\", which is not a valid page id — page ids are one "
            "word: letters, digits, _ - .");
  EXPECT_EQ(problem("Go -> nowhere"),
            "button \"Go\" leads to page \"nowhere\", which does not exist — add a page with this "
            "id to the Pages sheet or correct the id");
  EXPECT_EQ(problem("Go -> " + kLongPage),
            "button \"Go\": the page id \"" + std::string(40, 'p') +
                "…\" makes callback data of 65 bytes; Telegram allows 64 — use a shorter page id");
}

TEST(ParseButtonCell, RowsPerLineAndTheLimitsOnRowsAndPages) {
  const ButtonRows two =
      parse_button_cell("\n A -> start | B -> about \n\n C -> https://x.org\n", targets());
  EXPECT_TRUE(two.problems.empty());
  ASSERT_EQ(two.rows.size(), 2u);
  EXPECT_EQ(two.rows[0].size(), 2u);
  EXPECT_EQ(two.rows[1][0].kind, Button::Kind::kUrl);

  std::string nine = "1 -> start";
  for (int i = 2; i <= 9; ++i) nine += " | " + std::to_string(i) + " -> start";
  const ButtonRows wide = parse_button_cell(nine + "\nBroken", targets());
  ASSERT_EQ(wide.problems.size(), 2u);
  EXPECT_EQ(wide.problems[0].what, "line 1 has 9 buttons; Telegram allows 8 in a row");
  EXPECT_EQ(wide.problems[1].what, "button \"Broken\" on line 2 has no target");

  std::string many;
  for (int i = 0; i < 101; ++i) many += (i % 5 == 0 ? "\n" : " | ") + std::string("x -> start");
  const ButtonRows lots = parse_button_cell(many, targets());
  ASSERT_EQ(lots.problems.size(), 1u);
  EXPECT_EQ(lots.problems[0].what, "the page has 101 buttons; Telegram allows 100");
  EXPECT_EQ(lots.problems[0].fix, "split the buttons over several pages");
}

}  // namespace
}  // namespace corebot::content
