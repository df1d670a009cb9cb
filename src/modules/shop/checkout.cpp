// Checkout: a small conversation kept in the session (so it survives restarts) that asks what the
// order needs — the delivery option, name, phone (typed or shared), address when the option
// delivers — then a summary with the payment methods. Digital goods skip delivery and address.
// Placing the order takes the stock conditionally (stock.hpp) and stores the order with its
// first status; the cart is emptied in the same store work.
//
// The forms module's machinery (forms.leads, the Forms sheet) is for owner-defined questions; the
// checkout's questions are fixed and feed the order, so it keeps its own few steps.
#include <algorithm>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"
#include "modules/shop/cart.hpp"
#include "modules/shop/money.hpp"
#include "modules/shop/orders_store.hpp"
#include "modules/shop/payments.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/texts.hpp"
#include "modules/shop/view.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAnswer = 300;

json::object* checkout_of(Context& ctx) {
  json::object& s = state_of(ctx);
  auto it = s.find("co");
  return it != s.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

json::object cancel_markup(const Context& ctx) {
  return {{"inline_keyboard",
           json::array{json::value(json::array{button(say(ctx, "shop_cancel"), cb("q"))})}}};
}

bool all_digital(const Catalog& catalog, const Cart& cart) {
  return std::all_of(cart.begin(), cart.end(), [&](const CartLine& l) {
    const Product* p = catalog.product(l.product);
    return p && p->digital;
  });
}

const DeliveryOption* delivery_of(const Catalog& catalog, const json::object& co) {
  const std::int64_t i = num(co, "delivery");
  if (!co.contains("delivery") || i < 0 ||
      static_cast<std::size_t>(i) >= catalog.settings.delivery.size()) {
    return nullptr;
  }
  return &catalog.settings.delivery[static_cast<std::size_t>(i)];
}

void load_cart(ModuleServices& services, Context& ctx, std::function<void(Context&, Cart)> then) {
  services.store().run(
      [id = std::to_string(ctx.user_id().value_or(0))](ModuleCollections& cs) {
        auto doc = cs.collection(kCarts).find_one({{"_id", id}});
        return doc ? cart_from(*doc) : Cart{};
      },
      [hold = ctx.hold(), then = std::move(then)](StoreResult<Cart> r) {
        if (!r) return hold->reply(say(*hold, "shop_failed"));
        then(*hold, std::move(r.value()));
      });
}

// Asks for whatever the order still lacks, or shows the summary.
void advance(Context& ctx, json::object& co, const Catalog& catalog, const Cart& cart) {
  const bool digital = all_digital(catalog, cart);
  if (!digital && !catalog.settings.delivery.empty() && !co.contains("delivery")) {
    co["stage"] = "delivery";
    json::array rows;
    for (std::size_t i = 0; i < catalog.settings.delivery.size(); ++i) {
      const DeliveryOption& d = catalog.settings.delivery[i];
      rows.push_back(json::array{
          button(ctx.localize(d.name) + " — " + format_price(d.price, catalog.settings.currency),
                 cb("d:" + std::to_string(i)))});
    }
    rows.push_back(json::array{button(say(ctx, "shop_cancel"), cb("q"))});
    ctx.reply(say(ctx, "shop_ask_delivery"),
              {{"reply_markup", json::object{{"inline_keyboard", rows}}}});
    return;
  }
  if (!digital && !co.contains("name")) {
    co["stage"] = "name";
    ctx.reply(say(ctx, "shop_ask_name"), {{"reply_markup", cancel_markup(ctx)}});
    return;
  }
  if (!digital && !co.contains("phone")) {
    co["stage"] = "phone";
    ctx.reply(
        say(ctx, "shop_ask_phone"),
        {{"reply_markup",
          json::object{{"keyboard",
                        json::array{json::value(json::array{json::object{
                            {"text", say(ctx, "shop_share_phone")}, {"request_contact", true}}})}},
                       {"resize_keyboard", true},
                       {"one_time_keyboard", true}}}});
    return;
  }
  const DeliveryOption* d = delivery_of(catalog, co);
  if (!digital && d && d->address && !co.contains("address")) {
    co["stage"] = "address";
    ctx.reply(say(ctx, "shop_ask_address"), {{"reply_markup", cancel_markup(ctx)}});
    return;
  }
  co["stage"] = "confirm";
  json::object order = build_order(ctx, catalog, cart, co);
  std::string text =
      say(ctx, "shop_summary") + "\n\n" + order_text(ctx.content(), ctx.language(), order);
  json::array rows;
  const std::string currency = cart_currency(cart);
  const auto& methods = catalog.settings.payments;
  if (currency == "XTR") {
    rows.push_back(json::array{button(say(ctx, "shop_pay_stars"), cb("$:stars"))});
  } else {
    if (methods.count(PayMethod::kCard) && !payment_config().provider_token.empty()) {
      rows.push_back(json::array{button(say(ctx, "shop_pay_card"), cb("$:card"))});
    }
    if (methods.count(PayMethod::kCash) && !digital) {
      rows.push_back(json::array{button(say(ctx, "shop_pay_cash"), cb("$:cash"))});
    }
  }
  rows.push_back(json::array{button(say(ctx, "shop_cancel"), cb("q"))});
  ctx.reply(std::move(text), {{"reply_markup", json::object{{"inline_keyboard", rows}}}});
}

// The cart again, as checkout needs it: reviewed (changes stop the checkout and are shown) and
// over the minimum.
void with_checked_cart(ModuleServices& services, Context& ctx,
                       std::function<void(Context&, const Catalog&, const Cart&)> then) {
  load_cart(services, ctx, [&services, then = std::move(then)](Context& c, Cart cart) {
    const Catalog catalog = catalog_of(c);
    Review r = review(c, catalog, std::move(cart));
    if (r.cart.empty()) {
      state_of(c).erase("co");
      return c.reply(say(c, "shop_cart_empty"));
    }
    if (!r.notes.empty()) {
      // Never charged silently: the changes are saved, shown, and the customer starts again.
      state_of(c).erase("co");
      services.store().run(
          [id = std::to_string(c.user_id().value_or(0)),
           items = cart_json(r.cart)](ModuleCollections& cs) {
            cs.collection(kCarts).replace_one({{"_id", id}}, {{"items", items}}, {.upsert = true});
          },
          [hold = c.hold(), notes = r.notes](StoreResult<std::monostate>) {
            std::string text;
            for (const auto& n : notes) text += n + "\n";
            text += "\n" + say(*hold, "shop_review");
            hold->reply(
                std::move(text),
                {{"reply_markup", json::object{{"inline_keyboard",
                                                json::array{json::value(json::array{button(
                                                    say(*hold, "shop_cart_open"), cb("k"))})}}}}});
          });
      return;
    }
    if (cart_currency(r.cart) != "XTR" && cart_total(r.cart) < catalog.settings.min_order) {
      state_of(c).erase("co");
      return c.reply(format(say(c, "shop_min_order"),
                            {format_price(catalog.settings.min_order, cart_currency(r.cart)),
                             format_price(cart_total(r.cart), cart_currency(r.cart))}));
    }
    then(c, catalog, r.cart);
  });
}

bool plausible_phone(std::string_view text) {
  std::size_t digits = 0;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') {
      ++digits;
    } else if (ch != '+' && ch != ' ' && ch != '-' && ch != '(' && ch != ')') {
      return false;
    }
  }
  return digits >= 7 && digits <= 15;
}

}  // namespace

