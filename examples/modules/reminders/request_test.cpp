#include "request.hpp"

#include <gtest/gtest.h>

#include <set>

#include "export_csv.hpp"
#include "texts.hpp"

namespace reminders {
namespace {
using namespace std::chrono_literals;

TEST(ParseRequest, ReadsEachUnit) {
  for (auto [args, delay] : std::vector<std::pair<const char*, std::chrono::seconds>>{
           {"30s tea", 30s}, {"10m Buy milk", 10min}, {"2H call Ann", 2h}, {"1d pay rent", 24h}}) {
    const Parsed p = parse_request(args);
    ASSERT_TRUE(p.request) << args;
    EXPECT_EQ(p.request->delay, delay) << args;
  }
  EXPECT_EQ(parse_request("  10m   Buy  milk \n").request->text, "Buy  milk");
}

TEST(ParseRequest, ExplainsWhatIsWrong) {
  for (const char* bad : {"", "10m", "10m   ", "10 Buy", "m Buy", "10x Buy", "ten m Buy", "-5m x",
                          "1.5h x", "10mBuy", "9999999999s x"}) {
    const Parsed p = parse_request(bad);
    EXPECT_FALSE(p.request) << bad;
    EXPECT_EQ(p.error, RequestError::kFormat) << bad;
  }
  EXPECT_EQ(parse_request("0m x").error, RequestError::kZero);
  EXPECT_EQ(parse_request("366d x").error, RequestError::kTooFar);
  EXPECT_TRUE(parse_request("365d x").request);
  EXPECT_EQ(parse_request("1m " + std::string(1001, 'a')).error, RequestError::kTooLong);
  std::string russian;
  for (int i = 0; i < 1000; ++i) russian += "я";  // 2000 bytes, 1000 characters
  EXPECT_TRUE(parse_request("1m " + russian).request);
}

TEST(ParseIndex, PositiveWholeNumbersOnly) {
  EXPECT_EQ(parse_index(" 2 "), 2);
  for (const char* bad : {"", "0", "-1", "two", "2x", "1 2"}) EXPECT_FALSE(parse_index(bad)) << bad;
}

TEST(Format, DelaysShowTheTwoLargestUnits) {
  EXPECT_EQ(format_delay(0), "0s");
  EXPECT_EQ(format_delay(400), "1s");
  EXPECT_EQ(format_delay(598'000), "9m 58s");
  EXPECT_EQ(format_delay(3'600'000), "1h");
  EXPECT_EQ(format_delay(93'784'000), "1d 2h");
  EXPECT_EQ(format_utc(1'767'225'600'000 + 3'723'000), "2026-01-01T01:02:03Z");
}

TEST(ExportCsv, QuotesWhatNeedsIt) {
  const std::string csv = reminders_csv(
      {{{"due_ms", 1'767'225'600'000}, {"user_id", 5}, {"chat_id", 5}, {"text", "Buy milk"}},
       {{"due_ms", 1'767'225'660'000},
        {"user_id", 6},
        {"chat_id", -100},
        {"text", "Say \"hi\", then\nleave"}},
       {{"due_ms", 1'767'225'660'000}, {"user_id", 6}, {"chat_id", 6}, {"text", "=1+1"}}});
  EXPECT_EQ(csv,
            "due_utc,user_id,chat_id,text\r\n"
            "2026-01-01T00:00:00Z,5,5,Buy milk\r\n"
            "2026-01-01T00:01:00Z,6,-100,\"Say \"\"hi\"\", then\nleave\"\r\n"
            "2026-01-01T00:01:00Z,6,6,'=1+1\r\n");
}

TEST(Texts, EveryPhraseHasItsOwnKeyAndBothLanguages) {
  std::set<std::string_view> keys;
  for (int i = 0; i <= static_cast<int>(Phrase::kExportFailed); ++i) {
    const auto phrase = static_cast<Phrase>(i);
    EXPECT_TRUE(keys.insert(key_of(phrase)).second) << key_of(phrase);
    EXPECT_EQ(key_of(phrase).rfind("reminders_", 0), 0u);
    EXPECT_NE(say(nullptr, "en", phrase), say(nullptr, "ru-RU", phrase)) << key_of(phrase);
  }
  EXPECT_EQ(say(nullptr, "en", Phrase::kSet, {{"in", "10m"}, {"text", "{in}"}}),
            "OK, I will remind you in 10m: {in}");
}

}  // namespace
}  // namespace reminders
