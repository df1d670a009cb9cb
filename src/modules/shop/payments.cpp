#include "modules/shop/payments.hpp"

#include <chrono>
#include <cstdlib>

#include "corebot/utf8.hpp"
#include "modules/shop/cart.hpp"
#include "modules/shop/money.hpp"
#include "modules/shop/orders_store.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/texts.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

PaymentConfig& config_slot() {
  static PaymentConfig config;
  return config;
}

std::string job_id(std::int64_t order) { return "expire:" + std::to_string(order); }

// "order:17" -> 17; 0 for anything else.
std::int64_t order_of(std::string_view payload) {
  if (payload.substr(0, 6) != "order:") return 0;
  const std::string n(payload.substr(6));
  if (n.empty() || n.size() > 12 || n.find_first_not_of("0123456789") != std::string::npos)
    return 0;
  return std::stoll(n);
}

const json::object* body_of(const Context& ctx, std::string_view kind) {
  const json::value* v = ctx.update().if_contains(kind);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

json::object history(std::string status, std::int64_t at, std::int64_t by = 0) {
  return {{"status", std::move(status)}, {"at", at}, {"by", by}};
}

// Why the order may not be paid now ("" when it may): still pending, the same currency, every
// line still sold at the price the invoice asks, the total with the chosen shipping.
std::string payable(const Context& ctx, const Catalog& catalog, const json::object& order,
                    std::string_view currency, std::int64_t total, std::string_view shipping) {
  if (str(order, "status") != "pending") return say(ctx, "shop_pay_closed");
  if (currency != str(order, "currency")) return say(ctx, "shop_pay_changed");
  std::int64_t expected = num(order, "subtotal");
  for (const json::value& v : order.at("items").as_array()) {
    const json::object& it = v.as_object();
    const Product* p = catalog.product(str(it, "p"));
    const Variant* var = p && p->active ? p->variant(str(it, "v")) : nullptr;
    if (!var || var->price != num(it, "price")) return say(ctx, "shop_pay_changed");
  }
  if (!shipping.empty()) {
    const std::string_view index = shipping.substr(1);
    std::size_t i = catalog.settings.delivery.size();
    if (shipping[0] == 'd' && !index.empty() && index.size() < 3 &&
        index.find_first_not_of("0123456789") == std::string_view::npos) {
      i = std::stoul(std::string(index));
    }
    if (i >= catalog.settings.delivery.size()) return say(ctx, "shop_pay_changed");
    expected += catalog.settings.delivery[i].price;
  } else {
    expected = num(order, "total");
  }
  return expected == total ? std::string() : say(ctx, "shop_pay_changed");
}

// Marks a pending order `status` (expired, failed) and gives its stock back, once.
void close_pending(ModuleServices& services, std::int64_t id, std::string status) {
  services.store().run(
      [id, status, at = now_ms(services)](ModuleCollections& cs) {
        auto r = cs.collection(kOrders).update_one(
            {{"_id", id}, {"status", "pending"}},
            {{"$set", {{"status", status}}}, {"$push", {{"history", history(status, at)}}}});
        if (r.modified == 1) {
          if (auto order = cs.collection(kOrders).find_one({{"_id", id}})) {
            give_back(cs.collection(kStock), order_stock(*order));
          }
        }
        return r.modified == 1;
      },
      [&services, id, status](StoreResult<bool> r) {
        if (!r)
          services.log(LogLevel::kWarn, "order " + std::to_string(id) + ": " + r.error().what());
      });
}

// Sends what digital lines deliver: a link or a Texts entry as a message, anything else as the
// Telegram file id of a document.
void deliver_digital(Context& ctx, const Catalog& catalog, const json::object& order) {
  for (const json::value& v : order.at("items").as_array()) {
    const json::object& it = v.as_object();
    const Product* p = catalog.product(str(it, "p"));
    if (!p || !p->digital || p->item.empty()) continue;
    const std::string name = str(it, "name");
    if (p->item.rfind("http://", 0) == 0 || p->item.rfind("https://", 0) == 0 ||
        (ctx.content() && ctx.content()->has_text(p->item))) {
      ctx.reply(format(say(ctx, "shop_digital"), {name, ctx.localize(p->item)}));
    } else {
      ctx.sender().call(
          "sendDocument",
          {{"chat_id", ctx.chat_id().value_or(0)}, {"document", p->item}, {"caption", name}},
          Priority::kInteractive);
    }
  }
}

}  // namespace

