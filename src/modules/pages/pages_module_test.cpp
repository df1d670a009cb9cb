#include "modules/pages/pages_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "corebot/registry.hpp"
#include "tests/fakes/recording_sender.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

constexpr const char* kPages =
    "id,text,media,buttons,new message\n"
    "start,welcome,https://example.com/a.jpg,\"About -> about | Sections -> sections\n"
    "Site -> https://example.com\n🌐 -> lang:menu\",\n"
    "about,We are here.,,Home -> start,\n"
    "sections,Pick one,,Deep -> deep,\n"
    "deep,Deep page,,,\n"
    "news,Fresh news,,,yes\n";
constexpr const char* kTexts = "key,en,ru\nwelcome,Welcome!,Привет!\nback,« Back,« Назад\n";

struct PagesFixture : ::testing::Test {
  PagesFixture() {
    registry.add(std::make_unique<LanguageModule>());
    registry.add(std::make_unique<PagesModule>());
    content = corebot::testing::make_content({{"Pages", kPages}, {"Texts", kTexts}}, registry);
  }
  std::shared_ptr<Context> context(std::string_view update, std::string lang = "") {
    auto ctx = std::make_shared<Context>(json::parse(update).as_object(), sender);
    ctx->attach(content, nullptr);
    if (!lang.empty()) ctx->load_session({{"lang", lang}});
    return ctx;
  }
  std::shared_ptr<Context> press(std::string data, bool photo = false) {
    json::object message{{"message_id", 10}, {"chat", {{"id", 5}}}};
    if (photo) {
      message["photo"] = json::array{};
    } else {
      message["text"] = "x";
    }
    json::object update{
        {"update_id", 2},
        {"callback_query",
         {{"id", "q"}, {"from", {{"id", 5}}}, {"data", data}, {"message", message}}}};
    return context(json::serialize(update));
  }
  ModuleRegistry registry;
  std::shared_ptr<const content::ContentSnapshot> content;
  corebot::testing::RecordingSender sender;
  PagesModule pages;
  LanguageModule language;
};

std::vector<std::string> labels(const json::object& params) {
  std::vector<std::string> out;
  for (const auto& row : params.at("reply_markup").at("inline_keyboard").as_array()) {
    for (const auto& b : row.as_array()) out.emplace_back(b.at("text").as_string());
  }
  return out;
}

TEST_F(PagesFixture, StartSendsTheStartPageWithMediaInTheUsersLanguage) {
  auto ctx = context(R"({"update_id":1,"message":{"chat":{"id":5},"from":{"id":5,
      "language_code":"ru"},"text":"/start"}})");
  EXPECT_EQ(pages.on_update(*ctx), Handled::kStop);
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "sendPhoto");
  EXPECT_EQ(sender.calls[0].params.at("caption").as_string(), "Привет!");
  EXPECT_EQ(labels(sender.calls[0].params),
            (std::vector<std::string>{"About", "Sections", "Site", "🌐"}));
}

TEST_F(PagesFixture, DeepLinkAndUnknownDeepLink) {
  auto ctx = context(R"({"update_id":1,"message":{"chat":{"id":5},"text":"/start DEEP"}})");
  pages.on_update(*ctx);
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].params.at("text").as_string(), "Deep page");
  // Back goes to the page that links here.
  EXPECT_EQ(sender.calls[0]
                .params.at("reply_markup")
                .at("inline_keyboard")
                .at(0)
                .at(0)
                .at("callback_data"),
            "p:sections");
  auto bad = context(R"({"update_id":2,"message":{"chat":{"id":5},"text":"/start nope!!"}})");
  pages.on_update(*bad);
  EXPECT_EQ(sender.calls[1].method, "sendPhoto") << "unknown deep links show the start page";
}

TEST_F(PagesFixture, ButtonEditsInPlaceUnlessMediaOrNewMessage) {
  pages.on_update(*press("p:sections"));
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_EQ(sender.calls[1].method, "editMessageText");
  EXPECT_EQ(labels(sender.calls[1].params), (std::vector<std::string>{"Deep", "« Back"}));
  sender.calls.clear();
  pages.on_update(*press("p:about"));
  EXPECT_EQ(labels(sender.calls[1].params), (std::vector<std::string>{"Home"}))
      << "no extra back button when the page already links to its parent";
  sender.calls.clear();
  pages.on_update(*press("p:news"));
  EXPECT_EQ(sender.calls[1].method, "sendMessage") << "new message = yes";
  sender.calls.clear();
  pages.on_update(*press("p:about", /*photo=*/true));
  EXPECT_EQ(sender.calls[1].method, "sendMessage") << "a photo's text cannot be edited";
}

