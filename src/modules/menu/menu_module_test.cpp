#include "modules/menu/menu_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/fakes/recording_sender.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

json::object update(std::string_view s) { return json::parse(s).as_object(); }

TEST(MenuModule, StartShowsRootWithButtons) {
  testing::RecordingSender sender;
  MenuModule menu(MenuModule::demo_pages());
  Context ctx(update(R"({"update_id":1,"message":{"chat":{"id":5},"text":"/start"}})"), sender);
  EXPECT_EQ(menu.on_update(ctx), Handled::kStop);
  ASSERT_EQ(sender.calls.size(), 1u);
  const auto& params = sender.calls[0].params;
  EXPECT_EQ(sender.calls[0].method, "sendMessage");
  EXPECT_NE(params.at("text").as_string().find("Welcome"), std::string::npos);
  const auto& keyboard = params.at("reply_markup").at("inline_keyboard").as_array();
  EXPECT_EQ(keyboard.at(0).at(0).at("callback_data").as_string(), "menu:about");
  EXPECT_EQ(keyboard.size(), 2u) << "the root page has no back button";
}

TEST(MenuModule, ButtonEditsInPlaceWithBackButton) {
  testing::RecordingSender sender;
  MenuModule menu(MenuModule::demo_pages());
  Context ctx(update(R"({"update_id":2,"callback_query":{"id":"q","from":{"id":5},
      "data":"menu:bots","message":{"message_id":10,"chat":{"id":5}}}})"),
              sender);
  menu.on_update(ctx);
  ASSERT_EQ(sender.calls.size(), 2u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_EQ(sender.calls[1].method, "editMessageText");
  EXPECT_EQ(sender.calls[1].params.at("message_id").as_int64(), 10);
  const auto& keyboard = sender.calls[1].params.at("reply_markup").at("inline_keyboard").as_array();
  EXPECT_EQ(keyboard.back().at(0).at("callback_data").as_string(), "menu:services");
}

TEST(MenuModule, StaleButtonIsAnsweredNotIgnored) {
  testing::RecordingSender sender;
  MenuModule menu(MenuModule::demo_pages());
  Context ctx(update(R"({"update_id":3,"callback_query":{"id":"q","from":{"id":5},
      "data":"menu:gone","message":{"message_id":10,"chat":{"id":5}}}})"),
              sender);
  menu.on_update(ctx);
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_NE(sender.calls[0].params.at("text").as_string().find("out of date"), std::string::npos);
}

TEST(MenuModule, DeepLinkOpensThePage) {
  testing::RecordingSender sender;
  MenuModule menu(MenuModule::demo_pages());
  Context ctx(update(R"({"update_id":4,"message":{"chat":{"id":5},"text":"/start contacts"}})"),
              sender);
  menu.on_update(ctx);
  EXPECT_EQ(sender.calls.at(0).params.at("text").as_string(), "Write to us any time.");
}

TEST(MenuModule, RejectsBrokenPages) {
  EXPECT_THROW(MenuModule(std::vector<MenuPage>{}), MenuError);
  EXPECT_THROW(MenuModule({{"a", "A", {{{"Go", "missing", ""}}}}}), MenuError);
  EXPECT_THROW(MenuModule({{"a", "A", {}}, {"a", "again", {}}}), MenuError);
  EXPECT_THROW(MenuModule({{"a", "A", {{{"Both", "a", "https://x"}}}}}), MenuError);
  EXPECT_THROW(MenuModule({{std::string(80, 'x'), "long id", {}}}), MenuError);
}

TEST(MenuModule, PagesFromTheConfigTable) {
  auto pages = MenuModule::parse_pages(boost::json::parse(R"([
    {"id": "home", "text": "Hi", "buttons": [[{"text": "Go", "page": "home"},
                                              {"text": "Web", "url": "https://example.org"}]]}
  ])"));
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].rows.at(0).at(0).page, "home");
  EXPECT_EQ(pages[0].rows.at(0).at(1).url, "https://example.org");
}

TEST(MenuModule, AMalformedConfigTableSaysWhichPage) {
  auto error = [](const char* json) {
    try {
      MenuModule::parse_pages(boost::json::parse(json));
    } catch (const MenuError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(R"({"id": "x"})"),
            "[modules.menu] pages must be an array of tables {id, text, buttons}");
  EXPECT_EQ(error(R"([{"id": "a", "text": "A"}, {"id": "b", "txt": "B"}])"),
            "[modules.menu] pages[2]: unknown key 'txt' (a page has id, text, buttons)");
  EXPECT_EQ(error(R"([{"id": "a", "buttons": ["x"]}])"),
            "[modules.menu] pages[1]: buttons is a list of rows (lists)");
}

}  // namespace
}  // namespace corebot::modules
