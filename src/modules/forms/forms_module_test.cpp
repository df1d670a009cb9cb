#include "modules/forms/forms_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "corebot/registry.hpp"
#include "corebot/store.hpp"
#include "corebot/utf8.hpp"
#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/inbox.hpp"
#include "tests/fakes/recording_sender.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

constexpr const char* kPages = "id,text,buttons\nstart,Hi,Apply -> form:apply\n";
constexpr const char* kForms =
    "form,field,question,type,options,required,label\n"
    "apply,name,Name?,text,,,Name\n"
    "apply,size,Size?,choice,S | M | L,,Size\n"
    "apply,mail,Mail?,email,,no,E-mail\n"
    "apply,phone,Phone?,phone,,,Phone\n"
    "call,phone,Phone?,phone,,no,Phone\n"
    "call,note,Note?,text,,,Note\n";

// Plays one user against the module, carrying the session between updates like the engine.
struct FormsFixture : ::testing::Test {
  FormsFixture() {
    registry.add(std::make_unique<FormsModule>());
    content = corebot::testing::make_content(
        {{"Pages", kPages}, {"Forms", kForms}, {"Admins", "user\n77\n@boss_name\n"}}, registry);
  }
  Handled run(json::object body, const char* kind) {
    body["from"] = json::object{{"id", 5}, {"first_name", "Ann"}};
    json::object update{{"update_id", ++id}, {kind, body}};
    auto ctx = std::make_shared<Context>(update, sender);  // shared: the module may hold() it
    ctx->attach(content, store, &users);
    ctx->load_session(session);
    Handled h = forms.on_update(*ctx);
    session = ctx->session();
    return h;
  }
  Handled say(std::string text) {
    return run({{"message_id", id}, {"chat", {{"id", 5}}}, {"text", text}}, "message");
  }
  Handled press(std::string data) {
    return run({{"id", "q"},
                {"data", data},
                {"message", {{"message_id", 3}, {"chat", {{"id", 5}}}, {"text", "x"}}}},
               "callback_query");
  }
  std::string last_text() const {
    for (auto it = sender.calls.rbegin(); it != sender.calls.rend(); ++it) {
      if (it->method == "sendMessage" && it->params.at("chat_id") == 5) {
        return std::string(it->params.at("text").as_string());
      }
    }
    return {};
  }
  // How many messages since call `from` took the reply keyboard away.
  std::size_t removals_since(std::size_t from) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < sender.calls.size(); ++i) {
      const json::value* markup = sender.calls[i].params.if_contains("reply_markup");
      if (markup && markup->is_object() && markup->as_object().contains("remove_keyboard")) ++n;
    }
    return n;
  }
  bool keyboard_shown() const {
    for (const auto& call : sender.calls) {
      const json::value* markup = call.params.if_contains("reply_markup");
      if (markup && markup->is_object() && markup->as_object().contains("keyboard")) return true;
    }
    return false;
  }
  ModuleRegistry registry;
  std::shared_ptr<const content::ContentSnapshot> content;
  corebot::testing::RecordingSender sender;
  FormsModule forms;
  // Answers every question of the "apply" form up to its summary (Ann, size S, no e-mail, a
  // phone), so a test can go on with Send.
  void fill_the_form() {
    press("form:apply");
    say("Ann");
    press("form:~a:size:0");
    press("form:~skip");
    say("+44 20 7946 0000");
  }
  AsyncStore* store = nullptr;        // none unless a test sets one
  corebot::testing::FakeUsers users;  // the bot's users, for admins listed by @username
  json::object session;
  std::int64_t id = 0;
};

