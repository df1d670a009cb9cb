#include "modules/shop/catalog.hpp"

#include <algorithm>
#include <map>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"
#include "modules/shop/money.hpp"

namespace corebot::modules::shop {
namespace {

std::string upper(std::string_view s) {
  std::string out(ascii::trim(s));
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool yes(std::string_view v, bool fallback) {
  const std::string s = ascii::lower(ascii::trim(v));
  if (s.empty()) return fallback;
  return s == "yes" || s == "true" || s == "on" || s == "1";
}

// "a | b | c" (or one per line) -> {"a", "b", "c"}, trimmed, empties dropped.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '|' || text[i] == '\n') {
      const auto piece = ascii::trim(text.substr(start, i - start));
      if (!piece.empty()) out.emplace_back(piece);
      start = i + 1;
    }
  }
  return out;
}

struct Problems {
  std::vector<ContentProblem>* out;
  void error(std::string sheet, std::string cell, std::string what, std::string fix) const {
    if (out)
      out->push_back({true, std::move(sheet), std::move(cell), std::move(what), std::move(fix)});
  }
  void warning(std::string sheet, std::string cell, std::string what, std::string fix) const {
    if (out) {
      out->push_back({false, std::move(sheet), std::move(cell), std::move(what), std::move(fix)});
    }
  }
};

ShopSettings read_settings(const Content& content, const Problems& p) {
  ShopSettings s;
  auto cell = [&](std::string_view key) { return content.setting_cell(key); };
  if (auto v = content.setting("shop_currency"); v && !v->empty()) {
    if (is_currency_code(*v)) {
      s.currency = upper(*v);
    } else {
      p.error("Settings", cell("shop_currency"),
              "shop_currency \"" + std::string(*v) + "\" is not a currency code",
              "write the three-letter code, like USD, EUR or RUB");
    }
  }
  const int exp = currency_exponent(s.currency);
  if (auto v = content.setting("shop_min_order"); v && !v->empty()) {
    if (auto price = parse_price(*v, exp)) {
      s.min_order = *price;
    } else {
      p.error("Settings", cell("shop_min_order"),
              "shop_min_order \"" + std::string(*v) + "\" is not an amount in " + s.currency,
              "write it like " + format_amount(1500, exp) + ", or leave it empty for none");
    }
  }
  if (auto v = content.setting("shop_delivery"); v && !v->empty()) {
    for (const std::string& option : split_list(*v)) {
      // "Courier = 5.00" or "Pickup = 0, no address"
      const auto eq = option.find('=');
      DeliveryOption d;
      std::string price(eq == std::string::npos ? "" : ascii::trim(option.substr(eq + 1)));
      if (const auto comma = price.find(','); comma != std::string::npos) {
        const std::string flag =
            ascii::lower(ascii::trim(std::string_view(price).substr(comma + 1)));
        if (flag == "no address") {
          d.address = false;
          price = std::string(ascii::trim(std::string_view(price).substr(0, comma)));
        }
      }
      d.name = std::string(ascii::trim(std::string_view(option).substr(0, eq)));
      auto amount = parse_price(price, exp);
      if (eq == std::string::npos || d.name.empty() || !amount) {
        p.error("Settings", cell("shop_delivery"),
                "the delivery option \"" + option + "\" is not \"name = price\"",
                "write the options like: Courier = 5.00 | Pickup = 0, no address");
        continue;
      }
      d.price = *amount;
      s.delivery.push_back(std::move(d));
    }
  }
  if (auto v = content.setting("shop_payments"); v && !v->empty()) {
    s.payments.clear();
    std::string list(*v);
    std::replace(list.begin(), list.end(), ',', '|');  // "card, cash" and "card | cash"
    for (const std::string& word : split_list(list)) {
      const std::string m = ascii::lower(word);
      if (m == "card") {
        s.payments.insert(PayMethod::kCard);
      } else if (m == "stars") {
        s.payments.insert(PayMethod::kStars);
      } else if (m == "cash") {
        s.payments.insert(PayMethod::kCash);
      } else {
        p.error("Settings", cell("shop_payments"), "unknown payment method \"" + word + "\"",
                "write card, stars and/or cash, separated by commas");
      }
    }
    if (s.payments.empty()) s.payments = {PayMethod::kCash};
  }
  if (auto v = content.setting("shop_statuses"); v && !v->empty()) {
    auto statuses = split_list(*v);
    std::set<std::string> seen;
    for (const auto& st : statuses) {
      if (ascii::lower(st) == "cancelled") {
        p.error("Settings", cell("shop_statuses"), "\"cancelled\" is in shop_statuses",
                "leave it out: every shop can cancel an order, the status is always there");
      } else if (!seen.insert(ascii::lower(st)).second) {
        p.error("Settings", cell("shop_statuses"), "the status \"" + st + "\" is listed twice",
                "list each status once");
      }
      if (st.size() > 40) {
        p.error("Settings", cell("shop_statuses"), "the status \"" + st + "\" is too long",
                "keep statuses under 40 letters");
      }
    }
    if (!statuses.empty()) s.statuses = std::move(statuses);
  }
  if (auto v = content.setting("shop_receipt")) s.receipt = std::string(*v);
  return s;
}

