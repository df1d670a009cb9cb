#include "modules/admin/admin_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "content/reader/reader.hpp"
#include "modules/admin/texts.hpp"
#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

constexpr std::int64_t kAdmin = 1009;
constexpr std::int64_t kOperator = 2001;
constexpr std::int64_t kOwner = 3001;
constexpr std::int64_t kStranger = 1001;

using Menu = std::vector<std::pair<std::string, std::string>>;

// Another module with entries of its own in the admin menu, one for operators too.
class ShopModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override {
    ModuleInfo info;
    info.name = "shop";
    info.callback_prefix = "shop";
    info.admin_menu = {
        {"🛒 Orders", "shop:orders", Role::kOperator, {{"ru", "🛒 Заказы"}}},
        {"📦 Stock", "shop:stock"}};
    info.exports = {{"orders", "Orders"}};
    return info;
  }
  Handled on_update(Context&) override { return Handled::kStop; }
};

constexpr const char* kAdmins = "user,role\n1009,\n@the_boss,admin\n2001,operator\n3001,owner\n";

struct AdminFixture : ::testing::Test {
  explicit AdminFixture(const char* texts = "key,en\nhello,Hello\n") {
    registry.add(std::make_unique<AdminModule>());
    content = corebot::testing::make_content(
        {{"Pages", "id,text\nstart,Hi\n"}, {"Admins", kAdmins}, {"Texts", texts}}, registry);
    services.declare(admin.info());
    services.declare(ShopModule().info());
    services.set_content(content);
    admin.start(services);
  }
  // Each user's session goes on from their previous update, as the engine keeps it.
  std::shared_ptr<Context> make(json::object body, const char* kind, std::string lang = "en") {
    const std::int64_t user = body.at("from").at("id").as_int64();
    json::object update{{"update_id", ++update_id}, {kind, std::move(body)}};
    auto ctx = std::make_shared<Context>(std::move(update), sender);
    ctx->attach(content, nullptr);
    json::object session;
    if (auto it = previous.find(user); it != previous.end()) session = it->second->session();
    if (!lang.empty()) session["lang"] = lang;
    ctx->load_session(std::move(session));
    previous[user] = ctx;
    return ctx;
  }
  std::shared_ptr<Context> message(std::int64_t user, std::string text, std::string lang = "en",
                                   std::string username = "") {
    json::object from{{"id", user}};
    if (!username.empty()) from["username"] = username;
    return make({{"message_id", 1}, {"chat", {{"id", user}}}, {"from", from}, {"text", text}},
                "message", std::move(lang));
  }
  std::shared_ptr<Context> press(std::int64_t user, std::string data, std::string lang = "en") {
    return make({{"id", "q"},
                 {"from", {{"id", user}}},
                 {"data", data},
                 {"message", {{"message_id", 10}, {"chat", {{"id", user}}}, {"text", "x"}}}},
                "callback_query", std::move(lang));
  }
  // The texts of messages sent and edited, in order.
  std::vector<std::string> shown() const {
    std::vector<std::string> out;
    for (const auto& c : sender.calls) {
      if (c.method == "sendMessage" || c.method == "editMessageText") {
        out.emplace_back(c.params.at("text").as_string());
      }
    }
    return out;
  }
  const corebot::testing::RecordedCall& last_screen() const {
    for (auto it = sender.calls.rbegin(); it != sender.calls.rend(); ++it) {
      if (it->method == "sendMessage" || it->method == "editMessageText") return *it;
    }
    throw std::runtime_error("no screen shown");
  }
  std::vector<json::object> audit() {
    return services.collection("audit").find({}, FindOptions{.sort = {{"at", 1}}});
  }
  void add_user(std::int64_t id, std::string first_name, std::string username = "") {
    UserRecord u;
    u.id = id;
    u.first_name = std::move(first_name);
    u.username = std::move(username);
    u.language_code = "en";
    u.first_seen_ms = 1'767'225'600'000;  // 2026-01-01
    services.fake_users().records[id] = u;
  }

  int update_id = 0;
  std::map<std::int64_t, std::shared_ptr<Context>> previous;
  ModuleRegistry registry;
  std::shared_ptr<const content::ContentSnapshot> content;
  corebot::testing::RecordingSender sender;
  corebot::testing::FakeServices services{"admin"};
  AdminModule admin;
};

