#include "modules/admin/admin_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

constexpr std::int64_t kAdmin = 1009;
constexpr std::int64_t kStranger = 1001;

// Another module with an entry of its own in the admin menu.
class ShopModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override {
    ModuleInfo info;
    info.name = "shop";
    info.callback_prefix = "shop";
    info.admin_menu = {{"🛒 Orders", "shop:orders"}, {"📦 Stock", "shop:stock"}};
    return info;
  }
  Handled on_update(Context&) override { return Handled::kStop; }
};

struct AdminFixture : ::testing::Test {
  explicit AdminFixture(const char* texts = "key,en\nhello,Hello\n") {
    registry.add(std::make_unique<AdminModule>());
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", "user\n1009\n@the_boss\n"}, {"Texts", texts}},
        registry);
    services.declare(admin.info());
    services.declare(ShopModule().info());
    admin.start(services);
  }
  std::shared_ptr<Context> make(json::object body, const char* kind, std::string lang = "en") {
    json::object update{{"update_id", ++update_id}, {kind, std::move(body)}};
    auto ctx = std::make_shared<Context>(std::move(update), sender);
    ctx->attach(content, nullptr);
    if (!lang.empty()) ctx->load_session({{"lang", lang}});
    return ctx;
  }
  std::shared_ptr<Context> message(std::int64_t user, std::string text, std::string lang = "en",
                                   std::string username = "") {
    json::object from{{"id", user}};
    if (!username.empty()) from["username"] = username;
    return make({{"message_id", 1}, {"chat", {{"id", user}}}, {"from", from}, {"text", text}},
                "message", std::move(lang));
  }
  std::shared_ptr<Context> press(std::int64_t user, std::string data) {
    return make({{"id", "q"},
                 {"from", {{"id", user}}},
                 {"data", data},
                 {"message", {{"message_id", 10}, {"chat", {{"id", user}}}, {"text", "x"}}}},
                "callback_query");
  }
  std::vector<std::string> sent_texts() const {
    std::vector<std::string> out;
    for (const auto& c : sender.calls) {
      if (c.method == "sendMessage") out.emplace_back(c.params.at("text").as_string());
    }
    return out;
  }

  int update_id = 0;
  ModuleRegistry registry;
  std::shared_ptr<const content::ContentSnapshot> content;
  corebot::testing::RecordingSender sender;
  corebot::testing::FakeServices services{"admin"};
  AdminModule admin;
};

std::vector<std::pair<std::string, std::string>> menu_of(const json::object& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : params.at("reply_markup").at("inline_keyboard").as_array()) {
    EXPECT_EQ(row.as_array().size(), 1u) << "one button per row";
    const auto& b = row.as_array().at(0);
    out.emplace_back(b.at("text").as_string(), b.at("callback_data").as_string());
  }
  return out;
}

TEST_F(AdminFixture, CommandsAreNotPublished) {
  const ModuleInfo info = admin.info();
  ASSERT_EQ(info.commands.size(), 2u);
  for (const auto& c : info.commands) EXPECT_TRUE(c.description.empty()) << c.name;
  EXPECT_TRUE(info.admin_menu.empty()) << "its own entry is built per language, not declared";
}

TEST_F(AdminFixture, AdminMenuListsReloadThenEveryModulesEntries) {
  EXPECT_EQ(admin.on_update(*message(kAdmin, "/admin")), Handled::kStop);
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].params.at("text").as_string(),
            "Admin panel. What would you like to do?");
  EXPECT_EQ(menu_of(sender.calls[0].params),
            (std::vector<std::pair<std::string, std::string>>{{"🔄 Reload content", "admin:reload"},
                                                              {"🛒 Orders", "shop:orders"},
                                                              {"📦 Stock", "shop:stock"}}));
}

TEST_F(AdminFixture, AnAdminByUsernameGetsTheMenuToo) {
  EXPECT_EQ(admin.on_update(*message(42, "/admin", "en", "The_Boss")), Handled::kStop);
  EXPECT_EQ(sender.calls.size(), 1u);
}

