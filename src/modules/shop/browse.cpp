// Browsing: the shop's home (top categories), a category (its sub-categories and a page of its
// products), a product card (variants, quantity, stock), search by name.
#include <algorithm>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"
#include "modules/shop/money.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/stock.hpp"
#include "modules/shop/texts.hpp"
#include "modules/shop/view.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

json::array footer(const Context& ctx) {
  return json::array{button(say(ctx, "shop_search"), cb("s")),
                     button(say(ctx, "shop_cart_open"), cb("k"))};
}

std::string price_from(const Product& p) {
  std::int64_t low = p.variants.front().price;
  for (const Variant& v : p.variants) low = std::min(low, v.price);
  return format_price(low, p.currency);
}

json::array product_button(const Product& p) {
  return json::array{button(p.name + " — " + price_from(p), cb("p:" + p.id + ":0:1"))};
}

}  // namespace

void show_home(Context& ctx) {
  const Catalog catalog = catalog_of(ctx);
  View view;
  view.text = say(ctx, "shop_home");
  auto top = catalog.children("");
  for (std::size_t i = 0; i < top.size(); i += 2) {
    json::array row{button(top[i]->name, cb("c:" + top[i]->id + ":0"))};
    if (i + 1 < top.size())
      row.push_back(button(top[i + 1]->name, cb("c:" + top[i + 1]->id + ":0")));
    view.keyboard.push_back(std::move(row));
  }
  // Products outside any category are listed on the home screen itself.
  for (const Product* p : catalog.in_category("")) view.keyboard.push_back(product_button(*p));
  if (view.keyboard.empty()) view.text = say(ctx, "shop_empty");
  view.keyboard.push_back(footer(ctx));
  view.keyboard.push_back(json::array{button(say(ctx, "shop_orders_button"), cb("m"))});
  show(ctx, std::move(view));
}

void show_category(Context& ctx, const std::string& id, std::size_t page) {
  const Catalog catalog = catalog_of(ctx);
  const Category* cat = catalog.category(id);
  if (!cat) {
    ctx.answer_callback(say(ctx, "shop_stale"));
    return show_home(ctx);
  }
  View view;
  view.photo = cat->photo;
  view.text = format(say(ctx, "shop_category"), {ctx.localize(cat->name)});
  for (const Category* sub : catalog.children(id)) {
    view.keyboard.push_back(
        json::array{button(ctx.localize(sub->name), cb("c:" + sub->id + ":0"))});
  }
  const auto products = catalog.in_category(id);
  const std::size_t pages = std::max<std::size_t>(1, (products.size() + kPageSize - 1) / kPageSize);
  page = std::min(page, pages - 1);
  for (std::size_t i = page * kPageSize; i < products.size() && i < (page + 1) * kPageSize; ++i) {
    view.keyboard.push_back(product_button(*products[i]));
  }
  if (products.empty() && catalog.children(id).empty()) {
    view.text += "\n\n" + say(ctx, "shop_no_products");
  }
  if (pages > 1) {
    view.text +=
        "\n" + format(say(ctx, "shop_page"), {std::to_string(page + 1), std::to_string(pages)});
    json::array nav;
    if (page > 0) nav.push_back(button("◀", cb("c:" + id + ":" + std::to_string(page - 1))));
    nav.push_back(button(std::to_string(page + 1) + "/" + std::to_string(pages), cb("n")));
    if (page + 1 < pages)
      nav.push_back(button("▶", cb("c:" + id + ":" + std::to_string(page + 1))));
    view.keyboard.push_back(std::move(nav));
  }
  view.keyboard.push_back(json::array{button(
      say(ctx, "shop_back"), cat->parent.empty() ? cb("h") : cb("c:" + cat->parent + ":0"))});
  view.keyboard.push_back(footer(ctx));
  show(ctx, std::move(view));
}