const PaymentConfig& payment_config() { return config_slot(); }
void set_payment_config(PaymentConfig config) { config_slot() = std::move(config); }

void handle_payment_jobs(ModuleServices& services) {
  services.jobs().handle(std::string(kExpireJob), [&services](const JobRun& run) {
    const json::value* id = run.payload.if_contains("order");
    if (id && id->is_int64()) close_pending(services, id->get_int64(), "expired");
  });
}

void send_invoice(ModuleServices& services, Context& ctx, const Catalog& catalog,
                  json::object order) {
  const std::int64_t now = now_ms(services);
  const bool stars = str(order, "currency") == "XTR";
  order["status"] = "pending";
  order["paid"] = false;
  order["created"] = now;
  order["history"] = json::array{history("pending", now)};
  auto needs = stock_needs(catalog, order);
  services.store().run(
      [order, needs](ModuleCollections& cs) -> std::pair<std::int64_t, std::int64_t> {
        if (auto failed = take_stock(cs.collection(kStock), needs)) {
          return {-static_cast<std::int64_t>(failed->first) - 1, failed->second};
        }
        try {
          return {insert_order(cs, order), 0};
        } catch (...) {
          give_back(cs.collection(kStock), needs);
          throw;
        }
      },
      [&services, hold = ctx.hold(), order,
       stars](StoreResult<std::pair<std::int64_t, std::int64_t>> r) mutable {
        Context& c = *hold;
        state_of(c).erase("co");
        if (!r) return c.reply(say(c, "shop_failed"));
        const auto [id, left] = r.value();
        if (id < 0) {
          const json::object& line =
              order.at("items").as_array()[static_cast<std::size_t>(-id - 1)].as_object();
          return c.reply(
              format(say(c, "shop_not_enough"), {std::to_string(left), str(line, "name")}));
        }
        services.jobs().schedule(
            job_id(id), std::string(kExpireJob),
            JobSchedule::after(services.clock(),
                               std::chrono::seconds(payment_config().reservation_seconds)),
            {{"order", id}});
        const std::string title = format(say(c, "shop_invoice_title"), {std::to_string(id)});
        std::string description;
        json::array prices;
        for (const json::value& v : order.at("items").as_array()) {
          const json::object& it = v.as_object();
          const std::string line = str(it, "name") + " × " + std::to_string(num(it, "q"));
          description += (description.empty() ? "" : ", ") + line;
          prices.push_back(
              json::object{{"label", line}, {"amount", num(it, "price") * num(it, "q")}});
        }
        if (utf8::utf16_length(description) > 255)
          description = utf8::split(description, 250).front() + "…";
        json::object params{{"chat_id", c.chat_id().value_or(0)},
                            {"title", title},
                            {"description", description},
                            {"payload", "order:" + std::to_string(id)},
                            {"currency", str(order, "currency")}};
        if (stars) {
          params["prices"] =
              json::array{json::object{{"label", title}, {"amount", num(order, "total")}}};
        } else {
          params["prices"] = std::move(prices);
          params["provider_token"] = payment_config().provider_token;
          if (order.contains("delivery")) {
            // Delivery is chosen (again) in Telegram's payment form: the shipping query.
            params["is_flexible"] = true;
            params["need_shipping_address"] = order.contains("address");
          }
        }
        // The answer is awaited without holding the chat: the customer may go on meanwhile.
        c.sender().call(
            "sendInvoice", std::move(params), Priority::kInteractive,
            [&services, id = id, chat = c.chat_id().value_or(0),
             language = c.language()](const CallResult& sent) {
              if (sent.ok) return;
              services.log(LogLevel::kWarn, "sendInvoice for order " + std::to_string(id) +
                                                " failed: " + sent.description);
              close_pending(services, id, "failed");
              auto content = services.content();
              services.sender().call(
                  "sendMessage",
                  {{"chat_id", chat}, {"text", say(content.get(), language, "shop_failed")}},
                  Priority::kInteractive);
            });
      });
}

