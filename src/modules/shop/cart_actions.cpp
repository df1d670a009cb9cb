// The cart's buttons: add from a product card, show (reviewed against the catalog), remove a line,
// empty it. The cart is read and written on a store worker; the chat's next update waits (hold).
#include "modules/shop/cart.hpp"
#include "modules/shop/money.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/texts.hpp"
#include "modules/shop/view.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

std::string user_key(const Context& ctx) { return std::to_string(ctx.user_id().value_or(0)); }

// Reads the cart, lets `change` edit it on the loop thread, saves it when `change` says so, then
// `then` runs with the saved cart.
void with_cart(ModuleServices& services, Context& ctx, std::function<bool(Context&, Cart&)> change,
               std::function<void(Context&, const Cart&)> then) {
  const std::string id = user_key(ctx);
  services.store().run(
      [id](ModuleCollections& cs) {
        auto doc = cs.collection(kCarts).find_one({{"_id", id}});
        return doc ? cart_from(*doc) : Cart{};
      },
      [&services, id, hold = ctx.hold(), change = std::move(change),
       then = std::move(then)](StoreResult<Cart> r) mutable {
        Context& c = *hold;
        if (!r) {
          c.reply(say(c, "shop_failed"));
          return;
        }
        Cart cart = std::move(r.value());
        if (!change(c, cart)) return then(c, cart);
        services.store().run(
            [id, items = cart_json(cart)](ModuleCollections& cs) {
              cs.collection(kCarts).replace_one({{"_id", id}}, {{"items", items}},
                                                {.upsert = true});
            },
            [hold, cart, then = std::move(then)](StoreResult<std::monostate> saved) {
              if (!saved) {
                hold->reply(say(*hold, "shop_failed"));
                return;
              }
              then(*hold, cart);
            });
      });
}

void render_cart(Context& ctx, const Catalog& catalog, const Cart& cart,
                 const std::vector<std::string>& notes) {
  View view;
  for (const std::string& n : notes) view.text += n + "\n";
  if (!notes.empty()) view.text += "\n";
  if (cart.empty()) {
    view.text += say(ctx, "shop_cart_empty");
    view.keyboard.push_back(json::array{button(say(ctx, "shop_back"), cb("h"))});
    return show(ctx, std::move(view));
  }
  view.text += say(ctx, "shop_cart") + "\n";
  for (std::size_t i = 0; i < cart.size(); ++i) {
    view.text += "\n" + std::to_string(i + 1) + ". " + line_text(catalog, cart[i]);
    view.keyboard.push_back(
        json::array{button(format(say(ctx, "shop_removed_line"), {line_name(catalog, cart[i])}),
                           cb("r:" + std::to_string(i)))});
  }
  view.text += "\n\n" + format(say(ctx, "shop_total"),
                               {format_price(cart_total(cart), cart_currency(cart))});
  view.keyboard.push_back(json::array{button(say(ctx, "shop_checkout"), cb("o"))});
  view.keyboard.push_back(
      json::array{button(say(ctx, "shop_back"), cb("h")), button(say(ctx, "shop_clear"), cb("x"))});
  show(ctx, std::move(view));
}

}  // namespace

void add_to_cart(ModuleServices& services, Context& ctx, const std::string& id, std::size_t vi,
                 std::int64_t qty) {
  const Catalog catalog = catalog_of(ctx);
  const Product* p = catalog.product(id);
  if (!p || !p->active || vi >= p->variants.size() || qty < 1 || qty > kMaxQuantity) {
    ctx.answer_callback(say(ctx, "shop_gone"), true);
    return;
  }
  CartLine line{p->id, p->variants[vi].name, qty, p->variants[vi].price, p->currency, p->name};
  const std::string name = line_name(catalog, line);
  // The press is answered when on_update returns, before the store has spoken: the outcome is
  // shown on the card itself (edited in place), not in a toast.
  auto note = std::make_shared<std::string>();
  with_cart(
      services, ctx,
      [line, note](Context& c, Cart& cart) {
        const std::string currency = cart_currency(cart);
        if (!currency.empty() && currency != line.currency) {
          *note = "⚠️ " + format(say(c, "shop_other_currency"), {currency});
          return false;
        }
        add_line(cart, line);
        return true;
      },
      [&services, note, name, id, vi, qty](Context& c, const Cart&) {
        if (note->empty()) *note = "✅ " + format(say(c, "shop_added"), {name, std::to_string(qty)});
        show_product(services, c, id, vi, qty, *note);
      });
}

void show_cart(ModuleServices& services, Context& ctx) {
  auto notes = std::make_shared<std::vector<std::string>>();
  with_cart(
      services, ctx,
      [notes](Context& c, Cart& cart) {
        Review r = review(c, catalog_of(c), std::move(cart));
        cart = std::move(r.cart);
        *notes = std::move(r.notes);
        return !notes->empty();  // saved at today's prices, the vanished lines gone
      },
      [notes](Context& c, const Cart& cart) { render_cart(c, catalog_of(c), cart, *notes); });
}

void remove_line(ModuleServices& services, Context& ctx, std::size_t index) {
  with_cart(
      services, ctx,
      [index](Context&, Cart& cart) {
        if (index >= cart.size()) return false;
        cart.erase(cart.begin() + static_cast<long>(index));
        return true;
      },
      [](Context& c, const Cart& cart) {
        Review r = review(c, catalog_of(c), cart);
        render_cart(c, catalog_of(c), r.cart, r.notes);
      });
}

void clear_cart(ModuleServices& services, Context& ctx) {
  with_cart(
      services, ctx,
      [](Context&, Cart& cart) {
        cart.clear();
        return true;
      },
      [](Context& c, const Cart& cart) { render_cart(c, catalog_of(c), cart, {}); });
}

}  // namespace corebot::modules::shop