// Navigation never piles up copies: a page that cannot be edited in place (text <-> media) is
// sent anew and the pressed message deleted once it arrived; past the 48 h delete window the old
// message at least loses its buttons. A "new message" page keeps the pressed one.
TEST_F(PagesFixture, MediaAndTextPagesReplaceThePressedMessage) {
  pages.on_update(*press("p:about", /*photo=*/true));
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(sender.calls[1].method, "sendMessage");
  EXPECT_EQ(sender.calls[1].params.at("text").as_string(), "We are here.");
  sender.calls[1].done(CallResult{.ok = true});
  ASSERT_EQ(sender.calls.size(), 3u);
  EXPECT_EQ(sender.calls[2].method, "deleteMessage");
  EXPECT_EQ(sender.calls[2].params.at("message_id"), 10);
  EXPECT_EQ(sender.calls[2].params.at("chat_id"), 5);
  sender.calls[2].done(CallResult{
      .ok = false, .error_code = 400, .description = "Bad Request: message can't be deleted"});
  ASSERT_EQ(sender.calls.size(), 4u);
  EXPECT_EQ(sender.calls[3].method, "editMessageReplyMarkup");
  EXPECT_FALSE(sender.calls[3].params.contains("reply_markup"));

  sender.calls.clear();
  pages.on_update(*press("p:start"));  // from a text message to the page with a photo
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(sender.calls[1].method, "sendPhoto");
  sender.calls[1].done(CallResult{.ok = true});
  ASSERT_EQ(sender.calls.size(), 3u);
  EXPECT_EQ(sender.calls[2].method, "deleteMessage");

  sender.calls.clear();
  pages.on_update(*press("p:start", /*photo=*/true));
  sender.calls[1].done(CallResult{.ok = false, .error_code = 429, .description = "Too Many"});
  EXPECT_EQ(sender.calls.size(), 2u) << "the old page stays when the new one did not arrive";

  sender.calls.clear();
  pages.on_update(*press("p:news", /*photo=*/true));
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(sender.calls[1].method, "sendMessage");
  if (sender.calls[1].done) sender.calls[1].done(CallResult{.ok = true});
  EXPECT_EQ(sender.calls.size(), 2u) << "new message = yes keeps the pressed message";
}

TEST_F(PagesFixture, RefusedEditFallsBackToANewMessage) {
  pages.on_update(*press("p:deep"));
  ASSERT_EQ(sender.calls.size(), 2u);
  CallResult refused;
  refused.error_code = 400;
  refused.description = "Bad Request: message can't be edited";
  sender.calls[1].done(refused);
  ASSERT_EQ(sender.calls.size(), 3u);
  EXPECT_EQ(sender.calls[2].method, "sendMessage");
  EXPECT_EQ(sender.calls[2].params.at("text").as_string(), "Deep page");
}

TEST_F(PagesFixture, StaleAndMalformedButtonsAnswerGracefully) {
  for (std::string data :
       std::vector<std::string>{"p:gone", "p:", "p:" + std::string(300, 'x'), "p:über"}) {
    sender.calls.clear();
    EXPECT_EQ(pages.on_update(*press(data)), Handled::kStop);
    ASSERT_EQ(sender.calls.size(), 2u) << data;
    EXPECT_NE(sender.calls[0].params.at("text").as_string().find("out of date"), std::string::npos);
    EXPECT_EQ(sender.calls[1].method, "sendPhoto") << "the start page instead";
  }
}

TEST_F(PagesFixture, UnknownTextInPrivateChatsOnly) {
  auto ctx = context(R"({"update_id":1,"message":{"chat":{"id":5},"text":"hello"}})");
  EXPECT_EQ(pages.on_update(*ctx), Handled::kStop);
  EXPECT_NE(sender.calls.at(0).params.at("text").as_string().find("did not understand"),
            std::string::npos);
  auto group = context(R"({"update_id":2,"message":{"chat":{"id":-100},"text":"hello"}})");
  EXPECT_EQ(pages.on_update(*group), Handled::kContinue);
}

TEST_F(PagesFixture, WithoutContentSaysSo) {
  auto ctx = std::make_shared<Context>(
      json::parse(R"({"update_id":1,"message":{"chat":{"id":5},"text":"/start"}})").as_object(),
      sender);
  pages.on_update(*ctx);
  EXPECT_NE(sender.calls.at(0).params.at("text").as_string().find("no content"), std::string::npos);
}

TEST_F(PagesFixture, LanguageChoiceSetsTheSessionAndShowsTheStartPage) {
  auto menu = press("lang:menu");
  language.on_update(*menu);
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(labels(sender.calls[1].params), (std::vector<std::string>{"EN", "RU"}));
  sender.calls.clear();
  auto pick = press("lang:ru");
  language.on_update(*pick);
  EXPECT_EQ(pick->session().at("lang"), "ru");
  EXPECT_EQ(pick->language(), "ru");
  EXPECT_EQ(sender.calls.back().params.at("caption").as_string(), "Привет!");
  sender.calls.clear();
  auto bogus = press("lang:xx");
  language.on_update(*bogus);
  EXPECT_FALSE(bogus->session().contains("lang"));
}

TEST_F(PagesFixture, LanguageChoiceFromAPhotoReplacesIt) {
  language.on_update(*press("lang:menu", /*photo=*/true));
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(sender.calls[1].method, "sendMessage");
  EXPECT_EQ(labels(sender.calls[1].params), (std::vector<std::string>{"EN", "RU"}));
  sender.calls[1].done(CallResult{.ok = true});
  ASSERT_EQ(sender.calls.size(), 3u);
  EXPECT_EQ(sender.calls[2].method, "deleteMessage");
}

TEST(PagesContent, LanguageButtonsMustNameATextsColumn) {
  ModuleRegistry registry;
  registry.add(std::make_unique<LanguageModule>());
  content::Workbook wb;
  auto pages = content::read_workbook_bytes("id,text,buttons\nstart,Hi,DE -> lang:de\n",
                                            content::Format::kCsv, "Pages.csv");
  wb.sheets.push_back(std::move(pages.workbook->sheets.front()));
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  EXPECT_FALSE(compiled.snapshot);
  EXPECT_NE(compiled.report.to_string().find("Texts has no \"de\" column"), std::string::npos);
  // The problem is in the buttons cell, not the page's id.
  EXPECT_NE(compiled.report.to_string().find("error: Pages!C2: button \"DE\" of page"),
            std::string::npos)
      << compiled.report.to_string();
}

}  // namespace
}  // namespace corebot::modules