void read_categories(const Content& content, Catalog& c, const Problems& p) {
  for (const ContentRow& row : content.rows(kCategories)) {
    Category cat{ascii::lower(row.get("id")), std::string(row.get("name")),
                 ascii::lower(row.get("parent")), std::string(row.get("photo")), 0};
    if (!row.get("order").empty()) cat.order = std::stoll(std::string(row.get("order")));
    c.categories.push_back(std::move(cat));
  }
  std::stable_sort(c.categories.begin(), c.categories.end(),
                   [](const Category& a, const Category& b) { return a.order < b.order; });
  const auto& rows = content.rows(kCategories);
  for (const ContentRow& row : rows) {
    const std::string parent = ascii::lower(row.get("parent"));
    if (parent.empty()) continue;
    if (!c.category(parent)) {
      p.error(row.sheet, row.cell("parent"), "parent category \"" + parent + "\" does not exist",
              "write the id of a category of this sheet, or leave it empty for the top level");
      continue;
    }
    // Walk up: a category that is its own ancestor would never be shown.
    std::string at = parent;
    for (std::size_t steps = 0; !at.empty() && steps <= rows.size(); ++steps) {
      if (at == ascii::lower(row.get("id"))) {
        p.error(row.sheet, row.cell("parent"),
                "category \"" + std::string(row.get("id")) + "\" is inside itself (through \"" +
                    parent + "\")",
                "give one of these categories another parent, or none");
        break;
      }
      const Category* up = c.category(at);
      at = up ? up->parent : "";
    }
  }
}

