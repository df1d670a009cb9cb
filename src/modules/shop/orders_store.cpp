#include "modules/shop/orders_store.hpp"

#include "corebot/sender_name.hpp"
#include "modules/shop/money.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/texts.hpp"
#include "modules/shop/view.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

// The outcome of create_order's store work: the order's number, or the line short of stock.
struct Placed {
  std::int64_t id = 0;
  std::size_t short_line = 0;
  std::int64_t left = 0;
};

}  // namespace

json::object build_order(const Context& ctx, const Catalog& catalog, const Cart& cart,
                         const json::object& co) {
  json::array items;
  for (const CartLine& l : cart) {
    items.push_back(json::object{{"p", l.product},
                                 {"v", l.variant},
                                 {"name", line_name(catalog, l)},
                                 {"q", l.qty},
                                 {"price", l.price}});
  }
  json::object order{{"user_id", ctx.user_id().value_or(0)},
                     {"chat_id", ctx.chat_id().value_or(0)},
                     {"language", ctx.language()},
                     {"customer", sender_first_name(ctx)},
                     {"username", std::string(ctx.username())},
                     {"items", std::move(items)},
                     {"currency", cart_currency(cart)},
                     {"subtotal", cart_total(cart)}};
  std::int64_t total = cart_total(cart);
  const std::int64_t d = num(co, "delivery");
  if (co.contains("delivery") && d >= 0 &&
      static_cast<std::size_t>(d) < catalog.settings.delivery.size()) {
    const DeliveryOption& option = catalog.settings.delivery[static_cast<std::size_t>(d)];
    order["delivery"] = json::object{{"name", option.name}, {"price", option.price}};
    total += option.price;
  }
  for (const char* key : {"name", "phone", "address"}) {
    if (co.contains(key)) order[key] = str(co, key);
  }
  order["total"] = total;
  return order;
}

std::vector<StockNeed> stock_needs(const Catalog& catalog, const json::object& order) {
  std::vector<StockNeed> needs;
  const json::value* items = order.if_contains("items");
  if (!items || !items->is_array()) return needs;
  for (const json::value& v : items->get_array()) {
    if (!v.is_object()) continue;
    const json::object& it = v.get_object();
    const Product* p = catalog.product(str(it, "p"));
    const Variant* var = p ? p->variant(str(it, "v")) : nullptr;
    if (!var || !var->stock) continue;
    needs.push_back({stock_key(p->id, var->name), num(it, "q"), *var->stock});
  }
  return needs;
}

std::vector<StockNeed> order_stock(const json::object& order) {
  std::vector<StockNeed> needs;
  const json::value* items = order.if_contains("items");
  if (!items || !items->is_array()) return needs;
  for (const json::value& v : items->get_array()) {
    if (!v.is_object()) continue;
    const json::object& it = v.get_object();
    needs.push_back({stock_key(str(it, "p"), str(it, "v")), num(it, "q"), 0});
  }
  return needs;
}

std::int64_t insert_order(ModuleCollections& cs, json::object order) {
  Collection& orders = cs.collection(kOrders);
  for (int attempt = 0; attempt < 20; ++attempt) {
    FindOptions last;
    last.sort = {{"_id", -1}};
    last.limit = 1;
    auto newest = orders.find({}, last);
    const std::int64_t id = newest.empty() ? 1 : num(newest.front(), "_id") + 1;
    order["_id"] = id;
    try {
      orders.insert_one(order);
      return id;
    } catch (const StoreError& e) {
      if (e.kind() != StoreErrorKind::kDuplicateKey) throw;  // another order took the number
    }
  }
  throw StoreError(StoreErrorKind::kInternal, orders.name(), "insert", "no free order number");
}

void create_order(ModuleServices& services, Context& ctx, const Catalog& catalog,
                  json::object order) {
  const std::string status = catalog.settings.statuses.front();
  const std::int64_t now = now_ms(services);
  order["status"] = status;
  order["paid"] = false;
  order["created"] = now;
  order["history"] = json::array{json::object{{"status", status}, {"at", now}, {"by", 0}}};
  auto needs = stock_needs(catalog, order);
  services.store().run(
      [order, needs, user = std::to_string(ctx.user_id().value_or(0))](ModuleCollections& cs) {
        if (auto failed = take_stock(cs.collection(kStock), needs)) {
          return Placed{0, failed->first, failed->second};
        }
        try {
          const std::int64_t id = insert_order(cs, order);
          cs.collection(kCarts).delete_one({{"_id", user}});
          return Placed{id, 0, 0};
        } catch (...) {
          give_back(cs.collection(kStock), needs);
          throw;
        }
      },
      [&services, hold = ctx.hold(), order, needs](StoreResult<Placed> r) mutable {
        Context& c = *hold;
        if (!r) return c.reply(say(c, "shop_failed"));
        const Placed placed = r.value();
        if (placed.id == 0) {
          std::string name;
          const std::string key = needs[placed.short_line].key;
          for (const json::value& v : order.at("items").as_array()) {
            const json::object& it = v.as_object();
            if (stock_key(str(it, "p"), str(it, "v")) == key) name = str(it, "name");
          }
          state_of(c).erase("co");
          return c.reply(
              format(say(c, "shop_not_enough"), {std::to_string(placed.left), name}),
              {{"reply_markup",
                json::object{{"inline_keyboard", json::array{json::value(json::array{button(
                                                     say(c, "shop_cart_open"), cb("k"))})}}}}});
        }
        order["_id"] = placed.id;
        state_of(c).erase("co");
        const Catalog catalog = catalog_of(c);
        const std::string end = catalog.settings.receipt.empty()
                                    ? say(c, "shop_receipt_end")
                                    : c.localize(catalog.settings.receipt);
        c.reply(format(say(c, "shop_receipt"),
                       {std::to_string(placed.id), order_text(c.content(), c.language(), order),
                        status_name(c.content(), c.language(), str(order, "status"))}) +
                    "\n\n" + end,
                {{"reply_markup", json::object{{"remove_keyboard", true}}}});
        notify_staff(services, order);
      });
}

}  // namespace corebot::modules::shop
