// corebot/utf8.hpp: Telegram's lengths, and splitting a long message where Telegram would refuse
// it.
#include "corebot/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace corebot {
namespace {

std::string joined(const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += p;
  return out;
}

TEST(Utf8, CountsAsTelegramDoes) {
  EXPECT_EQ(utf8::utf16_length("Привет"), 6u);
  EXPECT_EQ(utf8::utf16_length("🙂"), 2u);
  EXPECT_EQ(utf8::length("🙂"), 1u);
}

TEST(Utf8, AShortTextIsOnePiece) {
  EXPECT_EQ(utf8::split("hello"), (std::vector<std::string>{"hello"}));
  EXPECT_EQ(utf8::split(""), (std::vector<std::string>{""}));
}

TEST(Utf8, CutsAfterTheLastLineBreakThatFits) {
  const auto pieces = utf8::split("aaa\nbbb\ncc", 9);
  EXPECT_EQ(pieces, (std::vector<std::string>{"aaa\nbbb\n", "cc"}));
}

TEST(Utf8, ALongLineIsCutBetweenCharactersNeverInsideOne) {
  // 5,000 Cyrillic letters (10,000 bytes, 5,000 units) and an emoji across the boundary.
  std::string text;
  for (int i = 0; i < 4095; ++i) text += "ж";
  text += "🙂";  // units 4096..4097: does not fit in the first piece
  for (int i = 0; i < 900; ++i) text += "ж";
  const auto pieces = utf8::split(text);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(utf8::utf16_length(pieces[0]), 4095u);
  EXPECT_TRUE(pieces[1].starts_with("🙂"));
  EXPECT_EQ(joined(pieces), text);
  for (const auto& p : pieces) EXPECT_LE(utf8::utf16_length(p), 4096u);
}

TEST(Utf8, EveryPieceFitsAndNothingIsLost) {
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += "Question " + std::to_string(i) + ": " + std::string(50, 'x') + " ответ\n";
  const auto pieces = utf8::split(text, 1000);
  EXPECT_GT(pieces.size(), 10u);
  for (const auto& p : pieces) {
    EXPECT_LE(utf8::utf16_length(p), 1000u);
    EXPECT_TRUE(p.ends_with("\n")) << "cut at line breaks when lines fit";
  }
  EXPECT_EQ(joined(pieces), text);
}

}  // namespace
}  // namespace corebot

namespace corebot {
namespace {

TEST(Utf8, FoldCaseLowersLatinCyrillicAndGreekLetters) {
  EXPECT_EQ(utf8::fold_case("Green TEA"), "green tea");
  EXPECT_EQ(utf8::fold_case("ЧАЙ Зелёный ЁЖ"), "чай зелёный ёж");
  EXPECT_EQ(utf8::fold_case("ÀÉ×Ω"), "àé×ω");
  EXPECT_EQ(utf8::fold_case("🍵 42"), "🍵 42");
}

}  // namespace
}  // namespace corebot
