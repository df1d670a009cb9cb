// The shop's sheets: what a good workbook gives, and every mistake as "Sheet!Cell: what — fix".
#include "modules/shop/catalog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "content/module_declarations.hpp"
#include "content/reader/reader.hpp"
#include "content/snapshot.hpp"
#include "corebot/registry.hpp"
#include "modules/shop/shop_module.hpp"

namespace corebot::modules::shop {
namespace {

constexpr const char* kPages = "id,text,buttons\nstart,Hi,Shop -> shop:home\n";
constexpr const char* kCategories =
    "id,name,parent,photo,order\nclothes,Clothes,,,2\nbooks,Books,,,1\nshirts,Shirts,clothes,,\n";
constexpr const char* kProductsSheet =
    "id,category,name,description,price,currency,photo,variant,stock,digital,item,active\n"
    "tee,shirts,T-shirt,Cotton,12.50,,https://x/t.jpg,S,3,,,\n"
    "tee,,,,,,,M,0,,,\n"
    "tee,,,,13.00,,,L,,,,\n"
    "ebook,books,Чайная книга,,150,XTR,,,,yes,https://x/book.pdf,\n"
    "old,books,Old,,1,,,,,,,no\n";

struct Compiled {
  std::shared_ptr<const content::ContentSnapshot> snapshot;
  std::string report;
};

Compiled compile(const std::vector<std::pair<std::string, std::string>>& sheets) {
  ModuleRegistry registry;
  registry.add(std::make_unique<ShopModule>());
  content::Workbook wb;
  for (const auto& [name, csv] : sheets) {
    auto r = content::read_workbook_bytes(csv, content::Format::kCsv, name + ".csv");
    EXPECT_TRUE(r.ok()) << r.error;
    wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  return {compiled.snapshot, compiled.report.to_string()};
}

TEST(ShopCatalog, ReadsProductsVariantsCategoriesAndSettings) {
  auto c = compile({{"Pages", kPages},
                    {"Settings",
                     "key,value\nshop_currency,eur\nshop_min_order,10\n"
                     "shop_delivery,\"Courier = 5.00 | Pickup = 0, no address\"\n"
                     "shop_payments,\"card, stars, cash\"\nshop_statuses,new | packed | sent\n"},
                    {"Categories", kCategories},
                    {"Products", kProductsSheet}});
  ASSERT_TRUE(c.snapshot) << c.report;
  const Catalog catalog = read_catalog(*c.snapshot);
  EXPECT_EQ(catalog.settings.currency, "EUR");
  EXPECT_EQ(catalog.settings.min_order, 1000);
  ASSERT_EQ(catalog.settings.delivery.size(), 2u);
  EXPECT_EQ(catalog.settings.delivery[0].name, "Courier");
  EXPECT_EQ(catalog.settings.delivery[0].price, 500);
  EXPECT_TRUE(catalog.settings.delivery[0].address);
  EXPECT_FALSE(catalog.settings.delivery[1].address);
  EXPECT_EQ(catalog.settings.payments.size(), 3u);
  EXPECT_EQ(catalog.settings.statuses, (std::vector<std::string>{"new", "packed", "sent"}));
  ASSERT_EQ(catalog.categories.size(), 3u);
  ASSERT_EQ(catalog.children("").size(), 2u);
  EXPECT_EQ(catalog.children("")[0]->id, "books") << "by the order column";
  EXPECT_EQ(catalog.children("clothes").size(), 1u);
  const Product* tee = catalog.product("tee");
  ASSERT_TRUE(tee);
  ASSERT_EQ(tee->variants.size(), 3u);
  EXPECT_EQ(tee->variants[1].price, 1250) << "an empty price is the first row's";
  EXPECT_EQ(tee->variants[1].stock, 0);
  EXPECT_EQ(tee->variants[2].price, 1300);
  EXPECT_FALSE(tee->variants[2].stock) << "empty stock: unlimited";
  EXPECT_EQ(catalog.product("ebook")->currency, "XTR");
  EXPECT_EQ(catalog.product("ebook")->variants[0].price, 150);
  EXPECT_EQ(catalog.in_category("books").size(), 1u) << "inactive products are not listed";
  EXPECT_EQ(catalog.search("ЧАЙН").size(), 1u) << "case-insensitive, Cyrillic too";
  EXPECT_EQ(catalog.search("t-SHIRT").size(), 1u);
  EXPECT_TRUE(catalog.search("old").empty());
}

// Every kind of mistake the shop's sheets can hold, each at its cell with how to fix it.
TEST(ShopCatalog, BrokenWorkbookNamesEveryCell) {
  auto c = compile({{"Pages", kPages},
                    {"Settings",
                     "key,value\nshop_currency,euro\nshop_min_order,ten\nshop_delivery,Courier 5\n"
                     "shop_payments,\"card, paypal\"\nshop_statuses,new | new | cancelled\n"},
                    {"Categories", "id,name,parent\na,A,b\nb,B,a\nc,C,nowhere\n"},
                    {"Products",
                     "id,category,name,price,currency,variant,stock,digital,item\n"
                     "p1,a,One,12.5x,,,,,\n"  // row 2: bad price
                     "p2,zz,Two,1,,,,,\n"     // row 3: unknown category
                     "p3,a,,1,,,,,\n"         // row 4: no name
                     "p4,a,Four,1,XTR,,,,\n"  // row 5: Stars for a physical product
                     "p5,a,Five,1,,,,yes,\n"  // row 6: digital without item
                     "p6,a,Six,1,,S,-1,,\n"   // row 7: negative stock
                     "p6,a,,1,,,,,\n"         // row 8: a variant row without its variant
                     "p7,a,Seven,1,,M,,,\n"
                     "p7,a,,1,,m,,,\n"               // row 10: the same variant twice
                     "p8,a,Eight,1.5,JPY,,,,\n"}});  // row 11: another currency
  EXPECT_FALSE(c.snapshot);
  for (const char* expected : {
           "Settings!B2: shop_currency \"euro\" is not a currency code — write the three-letter "
           "code, like USD, EUR or RUB",
           "Settings!B3: shop_min_order \"ten\" is not an amount in USD",
           "Settings!B4: the delivery option \"Courier 5\" is not \"name = price\"",
           "Settings!B5: unknown payment method \"paypal\"",
           "Settings!B6: the status \"new\" is listed twice",
           "Settings!B6: \"cancelled\" is in shop_statuses",
           "Categories!C2: category \"a\" is inside itself",
           "Categories!C4: parent category \"nowhere\" does not exist",
           "Products!D2: \"12.5x\" is not a price in USD — write it like 12.50",
           "Products!B3: category \"zz\" is not in the Categories sheet",
           "Products!C4: product \"p3\" has no name",
           "Products!E5: product \"p4\" is sold for Telegram Stars (XTR) but is not digital",
           "Products!I6: digital product \"p5\" delivers nothing",
           "Products!G7: stock -1 is negative",
           "Products!F8: product \"p6\" has several rows but not every row names its variant",
           "Products!F10: variant \"m\" of product \"p7\" is listed twice",
           "Products!E11: product \"p8\" costs JPY but the shop sells in USD",
       }) {
    EXPECT_NE(c.report.find(expected), std::string::npos) << expected << "\n" << c.report;
  }
}

}  // namespace
}  // namespace corebot::modules::shop