Menu menu_of(const json::object& params) {
  Menu out;
  for (const auto& row : params.at("reply_markup").at("inline_keyboard").as_array()) {
    EXPECT_EQ(row.as_array().size(), 1u) << "one button per row";
    const auto& b = row.as_array().at(0);
    out.emplace_back(b.at("text").as_string(), b.at("callback_data").as_string());
  }
  return out;
}

bool has(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(AdminFixture, CommandsAreNotPublishedAndTheSectionsAreDeclaredEntries) {
  const ModuleInfo info = admin.info();
  ASSERT_EQ(info.commands.size(), 2u);
  for (const auto& c : info.commands) EXPECT_TRUE(c.description.empty()) << c.name;
  ASSERT_EQ(info.admin_menu.size(), 7u);
  EXPECT_EQ(info.admin_menu.front().callback_data, "admin:stats");
  EXPECT_EQ(info.admin_menu.back().role, Role::kOwner);
}

TEST_F(AdminFixture, AnAdminSeesEverySectionButTheOwnersAndEveryModulesEntries) {
  EXPECT_EQ(admin.on_update(*message(kAdmin, "/admin")), Handled::kStop);
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].params.at("text").as_string(),
            "Admin panel. What would you like to do?");
  EXPECT_EQ(menu_of(sender.calls[0].params), (Menu{{"📊 Statistics", "admin:stats"},
                                                   {"👥 Users", "admin:users"},
                                                   {"📄 Content", "admin:content"},
                                                   {"🛠 Maintenance mode", "admin:maint"},
                                                   {"📤 Exports", "admin:exports"},
                                                   {"🛒 Orders", "shop:orders"},
                                                   {"📦 Stock", "shop:stock"}}));
}

TEST_F(AdminFixture, TheOwnerAlsoSeesAdmins) {
  admin.on_update(*message(kOwner, "/admin"));
  const Menu menu = menu_of(sender.calls.at(0).params);
  EXPECT_EQ(menu.size(), 9u);
  EXPECT_EQ(menu.at(5), (std::pair<std::string, std::string>{"🔑 Admins", "admin:admins"}));
  EXPECT_EQ(menu.at(6), (std::pair<std::string, std::string>{"💾 Backup", "admin:backup"}));
}

TEST_F(AdminFixture, AnOperatorSeesStatisticsAndSupportOnly) {
  admin.on_update(*message(kOperator, "/admin"));
  EXPECT_EQ(menu_of(sender.calls.at(0).params), (Menu{{"📊 Statistics", "admin:stats"},
                                                      {"👥 Users", "admin:users"},
                                                      {"🛒 Orders", "shop:orders"}}));
  EXPECT_EQ(admin.on_update(*message(kOperator, "/reload")), Handled::kContinue);
  EXPECT_TRUE(services.reloads.empty());
}

TEST_F(AdminFixture, ForgedButtonsAreCheckedForTheRole) {
  add_user(kStranger, "Ann");
  services.fake_admin().binding_list = {{"the_boss", 42, 1}};
  for (const char* data : {"admin:ban:1001", "admin:maint:on", "admin:exports",
                           "admin:export:users", "admin:reload", "admin:admins"}) {
    sender.calls.clear();
    EXPECT_EQ(admin.on_update(*press(kOperator, data)), Handled::kStop) << data;
    ASSERT_EQ(sender.calls.size(), 1u) << data;
    EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
    EXPECT_EQ(sender.calls[0].params.at("text").as_string(), "Your role does not allow this.");
  }
  for (const char* data : {"admin:admins", "admin:backup"}) {
    sender.calls.clear();
    admin.on_update(*press(kAdmin, data));
    EXPECT_EQ(sender.calls.at(0).params.at("text").as_string(), "Your role does not allow this.")
        << data;
  }
  EXPECT_EQ(services.fake_admin().backups_taken, 0);
  EXPECT_FALSE(services.fake_users().records[kStranger].banned);
  EXPECT_FALSE(services.fake_admin().maintenance_on);
  EXPECT_TRUE(services.reloads.empty());
  EXPECT_TRUE(services.recorded.calls.empty()) << "no export was sent";
}