TEST_F(FormsFixture, AnotherCommandEndsTheFormSoTheNextMessageIsNotAnAnswer) {
  EXPECT_TRUE(forms.info().sees_all_commands);
  press("form:apply");
  EXPECT_EQ(last_text(), "Name?");
  const size_t sent = sender.calls.size();
  EXPECT_EQ(say("/start"), Handled::kContinue) << "the pages module shows the start page";
  EXPECT_EQ(sender.calls.size(), sent) << "quietly";
  EXPECT_EQ(say("Ann"), Handled::kContinue) << "no form in progress any more";
  EXPECT_EQ(sender.calls.size(), sent);
}

// A payment that completes while the user is in a form (they paid an invoice sent before) is a
// service message for the shop: forms lets it through instead of taking it as a wrong answer.
TEST_F(FormsFixture, AServiceMessageMidFormGoesOnToTheNextModule) {
  press("form:apply");
  EXPECT_EQ(last_text(), "Name?");
  const size_t sent = sender.calls.size();
  EXPECT_EQ(run({{"message_id", 60},
                 {"chat", {{"id", 5}}},
                 {"successful_payment",
                  {{"currency", "XTR"},
                   {"total_amount", 50},
                   {"invoice_payload", "order:1"},
                   {"telegram_payment_charge_id", "c1"},
                   {"provider_payment_charge_id", ""}}}},
                "message"),
            Handled::kContinue);
  EXPECT_EQ(sender.calls.size(), sent) << "forms said nothing";
  say("Ann");  // the form is still where it was
  EXPECT_EQ(last_text(), "Size?");
}

TEST_F(FormsFixture, AWholeFormWithValidationSkipAndConfirm) {
  EXPECT_EQ(say("hello"), Handled::kContinue) << "no form in progress: not ours";
  press("form:apply");
  EXPECT_EQ(last_text(), "Name?");
  say("  Ann Lee ");
  EXPECT_EQ(last_text(), "Size?");
  say("XL");
  EXPECT_EQ(last_text(), "Please choose one of the buttons.");
  press("form:~a:name:0");  // a button of another question
  EXPECT_EQ(sender.calls.back().params.at("text"), "This question was already answered.");
  press("form:~a:size:9");
  EXPECT_EQ(sender.calls.back().params.at("text"), "This question was already answered.");
  press("form:~a:size:1");
  EXPECT_EQ(last_text(), "Mail?");
  press("form:~skip");
  EXPECT_EQ(last_text(), "Press the button below to share your number, or type it.");
  press("form:~skip");  // phone is required
  EXPECT_EQ(sender.calls.back().method, "answerCallbackQuery");
  run({{"message_id", 50},
       {"chat", {{"id", 5}}},
       {"contact", {{"phone_number", "+44 20 7946 0000"}, {"user_id", 5}}}},
      "message");
  const std::string summary = last_text();
  EXPECT_NE(summary.find("Name: Ann Lee\nSize: M\nE-mail: —\nPhone: +442079460000"),
            std::string::npos)
      << summary;
  say("more text");
  EXPECT_EQ(last_text(), "Please press Send, Start over or Cancel above.");
  sender.calls.clear();
  press("form:~ok");
  // The lead goes to the admin listed by id (an @username has no chat yet), then thanks.
  ASSERT_GE(sender.calls.size(), 3u);
  EXPECT_EQ(sender.calls[1].params.at("chat_id"), 77);
  EXPECT_EQ(sender.calls[1].priority, Priority::kNotification);
  EXPECT_NE(sender.calls[1].params.at("text").as_string().find("Size: M"), std::string::npos);
  EXPECT_NE(last_text().find("Thank you"), std::string::npos);
  EXPECT_FALSE(session.contains("forms"));
  press("form:~ok");  // pressed twice: nothing more is sent to the admin
  EXPECT_EQ(sender.calls.back().method, "answerCallbackQuery");
}