void read_products(const Content& content, Catalog& c, const Problems& p) {
  std::map<std::string, std::size_t> index;  // id -> position in c.products
  std::set<std::string> broken;              // ids with an error: left out
  for (const ContentRow& row : content.rows(kProducts)) {
    const std::string id = ascii::lower(row.get("id"));
    auto [it, first] = index.emplace(id, c.products.size());
    if (first) {
      Product prod;
      prod.id = id;
      prod.category = ascii::lower(row.get("category"));
      prod.name = std::string(row.get("name"));
      prod.description = std::string(row.get("description"));
      prod.currency =
          row.get("currency").empty() ? c.settings.currency : upper(row.get("currency"));
      prod.photo = std::string(row.get("photo"));
      prod.digital = yes(row.get("digital"), false);
      prod.item = std::string(row.get("item"));
      prod.active = yes(row.get("active"), true);
      prod.source = row.sheet + "!" + row.cell("id");
      c.products.push_back(std::move(prod));
      if (row.get("name").empty()) {
        p.error(row.sheet, row.cell("name"), "product \"" + id + "\" has no name",
                "write its name on the product's first row");
        broken.insert(id);
      }
      const Product& added = c.products.back();
      if (!row.get("currency").empty() && !is_currency_code(row.get("currency"))) {
        p.error(row.sheet, row.cell("currency"),
                "\"" + std::string(row.get("currency")) + "\" is not a currency code",
                "write a three-letter code (" + c.settings.currency +
                    ", or XTR for Telegram Stars), or leave it empty for the shop's currency");
        broken.insert(id);
      } else if (added.currency == "XTR" && !added.digital) {
        p.error(row.sheet, row.cell("currency"),
                "product \"" + id + "\" is sold for Telegram Stars (XTR) but is not digital",
                "Telegram allows Stars only for digital goods: set digital to yes, or use " +
                    c.settings.currency);
        broken.insert(id);
      } else if (added.currency != "XTR" && added.currency != c.settings.currency) {
        p.error(row.sheet, row.cell("currency"),
                "product \"" + id + "\" costs " + added.currency + " but the shop sells in " +
                    c.settings.currency,
                "one cart pays in one currency: write " + c.settings.currency +
                    " (or XTR for digital goods), or leave it empty");
        broken.insert(id);
      }
      if (added.digital && added.item.empty()) {
        p.error(row.sheet, row.cell("item"), "digital product \"" + id + "\" delivers nothing",
                "write in item what the buyer gets: a link, a Texts key or a Telegram file id");
        broken.insert(id);
      }
      if (!added.category.empty() && !c.category(added.category)) {
        p.error(row.sheet, row.cell("category"),
                "category \"" + added.category + "\" is not in the Categories sheet",
                "add it to Categories or correct the id");
        broken.insert(id);
      }
    }
    Product& prod = c.products[it->second];
    Variant v;
    v.name = std::string(row.get("variant"));
    const int exp = currency_exponent(prod.currency);
    const std::string_view price_text = row.get("price");
    if (price_text.empty() && !first && !prod.variants.empty()) {
      v.price = prod.variants.front().price;
    } else if (auto price = parse_price(price_text, exp)) {
      v.price = *price;
    } else {
      p.error(row.sheet, row.cell("price"),
              price_text.empty()
                  ? "product \"" + id + "\" has no price"
                  : "\"" + std::string(price_text) + "\" is not a price in " + prod.currency,
              exp == 0 ? "write a whole number, like 250"
                       : "write it like " + format_amount(1250, exp) + " (at most " +
                             std::to_string(exp) + " digits after the point)");
      broken.insert(id);
    }
    if (!row.get("stock").empty()) {
      v.stock = std::stoll(std::string(row.get("stock")));
      if (*v.stock < 0) {
        p.error(row.sheet, row.cell("stock"), "stock " + std::to_string(*v.stock) + " is negative",
                "write how many are in stock (0 for sold out), or leave it empty for unlimited");
        broken.insert(id);
      }
    }
    if (!first && (prod.variants.front().name.empty() || v.name.empty())) {
      p.error(row.sheet, row.cell("variant"),
              "product \"" + id + "\" has several rows but not every row names its variant",
              "write the variant (size, colour) on every row of the product, or give the rows "
              "different ids");
      broken.insert(id);
    }
    for (const Variant& other : prod.variants) {
      if (!v.name.empty() && utf8::fold_case(other.name) == utf8::fold_case(v.name)) {
        p.error(row.sheet, row.cell("variant"),
                "variant \"" + v.name + "\" of product \"" + id + "\" is listed twice",
                "give each variant of a product its own name");
        broken.insert(id);
      }
    }
    prod.variants.push_back(std::move(v));
  }
  std::erase_if(c.products, [&](const Product& prod) { return broken.count(prod.id) > 0; });
}

}  // namespace

const Variant* Product::variant(std::string_view name) const {
  for (const Variant& v : variants) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

const Product* Catalog::product(std::string_view id) const {
  for (const Product& p : products) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Category* Catalog::category(std::string_view id) const {
  for (const Category& c : categories) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::vector<const Category*> Catalog::children(std::string_view parent) const {
  std::vector<const Category*> out;
  for (const Category& c : categories) {
    if (c.parent == parent) out.push_back(&c);
  }
  return out;
}

std::vector<const Product*> Catalog::in_category(std::string_view category) const {
  std::vector<const Product*> out;
  for (const Product& p : products) {
    if (p.active && p.category == category) out.push_back(&p);
  }
  return out;
}

std::vector<const Product*> Catalog::search(std::string_view query) const {
  std::vector<const Product*> out;
  const std::string q = utf8::fold_case(ascii::trim(query));
  if (q.empty()) return out;
  for (const Product& p : products) {
    if (p.active && utf8::fold_case(p.name).find(q) != std::string::npos) out.push_back(&p);
  }
  return out;
}

Catalog read_catalog(const Content& content, std::vector<ContentProblem>* problems) {
  Catalog c;
  const Problems p{problems};
  c.settings = read_settings(content, p);
  read_categories(content, c, p);
  read_products(content, c, p);
  return c;
}

std::vector<ContentProblem> check_catalog(const Content& content) {
  std::vector<ContentProblem> problems;
  read_catalog(content, &problems);
  return problems;
}

}  // namespace corebot::modules::shop