TEST_F(AdminFixture, OthersAreNotAnsweredSoTheBotTreatsItAsUnknown) {
  EXPECT_EQ(admin.on_update(*message(kStranger, "/admin")), Handled::kContinue);
  EXPECT_EQ(admin.on_update(*message(kStranger, "/reload")), Handled::kContinue);
  EXPECT_TRUE(sender.calls.empty());
  EXPECT_TRUE(services.reloads.empty());
}

TEST_F(AdminFixture, WithoutContentNobodyIsAdmin) {
  auto ctx = message(kAdmin, "/admin");
  ctx->attach(nullptr, nullptr);
  EXPECT_EQ(admin.on_update(*ctx), Handled::kContinue);
  EXPECT_TRUE(sender.calls.empty());
}

TEST_F(AdminFixture, ReloadSaysSoAtOnceThenSendsTheReport) {
  EXPECT_EQ(admin.on_update(*message(kAdmin, "/reload")), Handled::kStop);
  EXPECT_EQ(sent_texts(), std::vector<std::string>{"Reloading the content…"});
  ASSERT_EQ(services.reloads.size(), 1u);
  services.finish_reload({true, "Content reloaded: 1 page, 1 language, 2 admins."});
  EXPECT_EQ(sent_texts(),
            (std::vector<std::string>{"Reloading the content…",
                                      "Content reloaded: 1 page, 1 language, 2 admins."}));
  EXPECT_EQ(sender.calls.back().params.at("chat_id").as_int64(), kAdmin);
}

TEST_F(AdminFixture, TheReloadButtonReloadsToo) {
  EXPECT_EQ(admin.on_update(*press(kAdmin, "admin:reload")), Handled::kStop);
  ASSERT_EQ(services.reloads.size(), 1u);
  EXPECT_EQ(sender.calls.at(0).method, "answerCallbackQuery");
  services.finish_reload({false, "The spreadsheet has 1 error."});
  EXPECT_EQ(sent_texts(),
            (std::vector<std::string>{"Reloading the content…", "The spreadsheet has 1 error."}));
}

TEST_F(AdminFixture, AForgedButtonFromANonAdminDoesNothing) {
  EXPECT_EQ(admin.on_update(*press(kStranger, "admin:reload")), Handled::kStop);
  EXPECT_TRUE(services.reloads.empty());
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_FALSE(sender.calls[0].params.contains("text")) << "nothing reveals the panel";
}

TEST_F(AdminFixture, AnUnknownButtonIsAnsweredAsOutOfDate) {
  admin.on_update(*press(kAdmin, "admin:gone"));
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_NE(std::string(sender.calls[0].params.at("text").as_string()).find("out of date"),
            std::string::npos);
  EXPECT_TRUE(services.reloads.empty());
}

TEST_F(AdminFixture, RussianByLanguage) {
  admin.on_update(*message(kAdmin, "/admin", "ru"));
  EXPECT_EQ(sender.calls.at(0).params.at("text").as_string(),
            "Панель администратора. Что сделать?");
  EXPECT_EQ(menu_of(sender.calls.at(0).params).at(0).first, "🔄 Обновить контент");
  admin.on_update(*message(kAdmin, "/reload", "ru"));
  EXPECT_EQ(sent_texts().back(), "Обновляю контент…");
}

struct AdminTextsFixture : AdminFixture {
  AdminTextsFixture()
      : AdminFixture(
            "key,en,ru\nadmin_menu,Boss panel,Пульт\nadmin_reload_button,Refresh,Обновить\n"
            "admin_reloading,One moment,Минуту\n") {}
};

TEST_F(AdminTextsFixture, TheOwnerOverridesTextsInTheTextsSheet) {
  admin.on_update(*message(kAdmin, "/admin", "ru"));
  EXPECT_EQ(sender.calls.at(0).params.at("text").as_string(), "Пульт");
  EXPECT_EQ(menu_of(sender.calls.at(0).params).at(0).first, "Обновить");
  admin.on_update(*message(kAdmin, "/reload", "en"));
  EXPECT_EQ(sent_texts().back(), "One moment");
}

TEST(AdminFactory, IsOnByDefaultAndMakesTheModule) {
  const ModuleFactory f = admin_factory();
  EXPECT_EQ(f.name, "admin");
  EXPECT_EQ(f.when, ModuleDefault::kOn);
  EXPECT_EQ(f.make()->info().name, f.name);
}

}  // namespace
}  // namespace corebot::modules
