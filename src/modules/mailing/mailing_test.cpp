// The mailing module's pieces without a running mailing: Telegram's length rule, audiences,
// the HTTP API's requests, the progress view, and the composer in chat (admins only).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "corebot/utf8.hpp"
#include "modules/mailing/http_api.hpp"
#include "modules/mailing/mailing.hpp"
#include "modules/mailing/mailing_module.hpp"
#include "modules/mailing/progress_view.hpp"
#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules::mailing {
namespace {
namespace json = boost::json;

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

Message text(std::string t, std::string mode = "") {
  Message m;
  m.text = std::move(t);
  m.parse_mode = std::move(mode);
  return m;
}

TEST(MailingLength, CountsUtf16UnitsAfterEntitiesNotBytes) {
  EXPECT_EQ(utf8::utf16_length("Привет"), 6u);
  EXPECT_EQ(utf8::utf16_length("a😀"), 3u);  // outside the BMP: a surrogate pair
  // 2,500 Russian letters are 5,000 bytes but 2,500 characters: valid.
  EXPECT_EQ(text(repeat("я", 2500)).check(), "");
  EXPECT_EQ(text(repeat("я", 4096)).check(), "");
  EXPECT_NE(text(repeat("я", 4097)).check().find("over Telegram's 4096"), std::string::npos);
  // 2,049 emoji are 4,098 units.
  EXPECT_NE(text(repeat("😀", 2049)).check(), "");
  // HTML tags and character references are not counted; Markdown escapes neither.
  EXPECT_EQ(text("<b>" + repeat("я", 4096) + "</b>", "HTML").check(), "");
  EXPECT_EQ(text(repeat("&amp;", 4096), "HTML").check(), "");
  EXPECT_NE(text(repeat("&amp;", 4097), "HTML").check(), "");
  EXPECT_EQ(text("*" + repeat("\\.", 4096) + "*", "MarkdownV2").check(), "");
  EXPECT_NE(text(repeat("я", 4097), "MarkdownV2").check(), "");
}

TEST(MailingAudience, EachKindIsAUsersFilterThatLeavesBlockedUsersOut) {
  testing::FakeUsers users;
  users.records[1] = {.id = 1, .language_code = "ru", .last_seen_ms = 1000, .tags = {"vip"}};
  users.records[2] = {.id = 2, .language_code = "en", .last_seen_ms = 90'000'000};
  users.records[3] = {.id = 3, .language_code = "ru", .blocked = true};
  users.records[4] = {.id = 4, .language_code = "ru", .banned = true};
  auto ids = [&](Audience a) {
    std::vector<std::int64_t> out;
    users.select_ids(*a.users_filter(100'000'000),
                     [&](std::vector<std::int64_t> v, const std::string& e) {
                       EXPECT_EQ(e, "");
                       out = std::move(v);
                     });
    return out;
  };
  EXPECT_EQ(ids({"all", "", {}}), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ids({"language", "RU", {}}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids({"tag", "vip", {}}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids({"active", "1", {}}), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids({"filter", R"({"_id":{"$gte":2}})", {}}), (std::vector<std::int64_t>{2}));
  EXPECT_FALSE(Audience({"me", "", {7}}).users_filter(0).has_value());
  EXPECT_NE(Audience({"active", "soon", {}}).check(), "");
  EXPECT_NE(Audience({"filter", "[1]", {}}).check(), "");
  EXPECT_NE(Audience({"everyone", "", {}}).check(), "");
  EXPECT_NE(Audience({"chats", "", {}}).check(), "");
}

TEST(MailingContent, CopiesWithCopyMessageAndAlbumsWithCopyMessages) {
  Message one;
  one.from_chat_id = 5;
  one.message_ids = {9};
  one.reply_markup = json::parse(R"({"inline_keyboard":[[{"text":"Go","url":"https://x.org"}]]})");
  EXPECT_EQ(one.method(), "copyMessage");
  EXPECT_EQ(one.params(7), json::parse(R"({"chat_id":7,"from_chat_id":5,"message_id":9,
      "reply_markup":{"inline_keyboard":[[{"text":"Go","url":"https://x.org"}]]}})"));
  Message album;
  album.from_chat_id = 5;
  album.message_ids = {9, 10, 11};
  EXPECT_EQ(album.method(), "copyMessages");
  EXPECT_EQ(album.params(7).at("message_ids"), json::parse("[9,10,11]"));
  album.reply_markup = one.reply_markup;
  EXPECT_NE(album.check(), "");
}

TEST(MailingHttpApi, ReadsAudiencesTimesAndRefusesBadBodies) {
  auto parse = [](const char* body) { return parse_new_mailing(json::parse(body).as_object()); };
  EXPECT_EQ(parse(R"({"text":"x","to":"all"})").mailing->audience.kind, "all");
  EXPECT_EQ(parse(R"({"text":"x","to":[1,2]})").mailing->audience.chats,
            (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(parse(R"({"text":"x","chat_ids":[3]})").mailing->audience.kind, "chats");
  EXPECT_EQ(parse(R"({"text":"x","language":"ru"})").mailing->audience.value, "ru");
  EXPECT_EQ(parse(R"({"text":"x","active_days":7})").mailing->audience.value, "7");
  EXPECT_EQ(parse(R"({"text":"x","filter":{"tags":"vip"}})").mailing->audience.value,
            R"({"tags":"vip"})");
  EXPECT_EQ(parse(R"({"text":"x","to":"all","at":"2026-03-01 10:30"})").mailing->start_at_ms,
            1772361000000);
  EXPECT_FALSE(parse(R"({"text":"x"})").mailing);
  EXPECT_FALSE(parse(R"({"to":"all"})").mailing);
  EXPECT_FALSE(parse(R"({"text":"x","to":"all","at":"tomorrow"})").mailing);
  EXPECT_FALSE(parse_utc_time("2026-02-30 10:00"));
}

TEST(MailingProgress, ShowsTheBarRateEtaAndButtonsByStatus) {
  Mailing m;
  m.id = "m1";
  m.status = Status::kRunning;
  m.total = 1000;
  m.counts = {400, 50, 50};
  const std::string text = progress_text(m, 100.0, nullptr);
  EXPECT_NE(text.find("▓▓▓▓▓░░░░░ 50%"), std::string::npos) << text;
  EXPECT_NE(text.find("left 500 of 1000"), std::string::npos) << text;
  EXPECT_NE(text.find("ETA 5 s"), std::string::npos) << text;
  EXPECT_EQ(progress_markup(m, nullptr).at("inline_keyboard").as_array()[0].as_array().size(), 2u);
  m.language = "ru";
  EXPECT_NE(progress_text(m, 0, nullptr).find("осталось 500 из 1000"), std::string::npos);
  m.status = Status::kDone;
  EXPECT_TRUE(progress_markup(m, nullptr).at("inline_keyboard").as_array().empty());
}

// The module in chat: the composer for admins, nothing for anyone else.
struct ComposerTest : ::testing::Test {
  ComposerTest() {
    registry.add(std::make_unique<MailingModule>());
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", "user\n1009\n"}}, registry);
    services.declare(module().info());
    module().start(services);
  }
  MailingModule& module() { return static_cast<MailingModule&>(*registry.modules()[0]); }
  std::shared_ptr<Context> make(json::object body, const char* kind) {
    json::object update{{"update_id", ++update_id}, {kind, std::move(body)}};
    auto ctx = std::make_shared<Context>(std::move(update), sender);
    ctx->attach(content, nullptr, &services.fake_users());
    ctx->load_session(session);
    return ctx;
  }
  Handled message(std::int64_t user, std::string text) {
    auto ctx = make({{"message_id", ++message_id},
                     {"chat", {{"id", user}}},
                     {"from", {{"id", user}}},
                     {"text", text}},
                    "message");
    auto h = module().on_update(*ctx);
    session = ctx->session();
    return h;
  }
  Handled press(std::int64_t user, std::string data) {
    auto ctx = make({{"id", "q"},
                     {"from", {{"id", user}}},
                     {"data", data},
                     {"message", {{"message_id", 10}, {"chat", {{"id", user}}}, {"text", "x"}}}},
                    "callback_query");
    auto h = module().on_update(*ctx);
    session = ctx->session();
    return h;
  }
  std::string last_text() const {
    for (auto it = sender.calls.rbegin(); it != sender.calls.rend(); ++it) {
      if (it->params.contains("text")) return std::string(it->params.at("text").as_string());
    }
    return "";
  }

  ModuleRegistry registry;
  std::shared_ptr<const Content> content;
  corebot::testing::FakeServices services{"mailing"};
  corebot::testing::RecordingSender sender;
  json::object session;
  std::int64_t update_id = 0;
  std::int64_t message_id = 100;
};

TEST_F(ComposerTest, NonAdminsSeeNothingAndForgedButtonsDoNothing) {
  EXPECT_EQ(message(1001, "/mailing"), Handled::kContinue);
  EXPECT_EQ(press(1001, "mailing:a:all"), Handled::kStop);
  EXPECT_EQ(press(1001, "mailing:cancel:m1"), Handled::kStop);
  for (const auto& c : sender.calls) EXPECT_EQ(c.method, "answerCallbackQuery");
  EXPECT_EQ(message(1001, "hello"), Handled::kContinue);
}

TEST_F(ComposerTest, AnAdminComposesPreviewsChoosesAnAudienceAndConfirms) {
  services.fake_users().records[1009] = {.id = 1009, .language_code = "en"};
  services.fake_users().records[5] = {.id = 5, .language_code = "ru"};
  EXPECT_EQ(message(1009, "/mailing"), Handled::kStop);
  EXPECT_NE(last_text().find("Send me the message"), std::string::npos);
  EXPECT_EQ(message(1009, "Big news"), Handled::kStop);
  const auto copy = std::find_if(sender.calls.begin(), sender.calls.end(),
                                 [](const auto& c) { return c.method == "copyMessage"; });
  ASSERT_NE(copy, sender.calls.end()) << "no preview";
  EXPECT_EQ(copy->params.at("message_id").as_int64(), message_id);
  press(1009, "mailing:b");
  EXPECT_EQ(message(1009, "Shop - ftp://x"), Handled::kStop);
  EXPECT_NE(last_text().find("Line 1"), std::string::npos);
  message(1009, "Shop - https://example.com");
  press(1009, "mailing:a:language");
  message(1009, "ru");
  EXPECT_NE(last_text().find("When should it start"), std::string::npos);
  press(1009, "mailing:now");
  EXPECT_NE(last_text().find("1 recipient(s)"), std::string::npos) << last_text();
  press(1009, "mailing:go");
  EXPECT_FALSE(session.contains("mailing")) << "the draft outlived the confirmation";
  ASSERT_TRUE(services.run_store_until([&] {
    return std::any_of(services.recorded.calls.begin(), services.recorded.calls.end(),
                       [](const auto& c) { return c.method == "copyMessage"; });
  }));
  const auto& sent = *std::find_if(services.recorded.calls.begin(), services.recorded.calls.end(),
                                   [](const auto& c) { return c.method == "copyMessage"; });
  EXPECT_EQ(sent.params.at("chat_id").as_int64(), 5);
  EXPECT_EQ(sent.params.at("reply_markup").at("inline_keyboard").at(0).at(0).at("url"),
            "https://example.com");
  // A second press of "Send" finds no draft: never a second mailing.
  press(1009, "mailing:go");
  EXPECT_EQ(services.collection("mailings").count({}), 1);
}

}  // namespace
}  // namespace corebot::modules::mailing
