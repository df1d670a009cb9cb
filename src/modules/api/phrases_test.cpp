#include "corebot/phrases.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "corebot/context.hpp"
#include "tests/fakes/recording_sender.hpp"

namespace corebot {
namespace {

constexpr Phrase kTable[] = {{"demo_hello", "Hello, {}!", "Привет, {}!"},
                             {"demo_bye", "Bye", "Пока"}};

Context make(std::string language, testing::RecordingSender& sender) {
  return Context(boost::json::object{{"update_id", 1},
                                     {"message",
                                      {{"message_id", 1},
                                       {"chat", {{"id", 5}}},
                                       {"from", {{"id", 5}, {"language_code", language}}},
                                       {"text", "hi"}}}},
                 sender);
}

TEST(Phrases, TheLanguagePicksTheColumnAndAnUnknownKeyShowsItself) {
  EXPECT_EQ(phrase_in(kTable, "ru-RU", "demo_bye"), "Пока");
  EXPECT_EQ(phrase_in(kTable, "de", "demo_bye"), "Bye");
  EXPECT_EQ(phrase_in(kTable, "", "demo_missing"), "demo_missing");
  testing::RecordingSender sender;
  EXPECT_EQ(phrase(kTable, make("ru", sender), "demo_bye"), "Пока");
  EXPECT_EQ(phrase(kTable, make("en", sender), "demo_missing"), "demo_missing");
  EXPECT_EQ(phrase_keys(kTable), (std::vector<std::string>{"demo_hello", "demo_bye"}));
}

TEST(Phrases, FillReplacesHolesInOrderAndLeavesTheRest) {
  EXPECT_EQ(fill("Hello, {}!", {"Ann"}), "Hello, Ann!");
  EXPECT_EQ(fill("{} and {}", {"a"}), "a and {}");
  EXPECT_EQ(fill("{}", {"{}", "x"}), "{}") << "a hole inside a value is not filled again";
  EXPECT_EQ(fill("none", {"a"}), "none");
}

}  // namespace
}  // namespace corebot