void on_shipping_query(ModuleServices& services, Context& ctx) {
  const json::object* q = body_of(ctx, "shipping_query");
  if (!q) return;
  const std::string query = str(*q, "id");
  const std::int64_t id = order_of(str(*q, "invoice_payload"));
  services.store().run(
      [id](ModuleCollections& cs) {
        return cs.collection(kOrders).find_one({{"_id", id}});
      },
      [hold = ctx.hold(), query](StoreResult<std::optional<json::object>> r) {
        Context& c = *hold;
        const Catalog catalog = catalog_of(c);
        json::object answer{{"shipping_query_id", query}};
        if (!r || !r.value() || str(*r.value(), "status") != "pending" ||
            catalog.settings.delivery.empty()) {
          answer["ok"] = false;
          answer["error_message"] = say(c, "shop_pay_closed");
        } else {
          // The option chosen at checkout first: Telegram preselects it.
          const json::value* chosen = r.value()->if_contains("delivery");
          const std::string first =
              chosen && chosen->is_object() ? str(chosen->get_object(), "name") : "";
          json::array options;
          for (std::size_t i = 0; i < catalog.settings.delivery.size(); ++i) {
            const DeliveryOption& d = catalog.settings.delivery[i];
            json::object option{{"id", "d" + std::to_string(i)},
                                {"title", c.localize(d.name)},
                                {"prices", json::array{json::object{{"label", c.localize(d.name)},
                                                                    {"amount", d.price}}}}};
            if (d.name == first) {
              options.insert(options.begin(), std::move(option));
            } else {
              options.push_back(std::move(option));
            }
          }
          answer["ok"] = true;
          answer["shipping_options"] = std::move(options);
        }
        c.sender().call("answerShippingQuery", std::move(answer), Priority::kInteractive);
      });
}

void on_pre_checkout(ModuleServices& services, Context& ctx) {
  const json::object* q = body_of(ctx, "pre_checkout_query");
  if (!q) return;
  const std::string query = str(*q, "id");
  const std::int64_t id = order_of(str(*q, "invoice_payload"));
  services.store().run(
      [id](ModuleCollections& cs) {
        return cs.collection(kOrders).find_one({{"_id", id}});
      },
      [&services, hold = ctx.hold(), query, id,
       q = *q](StoreResult<std::optional<json::object>> r) {
        Context& c = *hold;
        std::string problem = say(c, "shop_pay_closed");
        if (r && r.value()) {
          problem = payable(c, catalog_of(c), *r.value(), str(q, "currency"),
                            num(q, "total_amount"), str(q, "shipping_option_id"));
        }
        json::object answer{{"pre_checkout_query_id", query}, {"ok", problem.empty()}};
        if (!problem.empty()) {
          answer["error_message"] = problem;
          if (r && r.value()) close_pending(services, id, "failed");  // its stock goes back at once
        }
        c.sender().call("answerPreCheckoutQuery", std::move(answer), Priority::kInteractive);
      });
}

