#include "modules/shop/cart.hpp"

#include "modules/shop/money.hpp"
#include "modules/shop/texts.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

}  // namespace

json::array cart_json(const Cart& cart) {
  json::array out;
  for (const CartLine& l : cart) {
    out.push_back(json::object{{"p", l.product},
                               {"v", l.variant},
                               {"q", l.qty},
                               {"price", l.price},
                               {"cur", l.currency},
                               {"name", l.name}});
  }
  return out;
}

Cart cart_from(const json::object& doc) {
  Cart cart;
  const json::value* items = doc.if_contains("items");
  if (!items || !items->is_array()) return cart;
  for (const json::value& v : items->get_array()) {
    if (!v.is_object()) continue;  // the store's shape is never trusted
    const json::object& o = v.get_object();
    CartLine l{str(o, "p"),     str(o, "v"),   num(o, "q"),
               num(o, "price"), str(o, "cur"), str(o, "name")};
    if (!l.product.empty() && l.qty > 0) cart.push_back(std::move(l));
  }
  return cart;
}

std::int64_t cart_total(const Cart& cart) {
  std::int64_t total = 0;
  for (const CartLine& l : cart) total += l.price * l.qty;
  return total;
}

std::string cart_currency(const Cart& cart) {
  return cart.empty() ? std::string() : cart.front().currency;
}

void add_line(Cart& cart, CartLine line) {
  for (CartLine& l : cart) {
    if (l.product == line.product && l.variant == line.variant) {
      l.qty += line.qty;
      l.price = line.price;
      return;
    }
  }
  cart.push_back(std::move(line));
}

std::string line_name(const Catalog& catalog, const CartLine& line) {
  const Product* p = catalog.product(line.product);
  std::string name = p ? p->name : line.name.empty() ? line.product : line.name;
  if (!line.variant.empty()) name += " (" + line.variant + ")";
  return name;
}

std::string line_text(const Catalog& catalog, const CartLine& line) {
  return line_name(catalog, line) + " × " + std::to_string(line.qty) + " — " +
         format_price(line.price * line.qty, line.currency);
}

Review review(const Context& ctx, const Catalog& catalog, Cart cart) {
  Review out;
  for (CartLine& l : cart) {
    const Product* p = catalog.product(l.product);
    const Variant* v = p && p->active ? p->variant(l.variant) : nullptr;
    if (!v || p->currency != l.currency) {
      out.notes.push_back(format(say(ctx, "shop_item_gone"), {line_name(catalog, l)}));
      continue;
    }
    if (v->price != l.price) {
      out.notes.push_back(format(say(ctx, "shop_price_changed"),
                                 {line_name(catalog, l), format_price(l.price, l.currency),
                                  format_price(v->price, l.currency)}));
      l.price = v->price;
    }
    out.cart.push_back(std::move(l));
  }
  return out;
}

}  // namespace corebot::modules::shop