// Two long answers make a summary and a lead longer than one message may be: both arrive in
// several messages, each within Telegram's 4096, the buttons on the summary's last part.
TEST_F(FormsFixture, ALongSummaryAndLeadAreSplitIntoMessagesTelegramTakes) {
  // Five questions answered at the longest an answer may be (1,000 characters).
  content = corebot::testing::make_content(
      {{"Pages", "id,text,buttons\nstart,Hi,Write -> form:essay\n"},
       {"Forms",
        "form,field,question,type,options,required,label\n"
        "essay,a,A?,text,,,A\nessay,b,B?,text,,,B\nessay,c,C?,text,,,C\n"
        "essay,d,D?,text,,,D\nessay,e,E?,text,,,E\n"},
       {"Admins", "user\n77\n"}},
      registry);
  const std::string long_answer(1000, 'x');
  press("form:essay");
  for (int i = 0; i < 5; ++i) say(long_answer);
  ASSERT_GE(sender.calls.size(), 2u);
  const auto& last = sender.calls.back();
  const auto& before = sender.calls[sender.calls.size() - 2];
  EXPECT_TRUE(last.params.contains("reply_markup")) << "Send / Start over / Cancel";
  EXPECT_FALSE(before.params.contains("reply_markup"));
  std::size_t summary_parts = 0;
  for (const auto& call : sender.calls) {
    if (call.method != "sendMessage") continue;
    EXPECT_LE(utf8::utf16_length(call.params.at("text").as_string()), 4096u);
    if (call.params.at("text").as_string().find(long_answer.substr(0, 100)) != std::string::npos) {
      ++summary_parts;
    }
  }
  EXPECT_GE(summary_parts, 1u);
  // The lead to the admin (id 77) comes in two messages too.
  sender.calls.clear();
  press("form:~ok");
  std::size_t to_admin = 0;
  for (const auto& call : sender.calls) {
    if (call.method != "sendMessage" || call.params.at("chat_id") != 77) continue;
    ++to_admin;
    EXPECT_LE(utf8::utf16_length(call.params.at("text").as_string()), 4096u);
  }
  EXPECT_EQ(to_admin, 2u);
}

// Leads for an admin listed by @username (issue 10): the name is bound to the first account that
// wrote with it while listed (corebot/admin.hpp). Here @boss_name was bound to 66, which has
// since dropped the name; 88 holds it now and has written since. The lead goes to 66, the bound
// account; 88, the name's new holder, gets nothing.
TEST_F(FormsFixture, AnAdminListedByUsernameGetsTheLeadAtTheBoundAccountNotTheNamesNewHolder) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("corebot_forms_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto documents =
      std::shared_ptr<DocumentStore>(open_store("sqlite://" + (dir / "b.db").string()));
  users.records[66] = UserRecord{.id = 66, .username = "boss_renamed", .last_seen_ms = 1000};
  users.records[88] = UserRecord{.id = 88, .username = "Boss_Name", .last_seen_ms = 5000};
  corebot::testing::FakeServices services("forms");
  services.fake_admin().binding_list = {AdminBinding{"boss_name", 66, 500}};
  forms.start(services);
  corebot::testing::Inbox inbox;
  {
    AsyncStore async(documents, [&](std::function<void()> fn) { inbox.post(std::move(fn)); });
    store = &async;
    fill_the_form();
    sender.calls.clear();
    press("form:~ok");
    inbox.run_one();  // the lead is saved, then sent
    store = nullptr;
  }
  std::vector<json::value> chats;
  for (const auto& call : sender.calls) {
    if (call.method == "sendMessage" && call.params.at("text").as_string().starts_with("New")) {
      chats.push_back(call.params.at("chat_id"));
    }
  }
  EXPECT_EQ(chats, (std::vector<json::value>{77, 66}));
  EXPECT_TRUE(users.held.empty());
  const auto leads = documents->collection("forms.leads").find({});
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0].at("form"), json::value("apply"));
  EXPECT_EQ(leads[0].at("user_id"), 5);
  EXPECT_EQ(leads[0].at("answers").at("name"), json::value("Ann"));
  EXPECT_EQ(leads[0].at("answers").at("phone"), json::value("+442079460000"));
  documents.reset();
  std::filesystem::remove_all(dir);
}