void on_successful_payment(ModuleServices& services, Context& ctx) {
  const json::object& message = ctx.update().at("message").as_object();
  const json::object& paid = message.at("successful_payment").as_object();
  const std::int64_t id = order_of(str(paid, "invoice_payload"));
  const std::string charge = str(paid, "telegram_payment_charge_id");
  const Catalog catalog = catalog_of(ctx);
  const std::string first = catalog.settings.statuses.front();
  json::object set{{"paid", true},
                   {"status", first},
                   {"total", num(paid, "total_amount")},
                   {"telegram_payment_charge_id", charge},
                   {"provider_payment_charge_id", str(paid, "provider_payment_charge_id")},
                   {"paid_at", now_ms(services)}};
  const std::string shipping = str(paid, "shipping_option_id");
  if (shipping.size() > 1 && shipping[0] == 'd') {
    const std::size_t i = std::strtoul(shipping.c_str() + 1, nullptr, 10);
    if (i < catalog.settings.delivery.size()) {
      set["delivery"] = json::object{{"name", catalog.settings.delivery[i].name},
                                     {"price", catalog.settings.delivery[i].price}};
    }
  }
  json::object record{{"_id", charge},
                      {"order", id},
                      {"user_id", ctx.user_id().value_or(0)},
                      {"currency", str(paid, "currency")},
                      {"total", num(paid, "total_amount")},
                      {"at", now_ms(services)}};
  services.store().run(
      [id, record, set, first, at = now_ms(services),
       user = std::to_string(ctx.user_id().value_or(0)),
       catalog](ModuleCollections& cs) -> std::optional<json::object> {
        try {
          cs.collection(kPayments).insert_one(record);
        } catch (const StoreError& e) {
          if (e.kind() == StoreErrorKind::kDuplicateKey) return std::nullopt;  // redelivered
          throw;
        }
        auto before = cs.collection(kOrders).find_one({{"_id", id}});
        if (!before) return json::object{{"_id", id}, {"missing", true}};
        const std::string was = str(*before, "status");
        if (was == "expired" || was == "failed") {
          // Paid after the reservation ended: take the stock again where there is some (staff
          // see the order either way).
          take_stock(cs.collection(kStock), stock_needs(catalog, *before));
        }
        cs.collection(kOrders).update_one(
            {{"_id", id}}, {{"$set", set}, {"$push", {{"history", history(first, at)}}}});
        cs.collection(kCarts).delete_one({{"_id", user}});
        return cs.collection(kOrders).find_one({{"_id", id}});
      },
      [&services, hold = ctx.hold(), id, charge](StoreResult<std::optional<json::object>> r) {
        Context& c = *hold;
        if (!r) {
          services.log(LogLevel::kError, "payment " + charge + " for order " + std::to_string(id) +
                                             " not recorded: " + r.error().what());
          return;
        }
        if (!r.value()) return;  // this charge was recorded before
        const json::object& order = *r.value();
        if (order.contains("missing")) {
          services.log(LogLevel::kError,
                       "payment " + charge + " for unknown order " + std::to_string(id));
          return;
        }
        services.jobs().cancel(job_id(id));
        const Catalog catalog = catalog_of(c);
        const std::string end = catalog.settings.receipt.empty()
                                    ? say(c, "shop_receipt_end")
                                    : c.localize(catalog.settings.receipt);
        c.reply(format(say(c, "shop_receipt"),
                       {std::to_string(id), order_text(c.content(), c.language(), order),
                        status_name(c.content(), c.language(), str(order, "status"))}) +
                "\n\n" + end);
        deliver_digital(c, catalog, order);
        notify_staff(services, order);
      });
}

void refund_order(ModuleServices& services, Context& ctx, std::int64_t id) {
  services.store().run(
      [id](ModuleCollections& cs) {
        return cs.collection(kOrders).find_one({{"_id", id}});
      },
      [&services, hold = ctx.hold(), id](StoreResult<std::optional<json::object>> r) {
        Context& c = *hold;
        if (!r || !r.value() || str(*r.value(), "currency") != "XTR" ||
            str(*r.value(), "telegram_payment_charge_id").empty() ||
            str(*r.value(), "status") == "refunded") {
          c.reply(say(c, "shop_refund_none"));
          return;
        }
        const json::object order = *r.value();
        c.answer_callback();
        // The answer may take a while: nothing of this update is kept waiting for it.
        c.sender().call(
            "refundStarPayment",
            {{"user_id", num(order, "user_id")},
             {"telegram_payment_charge_id", str(order, "telegram_payment_charge_id")}},
            Priority::kAdmin,
            [&services, id, by = c.user_id().value_or(0), chat = c.chat_id().value_or(0),
             message = c.callback_message_id(), language = c.language()](const CallResult& done) {
              const bool already =
                  done.description.find("CHARGE_ALREADY_REFUNDED") != std::string::npos;
              auto content = services.content();
              if (!done.ok && !already) {
                services.sender().call(
                    "sendMessage",
                    {{"chat_id", chat},
                     {"text", format(say(content.get(), language, "shop_refund_failed"),
                                     {done.description})}},
                    Priority::kAdmin);
                return;
              }
              apply_status(
                  services, id, "refunded", by,
                  [&services, chat, message, language](const std::optional<json::object>& now) {
                    if (now && message != 0)
                      show_staff_order(services, chat, message, language, *now);
                  });
            });
      });
}

}  // namespace corebot::modules::shop
