// The shop's catalog as the owner wrote it: the Products and Categories sheets and the shop_*
// keys of Settings, parsed into prices in minor units (money.hpp), with every mistake reported as
// a ContentProblem ("Products!E4: ... — ..."). The content check (corebot check, every reload)
// and the module at run time read the same parse, so what the check accepts is what customers see.
//
// Products: one row per product, or one row per variant sharing the product's id (size, colour);
// the first row of an id gives the name, category, description, photo and the digital flags, a
// variant row may leave them empty and has its own price (empty: the first row's) and stock.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "corebot/content.hpp"

namespace corebot::modules::shop {

inline constexpr std::string_view kProducts = "Products";
inline constexpr std::string_view kCategories = "Categories";

struct Variant {
  std::string name;                   // "" for a product without variants
  std::int64_t price = 0;             // minor units of the product's currency
  std::optional<std::int64_t> stock;  // the sheet's count; nullopt: not counted (unlimited)
};

struct Product {
  std::string id;
  std::string category;  // a Categories id; "" when none
  std::string name;
  std::string description;
  std::string currency;  // upper case; "XTR" for Telegram Stars
  std::string photo;     // URL or Telegram file id; "" when none
  bool digital = false;
  std::string item;  // digital goods: what the buyer receives (a link, a Texts key, a file id)
  bool active = true;
  std::vector<Variant> variants;  // at least one
  std::string source;             // "Products!A4": the product's first row

  [[nodiscard]] const Variant* variant(std::string_view name) const;
  [[nodiscard]] bool has_variants() const {
    return variants.size() > 1 || !variants[0].name.empty();
  }
};

struct Category {
  std::string id;
  std::string name;
  std::string parent;  // "" for a top-level category
  std::string photo;
  std::int64_t order = 0;
};

struct DeliveryOption {
  std::string name;
  std::int64_t price = 0;  // in the shop's currency
  bool address = true;     // false: "no address" (pickup)
};

enum class PayMethod { kCard, kStars, kCash };

struct ShopSettings {
  std::string currency = "USD";
  std::int64_t min_order = 0;
  std::vector<DeliveryOption> delivery;
  std::set<PayMethod> payments = {PayMethod::kCash};
  std::vector<std::string> statuses = {"new", "confirmed", "shipped", "done"};
  std::string receipt;  // the receipt's closing words (or a Texts key); "" for the built-in
};

struct Catalog {
  ShopSettings settings;
  std::vector<Category> categories;  // in the owner's order (column order, then sheet order)
  std::vector<Product> products;     // sheet order, inactive ones included

  [[nodiscard]] const Product* product(std::string_view id) const;
  [[nodiscard]] const Category* category(std::string_view id) const;
  // The sub-categories of `parent` ("" for the top level).
  [[nodiscard]] std::vector<const Category*> children(std::string_view parent) const;
  // The active products of a category ("" lists the products without one).
  [[nodiscard]] std::vector<const Product*> in_category(std::string_view category) const;
  // Active products whose name contains `query`, ignoring case (Cyrillic too).
  [[nodiscard]] std::vector<const Product*> search(std::string_view query) const;
};

// Parses the catalog; `problems` (when given) gets every mistake. Rows with an error are left out.
Catalog read_catalog(const Content& content, std::vector<ContentProblem>* problems = nullptr);

// The sheet declarations (ModuleInfo::sheets) and Settings keys (ModuleInfo::settings).
std::vector<ContentSheet> shop_sheets();
std::vector<ContentSetting> shop_settings();
// ModuleInfo::content_check.
std::vector<ContentProblem> check_catalog(const Content& content);

}  // namespace corebot::modules::shop