void show_product(ModuleServices& services, Context& ctx, const std::string& id, std::size_t vi,
                  std::int64_t qty, std::string note) {
  const Catalog catalog = catalog_of(ctx);
  const Product* p = catalog.product(id);
  if (!p || !p->active || vi >= p->variants.size()) {
    ctx.answer_callback(say(ctx, "shop_gone"));
    return;
  }
  qty = std::clamp<std::int64_t>(qty, 1, kMaxQuantity);
  const Variant& v = p->variants[vi];
  auto render = [id, vi, qty, note, name = p->name, description = p->description, photo = p->photo,
                 currency = p->currency, category = p->category, variants = p->variants,
                 price = v.price](Context& c, std::optional<std::int64_t> left) {
    View view;
    view.photo = photo;
    view.same_photo_marker = cb("n:" + id);  // the quantity button marks the product's card
    view.text = c.localize(name);
    if (!description.empty()) view.text += "\n\n" + c.localize(description);
    view.text += "\n\n" + format(say(c, "shop_price"), {format_price(price, currency)});
    if (left) {
      view.text += "\n" + (*left > 0 ? format(say(c, "shop_in_stock"), {std::to_string(*left)})
                                     : say(c, "shop_sold_out"));
    }
    if (!note.empty()) view.text += "\n\n" + note;
    if (variants.size() > 1 || !variants[0].name.empty()) {
      json::array row;
      for (std::size_t i = 0; i < variants.size(); ++i) {
        row.push_back(button((i == vi ? "✓ " : "") + variants[i].name,
                             cb("p:" + id + ":" + std::to_string(i) + ":" + std::to_string(qty))));
        if (row.size() == 4) view.keyboard.push_back(std::exchange(row, {}));
      }
      if (!row.empty()) view.keyboard.push_back(std::move(row));
    }
    const std::string at = "p:" + id + ":" + std::to_string(vi) + ":";
    view.keyboard.push_back(json::array{button("−", cb(at + std::to_string(qty - 1))),
                                        button(std::to_string(qty), cb("n:" + id)),
                                        button("+", cb(at + std::to_string(qty + 1)))});
    if (!left || *left > 0) {
      view.keyboard.push_back(json::array{
          button(say(c, "shop_add"),
                 cb("a:" + id + ":" + std::to_string(vi) + ":" + std::to_string(qty)))});
    }
    view.keyboard.push_back(json::array{
        button(say(c, "shop_back"), category.empty() ? cb("h") : cb("c:" + category + ":0")),
        button(say(c, "shop_cart_open"), cb("k"))});
    show(c, std::move(view));
  };
  if (!v.stock) return render(ctx, std::nullopt);
  services.store().run(
      [key = stock_key(p->id, v.name), base = *v.stock](ModuleCollections& cs) {
        return stock_left(cs.collection(kStock), key, base);
      },
      [hold = ctx.hold(), render](StoreResult<std::int64_t> left) {
        render(*hold, left ? std::optional(left.value()) : std::nullopt);
      });
}

void ask_search(Context& ctx) {
  state_of(ctx) = {{"await", "search"}};
  ctx.reply(say(ctx, "shop_search_prompt"),
            {{"reply_markup",
              json::object{{"inline_keyboard", json::array{json::value(json::array{
                                                   button(say(ctx, "shop_back"), cb("h"))})}}}}});
}

void show_search(Context& ctx, const std::string& query) {
  const Catalog catalog = catalog_of(ctx);
  const auto found = catalog.search(query);
  View view;
  view.text = format(say(ctx, found.empty() ? "shop_search_none" : "shop_search_results"), {query});
  for (std::size_t i = 0; i < found.size() && i < 20; ++i)
    view.keyboard.push_back(product_button(*found[i]));
  view.keyboard.push_back(json::array{button(say(ctx, "shop_back"), cb("h")),
                                      button(say(ctx, "shop_search"), cb("s"))});
  send_view(ctx, std::move(view));
}

}  // namespace corebot::modules::shop
