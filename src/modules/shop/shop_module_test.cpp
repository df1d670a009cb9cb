// The shop module against fakes: browsing in place, search, the cart in the store, checkout with
// pay on delivery, stock that two customers cannot both take, the staff's status buttons.
#include "modules/shop/shop_module.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "corebot/registry.hpp"
#include "modules/shop/shop_test_fixture.hpp"

namespace corebot::modules {
namespace {
namespace json = boost::json;

TEST_F(ShopFixture, BrowsesCategoriesAndPagesInPlace) {
  EXPECT_EQ(say("hello"), Handled::kContinue) << "not ours";
  say("/shop");
  EXPECT_EQ(buttons(last("sendMessage")), (std::vector<std::string>{"shop:c:tea:0", "shop:c:mugs:0",
                                                                    "shop:s", "shop:k", "shop:m"}));
  const std::size_t sent = calls().size();
  press("shop:c:tea:0");
  const auto& page1 = last("editMessageText");
  EXPECT_NE(text_of(page1).find("Page 1 of 2"), std::string::npos) << text_of(page1);
  EXPECT_EQ(buttons(page1)[0], "shop:p:green:0:1");
  press("shop:c:tea:1");
  const auto& page2 = last("editMessageText");
  EXPECT_EQ(buttons(page2)[0], "shop:p:t7:0:1");
  for (std::size_t i = sent; i < calls().size(); ++i) {
    EXPECT_NE(calls()[i].method, "sendMessage") << "paging edits the message, never adds one";
  }
  // A product with a photo from a text list: sent anew, the list deleted.
  press("shop:p:mug:0:1");
  EXPECT_EQ(last("sendPhoto").params.at("photo"), "https://example.com/mug.jpg");
  EXPECT_NE(text_of(last("sendPhoto")).find("In stock: 1"), std::string::npos);
  EXPECT_EQ(calls().back().method, "deleteMessage");
  // Choosing the variant and quantity on the card's photo: its caption edited in place.
  press("shop:p:mug:1:2", 5, true);
  const auto& card = last("editMessageCaption");
  EXPECT_NE(text_of(card).find("9.00 EUR"), std::string::npos) << text_of(card);
  EXPECT_NE(text_of(card).find("In stock: 5"), std::string::npos);
  const auto b = buttons(card);
  EXPECT_NE(std::find(b.begin(), b.end(), "shop:a:mug:1:2"), b.end());
  EXPECT_NE(std::find(b.begin(), b.end(), "shop:p:mug:1:3"), b.end());
}

TEST_F(ShopFixture, SearchesByNameIgnoringCase) {
  press("shop:s");
  EXPECT_EQ(say("ЧАЙ"), Handled::kStop);
  EXPECT_EQ(buttons(last("sendMessage"))[0], "shop:p:green:0:1");
  EXPECT_EQ(say("again"), Handled::kContinue) << "one search per press";
  press("shop:s");
  say("nothing like it");
  EXPECT_NE(text_of(last("sendMessage")).find("Nothing found"), std::string::npos);
}

TEST_F(ShopFixture, TheCartSurvivesARestartAndPointsOutChanges) {
  press("shop:a:green:0:2");
  EXPECT_NE(text_of(last("editMessageText")).find("✅ Added to the cart: Зелёный чай × 2"),
            std::string::npos)
      << "shown on the card itself";
  press("shop:a:black:0:1");
  press("shop:a:green:0:1");
  // A new module instance over the same store: a restart.
  ShopModule restarted;
  restarted.start(services);
  std::swap(shop, restarted);
  press("shop:k");
  const std::string cart = text_of(last("editMessageText"));
  EXPECT_NE(cart.find("Зелёный чай × 3 — 13.50 EUR"), std::string::npos) << cart;
  EXPECT_NE(cart.find("Total: 16.50 EUR"), std::string::npos) << cart;
  // The owner raises a price and removes a product: the cart says so before any checkout.
  load("id,category,name,price\ngreen,tea,Зелёный чай,5.00\n");
  press("shop:o");
  const std::string review = text_of(last("sendMessage"));
  EXPECT_NE(review.find("The price of Зелёный чай changed from 4.50 EUR to 5.00 EUR"),
            std::string::npos)
      << review;
  EXPECT_NE(review.find("Black tea is no longer sold"), std::string::npos) << review;
  EXPECT_TRUE(sessions[5]["shop"].as_object().empty()) << "no checkout started";
  press("shop:k");
  EXPECT_NE(text_of(last("editMessageText")).find("Total: 15.00 EUR"), std::string::npos);
  auto saved = services.collection("carts").find_one({{"_id", "5"}});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->at("items").as_array().size(), 1u);
}

TEST_F(ShopFixture, CheckoutWithPayOnDeliveryStoresTheOrderAndTellsTheStaff) {
  // @helper wrote to the bot (bound to 88); @late_one never did.
  services.fake_admin().binding_list = {AdminBinding{"helper", 88, 1}};
  press("shop:a:mug:1:2");
  checkout();
  const auto& summary = last("sendMessage");
  EXPECT_NE(text_of(summary).find("Delivery: Courier — 5.00 EUR"), std::string::npos)
      << text_of(summary);
  EXPECT_NE(text_of(summary).find("Total: 23.00 EUR"), std::string::npos);
  EXPECT_NE(text_of(summary).find("Address: Rua Augusta 1, Lisboa"), std::string::npos);
  EXPECT_EQ(buttons(summary), (std::vector<std::string>{"shop:$:cash", "shop:q"}))
      << "card is in shop_payments, but without a provider token it is not offered";
  press("shop:$:cash");
  EXPECT_NE(text_of(last("sendMessage")).find("Order #1 is placed"), std::string::npos);
  auto order = services.collection("orders").find_one({{"_id", 1}});
  ASSERT_TRUE(order);
  EXPECT_EQ(order->at("status"), "new");
  EXPECT_EQ(order->at("total"), 2300);
  EXPECT_EQ(order->at("phone"), "+351 912 345 678");
  EXPECT_EQ(order->at("history").as_array().size(), 1u);
  EXPECT_FALSE(services.collection("carts").find_one({{"_id", "5"}})) << "the cart is emptied";
  const auto& staff = last("sendMessage", 77);
  EXPECT_NE(text_of(staff).find("New order #1 from Ann"), std::string::npos) << text_of(staff);
  EXPECT_EQ(buttons(staff),
            (std::vector<std::string>{"shop:t:1:1", "shop:t:1:2", "shop:t:1:3", "shop:t:1:x"}));
  press("shop:$:cash");
  EXPECT_EQ(services.collection("orders").count({}), 1) << "a second press orders nothing more";
  press("shop:m");
  EXPECT_NE(text_of(last("editMessageText")).find("#1 · 23.00 EUR · new · cash"),
            std::string::npos);
}

TEST_F(ShopFixture, TwoCustomersCannotBothBuyTheLastItem) {
  press("shop:a:mug:0:1", 5);
  press("shop:a:mug:0:1", 6);
  checkout(5);
  checkout(6);
  press("shop:$:cash", 5);
  press("shop:$:cash", 6);
  EXPECT_NE(text_of(last("sendMessage", 5)).find("Order #1"), std::string::npos);
  EXPECT_NE(text_of(last("sendMessage", 6)).find("only 0 left of Mug (Red)"), std::string::npos)
      << text_of(last("sendMessage", 6));
  EXPECT_EQ(services.collection("orders").count({}), 1);
  // The owner restocks: the difference is added to what is left.
  load("id,category,name,price,variant,stock\nmug,mugs,Mug,8.00,Red,3\n");
  press("shop:p:mug:0:1", 6);
  EXPECT_NE(text_of(last("editMessageText", 6)).find("In stock: 2"), std::string::npos);
}

TEST_F(ShopFixture, StaffChangeTheStatusAndTheCustomerIsToldInTheirLanguage) {
  press("shop:a:green:0:1", 5, false, "ru");
  press("shop:o", 5, false, "ru");
  press("shop:d:1", 5, false, "ru");  // pickup: no address
  say("Анна", 5, "ru");
  say("+7 900 000 00 00", 5, "ru");
  EXPECT_NE(text_of(last("sendMessage")).find("Ваш заказ"), std::string::npos);
  press("shop:$:cash", 5, false, "ru");
  press("shop:t:1:1", 6);
  EXPECT_EQ(answer(), "Your role does not allow this.");
  EXPECT_EQ(services.collection("orders").find_one({{"_id", 1}})->at("status"), "new");
  press("shop:t:1:2", 77);
  EXPECT_EQ(text_of(last("sendMessage", 5)), "Заказ №1: новый статус — «отправлен».");
  auto order = services.collection("orders").find_one({{"_id", 1}});
  EXPECT_EQ(order->at("status"), "shipped");
  EXPECT_EQ(order->at("history").as_array().size(), 2u);
  EXPECT_EQ(order->at("history").as_array()[1].as_object().at("by"), 77);
  const std::size_t before = calls().size();
  press("shop:t:1:2", 77);
  for (std::size_t i = before; i < calls().size(); ++i) {
    const json::value* chat = calls()[i].params.if_contains("chat_id");
    EXPECT_TRUE(!chat || *chat != 5) << "a second press tells the customer nothing";
  }
  press("shop:t:1:x", 77);
  EXPECT_EQ(text_of(last("sendMessage", 5)), "Заказ №1 отменён.");
  press("shop:adm", 77);
  EXPECT_NE(std::find(buttons(last("editMessageText", 77)).begin(),
                      buttons(last("editMessageText", 77)).end(), "shop:l:cancelled"),
            buttons(last("editMessageText", 77)).end());
}

}  // namespace
}  // namespace corebot::modules