TEST_F(AdminFixture, StrangersGetNothingAtAll) {
  EXPECT_EQ(admin.on_update(*message(kStranger, "/admin")), Handled::kContinue);
  EXPECT_EQ(admin.on_update(*message(kStranger, "/reload")), Handled::kContinue);
  EXPECT_EQ(admin.on_update(*message(kStranger, "hello")), Handled::kContinue);
  EXPECT_TRUE(sender.calls.empty());
  EXPECT_EQ(admin.on_update(*press(kStranger, "admin:stats")), Handled::kStop);
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_FALSE(sender.calls[0].params.contains("text")) << "nothing reveals the panel";
}

TEST_F(AdminFixture, WithoutContentOnlyTheEngineGivesRoles) {
  auto ctx = message(kAdmin, "/admin");
  ctx->attach(nullptr, nullptr);
  EXPECT_EQ(admin.on_update(*ctx), Handled::kContinue);
  ctx->set_role(Role::kOwner);  // [admin] owners, as the engine resolves it
  EXPECT_EQ(admin.on_update(*ctx), Handled::kStop);
}

TEST_F(AdminFixture, StatisticsShowUsersAndTheEngine) {
  Users::Statistics& s = services.fake_users().stats;
  s.total = 120;
  s.new_24h = 3;
  s.active_7d = 40;
  s.blocked = 5;
  s.by_language = {{"ru", 80}, {"en", 40}};
  s.updates_today = 77;
  services.fake_admin().engine_figures = {4, 12.5, 3700, "0.1.0"};
  admin.on_update(*press(kOperator, "admin:stats"));
  const std::string text(last_screen().params.at("text").as_string());
  EXPECT_EQ(last_screen().method, "editMessageText");
  for (const char* part : {"Users: 120", "New: 3 (24 h)", "· 40 (7 d)", "Blocked the bot: 5",
                           "Languages: ru 80, en 40", "Updates today: 77",
                           "Queue now: 4 · sending 12.5/s", "Uptime: 1 h 1 min · version 0.1.0"}) {
    EXPECT_TRUE(has(text, part)) << part << " in\n" << text;
  }
  EXPECT_EQ(menu_of(last_screen().params).at(0).second, "admin:chart");
}

