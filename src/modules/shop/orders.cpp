// Orders as people read them: the customer's "My orders", and the staff side — every new order
// sent at once to the admins and operators (Admins sheet, by id) with its status buttons, the
// panel's list by status, and changing a status (the customer is told in their language).
#include <map>
#include <set>

#include "modules/shop/money.hpp"
#include "modules/shop/orders_store.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/stock.hpp"
#include "modules/shop/texts.hpp"
#include "modules/shop/view.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

constexpr std::string_view kCancelled = "cancelled";

std::string who(const json::object& order) {
  std::string name = str(order, "customer");
  if (!str(order, "username").empty()) name += " @" + str(order, "username");
  return name + " (id " + std::to_string(num(order, "user_id")) + ")";
}

// The staff's view of an order with a button per status it can move to.
View staff_view(const Content* content, const std::string& language, const json::object& order,
                bool fresh) {
  const Catalog catalog = content ? read_catalog(*content) : Catalog{};
  const std::string id = std::to_string(num(order, "_id"));
  const std::string status = str(order, "status");
  View view;
  view.text = fresh ? format(say(content, language, "shop_new_order"),
                             {id, who(order), order_text(content, language, order)})
                    : format(say(content, language, "shop_staff_order"),
                             {id, who(order), status_name(content, language, status),
                              order_text(content, language, order)});
  const json::value* paid = order.if_contains("paid");
  const bool refundable = str(order, "currency") == "XTR" && paid && paid->is_bool() &&
                          paid->get_bool() && status != "refunded";
  if (refundable) {
    view.keyboard.push_back(
        json::array{button(say(content, language, "shop_staff_refund"), cb("f:" + id))});
  }
  if (status == kCancelled || status == "refunded") return view;
  const auto& statuses = catalog.settings.statuses;
  json::array row;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i] == status) continue;
    row.push_back(button("→ " + status_name(content, language, statuses[i]),
                         cb("t:" + id + ":" + std::to_string(i))));
    if (row.size() == 3) view.keyboard.push_back(std::exchange(row, {}));
  }
  if (!row.empty()) view.keyboard.push_back(std::move(row));
  view.keyboard.push_back(
      json::array{button(say(content, language, "shop_staff_cancel"), cb("t:" + id + ":x"))});
  return view;
}

}  // namespace

std::string order_text(const Content* content, std::string_view language,
                       const json::object& order) {
  const std::string currency = str(order, "currency");
  std::string text;
  std::size_t n = 0;
  if (const json::value* items = order.if_contains("items"); items && items->is_array()) {
    for (const json::value& v : items->get_array()) {
      if (!v.is_object()) continue;
      const json::object& it = v.get_object();
      text += std::to_string(++n) + ". " + str(it, "name") + " × " + std::to_string(num(it, "q")) +
              " — " + format_price(num(it, "price") * num(it, "q"), currency) + "\n";
    }
  }
  if (const json::value* d = order.if_contains("delivery"); d && d->is_object()) {
    text += format(say(content, language, "shop_delivery_line"),
                   {str(d->get_object(), "name"),
                    format_price(num(d->get_object(), "price"), currency)}) +
            "\n";
  }
  text +=
      format(say(content, language, "shop_total"), {format_price(num(order, "total"), currency)});
  if (!str(order, "name").empty()) {
    text += "\n" + format(say(content, language, "shop_contact_line"),
                          {str(order, "name"), str(order, "phone")});
  }
  if (!str(order, "address").empty()) {
    text += "\n" + format(say(content, language, "shop_address_line"), {str(order, "address")});
  }
  if (order.contains("paid")) {
    const json::value& paid = order.at("paid");
    text += "\n" +
            say(content, language, paid.is_bool() && paid.get_bool() ? "shop_paid" : "shop_unpaid");
  }
  return text;
}