void start_checkout(ModuleServices& services, Context& ctx) {
  with_checked_cart(services, ctx, [](Context& c, const Catalog& catalog, const Cart& cart) {
    json::object& co = state_of(c)["co"].emplace_object();
    advance(c, co, catalog, cart);
  });
}

void choose_delivery(ModuleServices& services, Context& ctx, std::size_t index) {
  json::object* co = checkout_of(ctx);
  if (!co || str(*co, "stage") != "delivery" || index >= catalog_of(ctx).settings.delivery.size()) {
    ctx.answer_callback(say(ctx, "shop_stale"));
    return;
  }
  ctx.answer_callback();
  (*co)["delivery"] = static_cast<std::int64_t>(index);
  with_checked_cart(services, ctx, [](Context& c, const Catalog& catalog, const Cart& cart) {
    if (json::object* co = checkout_of(c)) advance(c, *co, catalog, cart);
  });
}

Handled checkout_message(ModuleServices& services, Context& ctx) {
  json::object* co = checkout_of(ctx);
  if (!co || ctx.kind() != "message") return Handled::kContinue;
  const std::string stage = str(*co, "stage");
  std::string answer(ascii::trim(ctx.text()));
  bool shared_contact = false;
  if (stage == "phone") {
    const json::value* contact = ctx.update().at("message").as_object().if_contains("contact");
    if (contact && contact->is_object()) {
      answer = str(contact->get_object(), "phone_number");
      shared_contact = true;
    }
    if (!plausible_phone(answer)) {
      ctx.reply(say(ctx, "shop_bad_phone"));
      return Handled::kStop;
    }
  } else if (stage != "name" && stage != "address") {
    return Handled::kContinue;  // waiting for a button: not ours to answer
  }
  if (answer.empty()) return Handled::kContinue;
  if (utf8::length(answer) > kMaxAnswer) {
    ctx.reply(say(ctx, "shop_too_long"));
    return Handled::kStop;
  }
  (*co)[stage] = answer;
  if (stage == "phone" || shared_contact) {
    // Takes the contact keyboard away.
    ctx.reply("✓ " + answer, {{"reply_markup", json::object{{"remove_keyboard", true}}}});
  }
  with_checked_cart(services, ctx, [](Context& c, const Catalog& catalog, const Cart& cart) {
    if (json::object* co = checkout_of(c)) advance(c, *co, catalog, cart);
  });
  return Handled::kStop;
}

void cancel_checkout(Context& ctx) {
  state_of(ctx).erase("co");
  ctx.answer_callback();
  ctx.reply(say(ctx, "shop_cancelled"),
            {{"reply_markup", json::object{{"remove_keyboard", true}}}});
}

void place_order(ModuleServices& services, Context& ctx, std::string_view method) {
  json::object* co = checkout_of(ctx);
  if (!co || str(*co, "stage") != "confirm") {
    ctx.answer_callback(say(ctx, "shop_stale"));
    return;
  }
  ctx.answer_callback();
  with_checked_cart(
      services, ctx,
      [&services, method = std::string(method)](Context& c, const Catalog& catalog,
                                                const Cart& cart) {
        json::object* co = checkout_of(c);
        if (!co) return;
        json::object order = build_order(c, catalog, cart, *co);
        order["method"] = method;
        if (method == "cash") {
          create_order(services, c, catalog, std::move(order));
          return;
        }
        const bool stars = cart_currency(cart) == "XTR";
        if ((method == "stars" && stars) ||
            (method == "card" && !stars && !payment_config().provider_token.empty())) {
          send_invoice(services, c, catalog, std::move(order));
          return;
        }
        c.reply(say(c, "shop_stale"));
      });
}

}  // namespace corebot::modules::shop