TEST_F(AdminFixture, TheChartIsAPngPhoto) {
  for (int i = 0; i < 30; ++i) {
    services.fake_users().stats.days.push_back(
        {1'767'225'600'000 + i * 86'400'000LL, i % 7, 10 + i});
  }
  admin.on_update(*press(kOperator, "admin:chart"));
  ASSERT_EQ(services.recorded.calls.size(), 1u);
  const auto& call = services.recorded.calls[0];
  EXPECT_EQ(call.method, "sendPhoto");
  EXPECT_EQ(call.params.at("chat_id").as_int64(), kOperator);
  ASSERT_EQ(call.files.size(), 1u);
  EXPECT_EQ(call.files[0].field, "photo");
  EXPECT_EQ(call.files[0].data.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(call.priority, Priority::kAdmin);
}

TEST_F(AdminFixture, FindAUserThenBanUnbanAndTagThemWithAnAuditTrail) {
  add_user(kStranger, "Ann", "ann_k");
  add_user(1002, "Bob");
  admin.on_update(*press(kAdmin, "admin:users"));
  EXPECT_TRUE(has(shown().back(), "Send a user's id"));
  // The typed answer is the panel's, not the pages'.
  EXPECT_EQ(admin.on_update(*message(kAdmin, "@ann_k")), Handled::kStop);
  std::string card(last_screen().params.at("text").as_string());
  EXPECT_TRUE(has(card, "👤 Ann\nid 1001 · @ann_k")) << card;
  EXPECT_TRUE(has(card, "Banned: no")) << card;
  EXPECT_EQ(menu_of(last_screen().params).at(0).second, "admin:ban:1001");

  admin.on_update(*press(kAdmin, "admin:ban:1001"));
  EXPECT_TRUE(services.fake_users().records[kStranger].banned);
  EXPECT_TRUE(has(shown().back(), "User 1001 is banned")) << shown().back();
  admin.on_update(*press(kAdmin, "admin:unban:1001"));
  EXPECT_FALSE(services.fake_users().records[kStranger].banned);

  admin.on_update(*press(kAdmin, "admin:tag:1001"));
  admin.on_update(*message(kAdmin, "bad tag!"));
  EXPECT_TRUE(has(shown().back(), "is not a tag")) << shown().back();
  admin.on_update(*message(kAdmin, "vip"));
  EXPECT_EQ(services.fake_users().records[kStranger].tags, std::vector<std::string>{"vip"});
  admin.on_update(*press(kAdmin, "admin:untag:1001:vip"));
  EXPECT_TRUE(services.fake_users().records[kStranger].tags.empty());

  ASSERT_TRUE(services.run_store_until([&] { return audit().size() == 4; }));
  const auto entries = audit();
  EXPECT_EQ(entries[0].at("action").as_string(), "ban");
  EXPECT_EQ(entries[0].at("by").as_int64(), kAdmin);
  EXPECT_EQ(entries[0].at("role").as_string(), "admin");
  EXPECT_EQ(entries[0].at("target").as_string(), "1001");
  EXPECT_EQ(entries[0].at("before"), json::value(false));
  EXPECT_EQ(entries[0].at("after"), json::value(true));
  EXPECT_EQ(entries[1].at("action").as_string(), "unban");
  EXPECT_EQ(entries[2].at("action").as_string(), "add_tag");
  EXPECT_EQ(entries[3].at("action").as_string(), "remove_tag");
}

TEST_F(AdminFixture, AnOperatorLooksButCannotChange) {
  add_user(kStranger, "Ann");
  admin.on_update(*press(kOperator, "admin:users"));
  admin.on_update(*message(kOperator, "1001"));
  EXPECT_EQ(menu_of(last_screen().params), (Menu{{"« Menu", "admin:menu"}}));
}

TEST_F(AdminFixture, ANameMatchingSeveralUsersListsThem) {
  add_user(kStranger, "Ann Lee");
  add_user(1002, "Ann Roe");
  admin.on_update(*press(kAdmin, "admin:users"));
  admin.on_update(*message(kAdmin, "ann"));
  EXPECT_EQ(shown().back(), "Found 2:");
  EXPECT_EQ(menu_of(last_screen().params).at(1).second, "admin:user:1002");
  admin.on_update(*message(kAdmin, "ann"));
  EXPECT_EQ(shown().size(), 2u) << "the prompt ended: a later text is not a search";
}

TEST_F(AdminFixture, MaintenanceIsToggledAndAudited) {
  admin.on_update(*press(kAdmin, "admin:maint"));
  EXPECT_TRUE(has(shown().back(), "off")) << shown().back();
  admin.on_update(*press(kAdmin, "admin:maint:on"));
  EXPECT_TRUE(services.fake_admin().maintenance_on);
  EXPECT_TRUE(has(shown().back(), "ON")) << shown().back();
  admin.on_update(*press(kAdmin, "admin:maint:off"));
  EXPECT_FALSE(services.fake_admin().maintenance_on);
  ASSERT_TRUE(services.run_store_until([&] { return audit().size() == 2; }));
  EXPECT_EQ(audit()[0].at("action").as_string(), "maintenance");
  EXPECT_EQ(audit()[0].at("after"), json::value(true));
}

TEST_F(AdminFixture, ReloadSaysSoAtOnceThenSendsTheReportAndWhatChanged) {
  EXPECT_EQ(admin.on_update(*message(kAdmin, "/reload")), Handled::kStop);
  EXPECT_EQ(shown(), std::vector<std::string>{"Reloading the content…"});
  ASSERT_EQ(services.reloads.size(), 1u);
  services.set_content(corebot::testing::make_content(
      {{"Pages", "id,text\nstart,Hello\nprices,Cheap\n"}, {"Admins", kAdmins}}, registry));
  services.finish_reload({true, "Content reloaded: 2 pages."});
  EXPECT_EQ(shown().back(),
            "Content reloaded: 2 pages.\n\nWhat changed: 1 page(s) added, 0 removed, 1 edited.\n"
            "Added: prices\nEdited: start");
  ASSERT_TRUE(services.run_store_until([&] { return audit().size() == 1; }));
  EXPECT_EQ(audit()[0].at("after").at("added").as_array().at(0).as_string(), "prices");
}

TEST_F(AdminFixture, AReloadWithErrorsKeepsTheOldContentAndSaysWhy) {
  admin.on_update(*press(kAdmin, "admin:reload"));
  services.finish_reload({false, "The spreadsheet has 1 error: Pages!B2: ..."});
  EXPECT_EQ(shown().back(), "The spreadsheet has 1 error: Pages!B2: ...");
}

TEST_F(AdminFixture, TheOwnerGetsABackupFileAndTheAuditSaysSo) {
  const std::string file("SQLite format 3\0 pages", 22);  // binary: a NUL inside
  services.fake_admin().backup = StoreBackup{file, 4};
  admin.on_update(*press(kOwner, "admin:backup"));
  EXPECT_EQ(services.fake_admin().backups_taken, 1);
  EXPECT_EQ(services.fake_admin().backup_limit, 50u << 20) << "Telegram's limit for a bot's file";
  EXPECT_EQ(last_screen().params.at("text").as_string(),
            "💾 Taking a backup of the bot's data. The file follows in a moment.");
  ASSERT_TRUE(services.run_store_until([&] { return !services.recorded.calls.empty(); }));
  const auto& call = services.recorded.calls.at(0);
  EXPECT_EQ(call.method, "sendDocument");
  EXPECT_EQ(call.priority, Priority::kAdmin);
  EXPECT_EQ(call.params.at("caption").as_string(),
            "💾 Backup of 2026-01-01-0000: 4 collection(s). It holds your users' data: keep it "
            "private. To restore it on the server: corebot restore FILE");
  ASSERT_EQ(call.files.size(), 1u);
  EXPECT_EQ(call.files[0].filename, "corebot-backup-2026-01-01-0000.db");
  EXPECT_EQ(call.files[0].content_type, "application/vnd.sqlite3");
  EXPECT_EQ(call.files[0].data, file);
  ASSERT_TRUE(services.run_store_until([&] { return !audit().empty(); }));
  EXPECT_EQ(audit().back().at("action"), "backup");
  EXPECT_EQ(audit().back().at("target"), "corebot-backup-2026-01-01-0000.db");
}

TEST_F(AdminFixture, AFailedBackupIsExplainedInTheOwnersLanguage) {
  services.fake_admin().backup_error =
      "the backup is 62.3 MB, more than the 50.0 MB Telegram "
      "takes from a bot: take it on the server with `corebot "
      "backup FILE` (docs/install.md, Backups)";
  admin.on_update(*press(kOwner, "admin:backup", "ru"));
  EXPECT_EQ(last_screen().params.at("text").as_string(),
            "💾 Резервная копия не получилась: the backup is 62.3 MB, more than the 50.0 MB "
            "Telegram takes from a bot: take it on the server with `corebot backup FILE` "
            "(docs/install.md, Backups)");
  EXPECT_TRUE(services.recorded.calls.empty());
}

TEST_F(AdminFixture, ExportsAreXlsxDocumentsThatReadBack) {
  add_user(kStranger, "Ann", "ann_k");
  add_user(1002, "Борис");
  services.fake_users().records[1002].tags = {"vip", "new"};
  admin.on_update(*press(kAdmin, "admin:exports"));
  EXPECT_EQ(menu_of(last_screen().params), (Menu{{"Users", "admin:export:users"},
                                                 {"Audit log", "admin:export:audit"},
                                                 {"Orders", "admin:export:m:shop:orders"},
                                                 {"« Menu", "admin:menu"}}));
  admin.on_update(*press(kAdmin, "admin:export:users"));
  ASSERT_TRUE(services.run_store_until([&] { return !services.recorded.calls.empty(); }));
  const auto& call = services.recorded.calls.at(0);
  EXPECT_EQ(call.method, "sendDocument");
  EXPECT_EQ(call.params.at("caption").as_string(), "users: 2 row(s)");
  ASSERT_EQ(call.files.size(), 1u);
  EXPECT_EQ(call.files[0].filename, "users-2026-01-01.xlsx");
  auto book = content::read_workbook_bytes(call.files[0].data, content::Format::kXlsx, "x.xlsx");
  ASSERT_TRUE(book.ok()) << book.error;
  const auto& sheet = book.workbook->sheets.at(0);
  EXPECT_EQ(sheet.at(0, 0).text, "id");
  EXPECT_EQ(sheet.at(1, 0).text, "1001");
  EXPECT_EQ(sheet.at(1, 3).text, "ann_k");
  EXPECT_EQ(sheet.at(2, 1).text, "Борис");
  EXPECT_EQ(sheet.at(2, 9).text, "vip, new");

  services.fake_admin().collections["shop.orders"] = {{{"_id", "o1"}, {"total", 12.5}}};
  admin.on_update(*press(kAdmin, "admin:export:m:shop:orders"));
  ASSERT_TRUE(services.run_store_until([&] { return services.recorded.calls.size() == 2; }));
  auto orders = content::read_workbook_bytes(services.recorded.calls[1].files.at(0).data,
                                             content::Format::kXlsx, "o.xlsx");
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ(orders.workbook->sheets.at(0).at(1, 1).text, "12.5");
}

TEST_F(AdminFixture, TheOwnerSeesRolesAndBindings) {
  services.fake_admin().binding_list = {{"the_boss", 42, 1'767'225'600'000}};
  admin.on_update(*press(kOwner, "admin:admins"));
  const std::string text = shown().back();
  EXPECT_TRUE(has(text, "• 2001 — operator")) << text;
  EXPECT_TRUE(has(text, "• @the_boss — admin, bound to id 42 since 2026-01-01 00:00 UTC")) << text;
}

TEST_F(AdminFixture, TheFirstRunCodeMakesTheOwnerAndOtherStartsGoOn) {
  services.fake_admin().code = "c0de";
  EXPECT_EQ(admin.on_update(*message(kStranger, "/start wrong")), Handled::kContinue);
  EXPECT_EQ(admin.on_update(*message(kStranger, "/start")), Handled::kContinue);
  EXPECT_EQ(services.fake_admin().owner, 0);
  EXPECT_EQ(admin.on_update(*message(kStranger, "/start c0de")), Handled::kStop);
  EXPECT_EQ(services.fake_admin().owner, kStranger);
  EXPECT_TRUE(has(shown().back(), "You are the owner of this bot now")) << shown().back();
  EXPECT_EQ(admin.on_update(*message(1002, "/start c0de")), Handled::kContinue) << "void now";
}

TEST_F(AdminFixture, RussianByLanguage) {
  admin.on_update(*message(kAdmin, "/admin", "ru"));
  EXPECT_EQ(sender.calls.at(0).params.at("text").as_string(),
            "Панель администратора. Что сделать?");
  const Menu menu = menu_of(sender.calls.at(0).params);
  EXPECT_EQ(menu.at(0).first, "📊 Статистика");
  EXPECT_EQ(menu.at(5).first, "🛒 Заказы") << "a module's entry in the admin's language";
  admin.on_update(*message(kAdmin, "/reload", "ru"));
  EXPECT_EQ(shown().back(), "Обновляю контент…");
}

TEST(AdminTexts, EveryTextHasEnglishAndRussianAndFormatFillsHoles) {
  EXPECT_GT(admin::all_keys().size(), 40u);
  EXPECT_EQ(admin::format("{} of {}", {"1", "2"}), "1 of 2");
  EXPECT_EQ(admin::format("{} of {}", {"1"}), "1 of {}");
}

struct AdminTextsFixture : AdminFixture {
  AdminTextsFixture()
      : AdminFixture(
            "key,en,ru\nadmin_menu,Boss panel,Пульт\nadmin_button_stats,Numbers,Цифры\n"
            "admin_reloading,One moment,Минуту\n") {}
};

TEST_F(AdminTextsFixture, TheOwnerOverridesTextsInTheTextsSheet) {
  admin.on_update(*message(kAdmin, "/admin", "ru"));
  EXPECT_EQ(sender.calls.at(0).params.at("text").as_string(), "Пульт");
  EXPECT_EQ(menu_of(sender.calls.at(0).params).at(0).first, "Цифры");
  admin.on_update(*message(kAdmin, "/reload", "en"));
  EXPECT_EQ(shown().back(), "One moment");
}

TEST(AdminFactory, IsOnByDefaultAndMakesTheModule) {
  const ModuleFactory f = admin_factory();
  EXPECT_EQ(f.name, "admin");
  EXPECT_EQ(f.when, ModuleDefault::kOn);
  EXPECT_EQ(f.make()->info().name, f.name);
}

}  // namespace
}  // namespace corebot::modules