void show_my_orders(ModuleServices& services, Context& ctx) {
  services.store().run(
      [user = ctx.user_id().value_or(0)](ModuleCollections& cs) {
        FindOptions o;
        o.sort = {{"_id", -1}};
        o.limit = 10;
        return cs.collection(kOrders).find({{"user_id", user}}, o);
      },
      [hold = ctx.hold()](StoreResult<std::vector<json::object>> r) {
        Context& c = *hold;
        if (!r) return c.reply(say(c, "shop_failed"));
        View view;
        view.text = say(c, r.value().empty() ? "shop_no_orders" : "shop_my_orders");
        for (const json::object& o : r.value()) {
          view.text += "\n" + format(say(c, "shop_order_line"),
                                     {std::to_string(num(o, "_id")),
                                      format_price(num(o, "total"), str(o, "currency")),
                                      status_name(c.content(), c.language(), str(o, "status")),
                                      str(o, "method")});
        }
        view.keyboard.push_back(json::array{button(say(c, "shop_back"), cb("h"))});
        show(c, std::move(view));
      });
}

void notify_staff(ModuleServices& services, const json::object& order) {
  auto content = services.content();
  if (!content) return;
  const std::string language = content->default_language();
  const View view = staff_view(content.get(), language, order, true);
  std::set<std::int64_t> sent;
  // Staff listed by @username: the account the engine bound that name to (the first that wrote
  // with it); one that has not written yet cannot be written to and gets nothing.
  const auto bindings = services.admin().bindings();
  for (const Admin& a : content->admins()) {
    std::int64_t id = a.user_id;
    for (const AdminBinding& b : bindings) {
      if (id == 0 && !a.username.empty() && b.username == a.username) id = b.user_id;
    }
    if (id == 0 || a.role < Role::kOperator || !sent.insert(id).second) continue;
    services.sender().call("sendMessage",
                           {{"chat_id", id},
                            {"text", view.text},
                            {"reply_markup", json::object{{"inline_keyboard", view.keyboard}}}},
                           Priority::kNotification);
  }
}

// The panel's figures: orders per status, and what was paid today (UTC), per currency, without
// refunded orders. The admin panel's Statistics has no place for a module's figures, so the
// shop's revenue lives on its own screen.
struct PanelFigures {
  std::vector<std::int64_t> counts;
  std::map<std::string, std::int64_t> paid_today;  // currency -> minor units
};

void staff_panel(ModuleServices& services, Context& ctx) {
  const Catalog catalog = catalog_of(ctx);
  std::vector<std::string> statuses = catalog.settings.statuses;
  statuses.emplace_back(kCancelled);
  statuses.emplace_back("refunded");
  constexpr std::int64_t kDay = 24 * 60 * 60 * 1000;
  const std::int64_t today = now_ms(services) / kDay * kDay;
  services.store().run(
      [statuses, today](ModuleCollections& cs) {
        PanelFigures f;
        for (const auto& s : statuses) {
          f.counts.push_back(cs.collection(kOrders).count({{"status", s}}));
        }
        for (const json::object& o :
             cs.collection(kOrders).find({{"paid", true},
                                          {"paid_at", {{"$gte", today}}},
                                          {"status", {{"$ne", "refunded"}}}})) {
          f.paid_today[str(o, "currency")] += num(o, "total");
        }
        return f;
      },
      [hold = ctx.hold(), statuses](StoreResult<PanelFigures> r) {
        Context& c = *hold;
        if (!r) return c.reply(say(c, "shop_failed"));
        View view;
        view.text = say(c, "shop_staff_orders");
        std::string paid;
        for (const auto& [currency, total] : r.value().paid_today) {
          paid += (paid.empty() ? "" : " · ") + format_price(total, currency);
        }
        view.text += "\n" + format(say(c, "shop_paid_today"), {paid.empty() ? "0" : paid});
        for (std::size_t i = 0; i < statuses.size(); ++i) {
          view.keyboard.push_back(
              json::array{button(status_name(c.content(), c.language(), statuses[i]) + " (" +
                                     std::to_string(r.value().counts[i]) + ")",
                                 cb("l:" + statuses[i]))});
        }
        show(c, std::move(view));
      });
}

