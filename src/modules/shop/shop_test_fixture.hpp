// The shop's unit-test fixture: the module over FakeServices with a small catalog, playing users
// (carrying each one's session between updates like the engine) and reading what was sent.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corebot/registry.hpp"
#include "modules/shop/shop_module.hpp"
#include "tests/fakes/fake_services.hpp"
#include "tests/fakes/test_content.hpp"

namespace corebot::modules {
namespace json = boost::json;

inline constexpr const char* kPages = "id,text,buttons\nstart,Hi,Shop -> shop:home\n";
inline constexpr const char* kSettings =
    "key,value\nshop_currency,EUR\nshop_delivery,\"Courier = 5.00 | Pickup = 0, no address\"\n"
    "shop_payments,\"cash, card\"\n";
inline constexpr const char* kCategories = "id,name\ntea,Tea\nmugs,Mugs\n";
inline constexpr const char* kProducts =
    "id,category,name,price,photo,variant,stock\n"
    "green,tea,Зелёный чай,4.50,,,\n"
    "black,tea,Black tea,3.00,,,\n"
    "t3,tea,Tea 3,1,,,\n"
    "t4,tea,Tea 4,1,,,\n"
    "t5,tea,Tea 5,1,,,\n"
    "t6,tea,Tea 6,1,,,\n"
    "t7,tea,Tea 7,1,,,\n"
    "mug,mugs,Mug,8.00,https://example.com/mug.jpg,Red,1\n"
    "mug,mugs,,9.00,,Blue,5\n";

struct ShopFixture : ::testing::Test {
  ShopFixture() {
    registry.add(std::make_unique<ShopModule>());
    load(kProducts);
    shop.start(services);
  }
  void load(const char* products, const char* settings = kSettings) {
    content = corebot::testing::make_content(
        {{"Pages", kPages},
         {"Settings", settings},
         {"Categories", kCategories},
         {"Products", products},
         {"Admins",
          "user,name,role\n77,Boss,admin\n@helper,Helper,operator\n@late_one,Late,operator\n"}},
        registry);
    services.set_content(content);
  }
  // One update from `user`, run until every store answer came back (the chat's next update
  // would wait for them too).
  Handled run(std::int64_t user, json::object body, const char* kind, std::string lang = "en") {
    body["from"] = json::object{{"id", user}, {"first_name", "Ann"}, {"language_code", lang}};
    json::object update{{"update_id", ++id}, {kind, body}};
    auto ctx = std::make_shared<Context>(update, services.recorded);
    ctx->attach(content, nullptr, &services.fake_users());
    ctx->load_session(sessions[user]);
    Handled h = shop.on_update(*ctx);
    // The update's sends hold it too, until the outbox reports them: every send succeeds here.
    EXPECT_TRUE(services.run_store_until([&] {
      services.recorded.deliver_all();
      return ctx.use_count() == 1;
    }));
    sessions[user] = ctx->session();
    return h;
  }
  Handled say(std::string text, std::int64_t user = 5, std::string lang = "en") {
    return run(user, {{"message_id", id}, {"chat", {{"id", user}}}, {"text", text}}, "message",
               lang);
  }
  Handled press(std::string data, std::int64_t user = 5, bool photo = false,
                std::string lang = "en") {
    json::object message{{"message_id", 3}, {"chat", {{"id", user}}}, {"text", "x"}};
    if (photo) {
      // A product card: its photo, and the quantity button that marks whose card it is.
      message["photo"] = json::array{json::object{{"file_id", "f"}}};
      const std::string product = data.size() > 7 ? data.substr(7, data.find(':', 7) - 7) : "";
      message["reply_markup"] = json::object{
          {"inline_keyboard", json::array{json::array{json::object{
                                  {"text", "1"}, {"callback_data", "shop:n:" + product}}}}}};
    }
    return run(user, {{"id", "q"}, {"data", data}, {"message", message}}, "callback_query", lang);
  }
  const corebot::testing::RecordedCall& last(std::string_view method, std::int64_t chat = 5) const {
    for (auto it = calls().rbegin(); it != calls().rend(); ++it) {
      if (it->method == method && it->params.at("chat_id") == chat) return *it;
    }
    static corebot::testing::RecordedCall none;
    ADD_FAILURE() << "no " << method << " to " << chat;
    return none;
  }
  std::string text_of(const corebot::testing::RecordedCall& c) const {
    const json::value* t = c.params.if_contains("text");
    if (!t) t = c.params.if_contains("caption");
    if (!t && c.params.contains("media"))
      t = c.params.at("media").as_object().if_contains("caption");
    return t && t->is_string() ? std::string(t->as_string()) : std::string();
  }
  std::vector<std::string> buttons(const corebot::testing::RecordedCall& c) const {
    std::vector<std::string> out;
    const json::value* m = c.params.if_contains("reply_markup");
    if (!m || !m->as_object().contains("inline_keyboard")) return out;
    for (const auto& row : m->as_object().at("inline_keyboard").as_array()) {
      for (const auto& b : row.as_array())
        out.emplace_back(b.as_object().at("callback_data").as_string());
    }
    return out;
  }
  std::string answer() const {
    for (auto it = calls().rbegin(); it != calls().rend(); ++it) {
      if (it->method == "answerCallbackQuery") {
        const json::value* t = it->params.if_contains("text");
        return t ? std::string(t->as_string()) : std::string();
      }
    }
    return {};
  }
  const std::vector<corebot::testing::RecordedCall>& calls() const {
    return services.recorded.calls;
  }
  // Puts `data` in the cart and goes through checkout with the courier up to the summary.
  void checkout(std::int64_t user = 5) {
    press("shop:o", user);
    press("shop:d:0", user);
    say("Ann Lee", user);
    say("+351 912 345 678", user);
    say("Rua Augusta 1, Lisboa", user);
  }

  ModuleRegistry registry;
  corebot::testing::FakeServices services{"shop"};
  std::shared_ptr<const content::ContentSnapshot> content;
  ShopModule shop;
  std::map<std::int64_t, json::object> sessions;
  std::int64_t id = 0;
};

}  // namespace corebot::modules