// Not bound yet: nobody has written with @boss_name since it was listed. 88 held the name when it
// last wrote, but it is not sent the lead on that ground: the lead is kept for the name and goes
// to the next account that writes with it, which that message binds.
TEST_F(FormsFixture, AnUnboundUsernameHasTheLeadKeptForItNotSentToWhoeverHeldIt) {
  users.records[88] = UserRecord{.id = 88, .username = "boss_name", .last_seen_ms = 5000};
  corebot::testing::FakeServices services("forms");
  forms.start(services);
  fill_the_form();
  sender.calls.clear();
  press("form:~ok");  // no store: the lead is only sent
  std::vector<json::value> chats;
  for (const auto& call : sender.calls) {
    if (call.method == "sendMessage" && call.params.at("text").as_string().starts_with("New")) {
      chats.push_back(call.params.at("chat_id"));
    }
  }
  EXPECT_EQ(chats, (std::vector<json::value>{77}));
  ASSERT_EQ(users.held.size(), 1u);
  EXPECT_EQ(users.held[0].user_id, 0);
  EXPECT_EQ(users.held[0].username, "boss_name");
  EXPECT_TRUE(users.held[0].params.at("text").as_string().starts_with("New request"));
}

// A crash after the lead was saved and before the update was confirmed: Telegram sends the same
// "Send" again, with the session as it was. One lead, keyed by the update (issue 10).
TEST_F(FormsFixture, ARedeliveredSendMakesNoSecondLead) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("corebot_forms_redelivery_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto documents =
      std::shared_ptr<DocumentStore>(open_store("sqlite://" + (dir / "b.db").string()));
  corebot::testing::Inbox inbox;
  {
    AsyncStore async(documents, [&](std::function<void()> fn) { inbox.post(std::move(fn)); });
    store = &async;
    fill_the_form();
    const json::object before = session;
    const std::int64_t update = id;
    press("form:~ok");
    inbox.run_one();
    session = before;  // not saved: the engine died
    id = update;       // the same update, delivered again
    press("form:~ok");
    inbox.run_one();
    store = nullptr;
  }
  EXPECT_EQ(documents->collection("forms.leads").count({}), 1);
  EXPECT_EQ(last_text().find("could not"), std::string::npos) << last_text();
  documents.reset();
  std::filesystem::remove_all(dir);
}

TEST_F(FormsFixture, CancelStaleButtonsAndHostileData) {
  press("form:apply");
  say("/cancel");  // only reaches the module as a command, like the dispatcher routes it
  EXPECT_EQ(last_text(), "The form was cancelled.");
  EXPECT_FALSE(session.contains("forms"));
  for (std::string data : std::vector<std::string>{
           "form:", "form:~", "form:~a:", "form:~a:size:", "form:~a:size:99999", "form:unknown",
           std::string("form:") + std::string(100, 'z')}) {
    sender.calls.clear();
    EXPECT_EQ(press(data), Handled::kStop) << data;
    EXPECT_EQ(sender.calls.at(0).method, "answerCallbackQuery") << data;
  }
  session = {{"forms", "not an object"}};
  EXPECT_EQ(say("hi"), Handled::kContinue);
  session = {{"forms", {{"form", "apply"}, {"answers", 7}, {"stage", "confirm"}}}};
  say("hi");  // a session of the wrong shape starts the form over instead of sticking
  EXPECT_EQ(last_text(), "Name?");
  session = {{"forms", {{"form", "gone"}, {"answers", {}}, {"stage", "asking"}}}};
  say("hi");
  EXPECT_NE(last_text().find("has changed"), std::string::npos);
  EXPECT_FALSE(session.contains("forms"));
}