void staff_list(ModuleServices& services, Context& ctx, const std::string& status) {
  services.store().run(
      [status](ModuleCollections& cs) {
        FindOptions o;
        o.sort = {{"_id", -1}};
        o.limit = 20;
        return cs.collection(kOrders).find({{"status", status}}, o);
      },
      [hold = ctx.hold(), status](StoreResult<std::vector<json::object>> r) {
        Context& c = *hold;
        if (!r) return c.reply(say(c, "shop_failed"));
        View view;
        view.text = status_name(c.content(), c.language(), status) + ":";
        if (r.value().empty()) view.text += "\n" + say(c, "shop_staff_none");
        for (const json::object& o : r.value()) {
          view.keyboard.push_back(
              json::array{button("#" + std::to_string(num(o, "_id")) + " · " + str(o, "customer") +
                                     " · " + format_price(num(o, "total"), str(o, "currency")),
                                 cb("v:" + std::to_string(num(o, "_id"))))});
        }
        view.keyboard.push_back(json::array{button(say(c, "shop_back"), cb("adm"))});
        show(c, std::move(view));
      });
}

void staff_order(ModuleServices& services, Context& ctx, std::int64_t id) {
  services.store().run(
      [id](ModuleCollections& cs) {
        return cs.collection(kOrders).find_one({{"_id", id}});
      },
      [hold = ctx.hold()](StoreResult<std::optional<json::object>> r) {
        Context& c = *hold;
        if (!r || !r.value()) return c.reply(say(c, "shop_stale"));
        View view = staff_view(c.content(), c.language(), *r.value(), false);
        view.keyboard.push_back(json::array{button(say(c, "shop_back"), cb("adm"))});
        show(c, std::move(view));
      });
}

void apply_status(ModuleServices& services, std::int64_t id, const std::string& status,
                  std::int64_t by, std::function<void(const std::optional<json::object>&)> done) {
  const std::int64_t at = now_ms(services);
  services.store().run(
      [id, status, by, at](ModuleCollections& cs) {
        // A refund may follow a cancellation; nothing else follows a cancellation or a refund,
        // and a second press changes nothing.
        json::array closed{status, "refunded"};
        if (status != "refunded") closed.emplace_back(kCancelled);
        json::object filter{{"_id", id}, {"status", {{"$nin", closed}}}};
        auto r = cs.collection(kOrders).update_one(
            filter, {{"$set", {{"status", status}}},
                     {"$push", {{"history", {{"status", status}, {"at", at}, {"by", by}}}}}});
        auto order = cs.collection(kOrders).find_one({{"_id", id}});
        if (r.modified == 1 && order && status == kCancelled) {
          give_back(cs.collection(kStock), order_stock(*order));
        }
        return std::pair{r.modified == 1, order};
      },
      [&services, status,
       done = std::move(done)](StoreResult<std::pair<bool, std::optional<json::object>>> r) {
        if (!r) {
          services.log(LogLevel::kWarn, std::string("status change failed: ") + r.error().what());
          return done(std::nullopt);
        }
        const auto& [changed, order] = r.value();
        if (changed && order) {
          // The customer reads it in their own language.
          auto content = services.content();
          const std::string language = str(*order, "language");
          const std::string n = std::to_string(num(*order, "_id"));
          const std::string text =
              status == kCancelled
                  ? format(say(content.get(), language, "shop_order_cancelled"), {n})
              : status == "refunded"
                  ? format(say(content.get(), language, "shop_order_refunded"), {n})
                  : format(say(content.get(), language, "shop_status_changed"),
                           {n, status_name(content.get(), language, status)});
          services.sender().call("sendMessage",
                                 {{"chat_id", num(*order, "chat_id")}, {"text", text}},
                                 Priority::kNotification);
        }
        done(order);
      });
}

void set_status(ModuleServices& services, Context& ctx, std::int64_t id,
                const std::string& status) {
  apply_status(services, id, status, ctx.user_id().value_or(0),
               [hold = ctx.hold()](const std::optional<json::object>& order) {
                 Context& c = *hold;
                 if (!order) {
                   c.reply(say(c, "shop_failed"));
                   return;
                 }
                 c.answer_callback();
                 show(c, staff_view(c.content(), c.language(), *order, false));
               });
}

void show_staff_order(ModuleServices& services, std::int64_t chat, std::int64_t message,
                      const std::string& language, const json::object& order) {
  auto content = services.content();
  View view = staff_view(content.get(), language, order, false);
  services.sender().call("editMessageText",
                         {{"chat_id", chat},
                          {"message_id", message},
                          {"text", view.text},
                          {"reply_markup", json::object{{"inline_keyboard", view.keyboard}}}},
                         Priority::kAdmin);
}

}  // namespace corebot::modules::shop