// The "Share my phone number" reply keyboard stays on the screen until a message removes it:
// every way the phone question ends removes it, once.
TEST_F(FormsFixture, ThePhoneKeyboardGoesAwayHoweverTheQuestionEnds) {
  press("form:call");
  ASSERT_TRUE(keyboard_shown());
  std::size_t from = sender.calls.size();
  press("form:~skip");
  EXPECT_EQ(removals_since(from), 1u) << "Skip";
  EXPECT_EQ(last_text(), "Note?");
  say("later");  // no keyboard any more: no second removal
  EXPECT_EQ(removals_since(from), 1u);

  for (const char* how : {"button", "/cancel", "/start", "answer", "again"}) {
    session.clear();
    press("form:call");
    from = sender.calls.size();
    const std::string way = how;
    if (way == "button") {
      press("form:~cancel");
      EXPECT_EQ(last_text(), "Back to the menu:") << "the menu button follows on its own";
    } else if (way == "/cancel") {
      say("/cancel");
    } else if (way == "/start") {
      EXPECT_EQ(say("/start"), Handled::kContinue) << "the start page still comes";
      EXPECT_EQ(last_text(), "The form was cancelled.");
    } else if (way == "answer") {
      say("+351 210 000 000");
      EXPECT_EQ(last_text(), "Note?");
    } else {
      press("form:apply");  // another form from an older menu
      EXPECT_EQ(last_text(), "Name?");
    }
    EXPECT_EQ(removals_since(from), 1u) << how;
  }
}

TEST_F(FormsFixture, CancelOnAFormThatAlreadyEndedSaysSo) {
  press("form:apply");
  press("form:~cancel");
  EXPECT_FALSE(session.contains("forms"));
  sender.calls.clear();
  press("form:~cancel");  // the Cancel of the question above, pressed again
  ASSERT_EQ(sender.calls.size(), 1u);
  EXPECT_EQ(sender.calls[0].method, "answerCallbackQuery");
  EXPECT_EQ(sender.calls[0].params.at("text"), "This form is already closed.");
}

TEST_F(FormsFixture, OffersCancelAndItsTextsOnlyWithForms) {
  const ModuleInfo info = forms.info();
  ASSERT_EQ(info.commands.size(), 1u);
  ASSERT_TRUE(info.commands[0].offered);
  EXPECT_TRUE(info.commands[0].offered(content.get()));
  EXPECT_FALSE(info.commands[0].offered(nullptr));
  const auto without = corebot::testing::make_content({{"Pages", "id,text\nstart,Hi\n"}}, registry);
  EXPECT_FALSE(info.commands[0].offered(without.get()));
  EXPECT_TRUE(info.text_keys(*without).empty());
  const auto keys = info.text_keys(*content);
  auto has = [&](const char* key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  for (const char* key : {"form_confirm_hint", "form_bad_email", "form_bad_choice", "form_skip",
                          "form_share_phone", "form_closed", "menu"}) {
    EXPECT_TRUE(has(key)) << key;
  }
  EXPECT_FALSE(has("form_bad_date")) << "no date question";
  EXPECT_FALSE(has("form_bad_photo")) << "no photo question";
}

TEST(FormsContent, TextsWithAnotherLanguageButNoRowForAKeyTheFormsUseGetAWarning) {
  ModuleRegistry registry;
  registry.add(std::make_unique<FormsModule>());
  content::Workbook wb;
  for (auto [name, csv] : {std::pair{"Pages", "id,text,buttons\nstart,Hi,Go -> form:a\n"},
                           std::pair{"Forms", "form,field,question\na,x,Q?\n"},
                           std::pair{"Texts", "key,en,ru\nmenu,« Menu,« Меню\n"}}) {
    auto r = content::read_workbook_bytes(csv, content::Format::kCsv, std::string(name) + ".csv");
    wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  ASSERT_TRUE(compiled.snapshot) << "a warning, not an error";
  const std::string report = compiled.report.to_string();
  EXPECT_NE(report.find("Texts!A3: the bot uses the text \"form_cancel\", which Texts lacks: ru "
                        "users get the built-in English"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("add a row \"form_confirm_hint\" with its ru text"), std::string::npos)
      << report;
  EXPECT_EQ(report.find("\"menu\", which"), std::string::npos) << "menu has its row";
  EXPECT_EQ(report.find("form_bad_email"), std::string::npos) << "no e-mail question";
}

TEST_F(FormsFixture, AReloadAddingAQuestionIsAskedBeforeTheSummary) {
  press("form:apply");
  say("Ann");
  press("form:~a:size:0");
  press("form:~skip");
  say("+351 210 000 000");
  EXPECT_NE(last_text().find("Please check"), std::string::npos);
  content =
      corebot::testing::make_content({{"Pages", kPages},
                                      {"Forms",
                                       "form,field,question,type,options\napply,name,Name?,,\n"
                                       "apply,city,City?,,\napply,size,Size?,choice,S|M\n"}},
                                     registry);
  press("form:~ok");
  EXPECT_EQ(last_text(), "City?");
  say("Lisbon");
  EXPECT_NE(last_text().find("city: Lisbon"), std::string::npos);
}

TEST(FormsContent, ChecksTheSheetAndTheButtons) {
  ModuleRegistry registry;
  registry.add(std::make_unique<FormsModule>());
  content::Workbook wb;
  for (auto [name, csv] : {std::pair{"Pages", "id,text,buttons\nstart,Hi,Go -> form:nope\n"},
                           std::pair{"Forms",
                                     "form,field,question,type,options\n"
                                     "a,x,Q?,choice,\na,x,Q2?,text,\n"}}) {
    auto r = content::read_workbook_bytes(csv, content::Format::kCsv, std::string(name) + ".csv");
    wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  EXPECT_FALSE(compiled.snapshot);
  const std::string report = compiled.report.to_string();
  EXPECT_NE(report.find("Forms!E2: the choice question \"x\" has no options"), std::string::npos)
      << report;
  EXPECT_NE(report.find("Forms!B3: the field \"x\" appears twice in form \"a\" (also in B2)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("Pages!C2: button \"Go\" of page \"start\" starts form \"nope\", which is "
                        "not in the Forms sheet"),
            std::string::npos)
      << report;
}

// Names are limited in characters: 29 Cyrillic letters (58 bytes) are fine, except where the
// name travels in a button's callback data, which Telegram limits to 64 bytes.
TEST(FormsContent, FieldNamesAreCountedInCharacters) {
  ModuleRegistry registry;
  registry.add(std::make_unique<FormsModule>());
  content::Workbook wb;
  const std::vector<std::pair<std::string, std::string>> sheets = {
      {"Pages", "id,text,buttons\nstart,Hi,Go -> form:a\n"},
      {"Forms",
       "form,field,question,type,options\n"
       "a,контактный_телефон_покупателя,Q?,text,\n"
       "a,любимый_цвет_нашего_покупателя,Q2?,choice,red|green\n"
       "a,c,Q3?,choice,\"" +
           std::string(65, 'x') + "|ok\"\n"}};
  for (const auto& [name, csv] : sheets) {
    auto r = content::read_workbook_bytes(csv, content::Format::kCsv, std::string(name) + ".csv");
    wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  const std::string report = compiled.report.to_string();
  EXPECT_EQ(report.find("Forms!B2"), std::string::npos) << report;
  EXPECT_NE(report.find("error: Forms!B3: the field name \"любимый_цвет_нашего_покупателя\" makes "
                        "the buttons of this choice question carry 68 bytes; Telegram allows 64 — "
                        "use a shorter field name (letters outside A-Z count twice)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("error: Forms!E4: an option of \"c\" is 65 characters long; a button "
                        "shows at most 64 — shorten the option"),
            std::string::npos)
      << report;
}

}  // namespace
}  // namespace corebot::modules
