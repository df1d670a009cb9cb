#include "modules/shop/shop_module.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <fstream>
#include <sstream>
#include "corebot/ascii.hpp"

#include "modules/shop/catalog.hpp"
#include "modules/shop/payments.hpp"
#include "modules/shop/shop.hpp"
#include "modules/shop/texts.hpp"

namespace corebot::modules {
namespace json = boost::json;
using namespace shop;

namespace shop {

std::string cb(std::string_view rest) { return std::string(kPrefix) + ":" + std::string(rest); }

Catalog catalog_of(const Context& ctx) {
  return ctx.content() ? read_catalog(*ctx.content()) : Catalog{};
}

json::object& state_of(Context& ctx) {
  json::value& v = ctx.session()["shop"];
  if (!v.is_object()) v.emplace_object();
  return v.get_object();
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

std::int64_t now_ms(ModuleServices& services) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             services.clock().wall().time_since_epoch())
      .count();
}

}  // namespace shop

namespace {

// "a:b:c" -> {"a", "b", "c"}
std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ':') {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// A number of callback data, or -1 (data can be forged: never trusted).
std::int64_t number(const std::string& s) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stoll(s);
}

bool has_products(const Content* content) { return content && !content->rows(kProducts).empty(); }

}  // namespace

ModuleInfo ShopModule::info() const {
  ModuleInfo info;
  info.name = "shop";
  info.version = "1.0";
  info.commands = {{"shop", "Open the shop", has_products}};
  info.callback_prefix = std::string(kPrefix);
  info.update_kinds = {"message", "shipping_query", "pre_checkout_query"};
  info.sees_all_commands = true;  // another command ends a search or a checkout in progress
  info.page_buttons = true;       // Pages: "Shop -> shop:home"
  info.admin_menu = {AdminMenuEntry{.title = "🛍 Orders",
                                    .callback_data = cb("adm"),
                                    .role = Role::kOperator,
                                    .titles = {{"ru", "🛍 Заказы"}}}};
  info.exports = {{std::string(kOrders), "Orders"}};
  info.sheets = shop_sheets();
  info.settings = shop_settings();
  info.content_check = check_catalog;
  // No text_keys: like the admin panel, the shop words every text in English and Russian itself
  // (texts.cpp), so a Russian Texts column lacking a shop_ key is no gap to warn about.
  return info;
}

void ShopModule::start(ModuleServices& services) {
  services_ = &services;
  PaymentConfig config;
  if (auto file = services.settings().get("provider_token_file"); file && !file->empty()) {
    std::ifstream in(*file);
    std::stringstream bytes;
    bytes << in.rdbuf();
    config.provider_token = std::string(ascii::trim(bytes.str()));
    // The token itself is never written anywhere: only whether it was read.
    if (!in || config.provider_token.empty()) {
      throw std::runtime_error("[modules.shop] provider_token_file \"" + *file +
                               "\" cannot be read or is empty — write the payment provider's token "
                               "(from @BotFather, Payments) into that file");
    }
  }
  if (auto seconds = services.settings().get("reservation_seconds"); seconds && !seconds->empty()) {
    config.reservation_seconds = std::max<std::int64_t>(1, std::stoll(*seconds));
  }
  set_payment_config(std::move(config));
  handle_payment_jobs(services);
}

Handled ShopModule::on_update(Context& ctx) {
  if (ctx.kind() == "callback_query") return on_callback(ctx);
  if (ctx.kind() == "shipping_query") {
    on_shipping_query(*services_, ctx);
    return Handled::kStop;
  }
  if (ctx.kind() == "pre_checkout_query") {
    on_pre_checkout(*services_, ctx);
    return Handled::kStop;
  }
  if (ctx.kind() == "message") {
    const json::value* payment =
        ctx.update().at("message").as_object().if_contains("successful_payment");
    if (payment && payment->is_object()) {
      on_successful_payment(*services_, ctx);
      return Handled::kStop;
    }
  }
  if (ctx.kind() != "message" || !ctx.content()) return Handled::kContinue;
  if (ctx.command() == "shop") {
    ctx.session().erase("shop");
    show_home(ctx);
    return Handled::kStop;
  }
  auto it = ctx.session().find("shop");
  const bool busy =
      it != ctx.session().end() && it->value().is_object() && !it->value().get_object().empty();
  if (!ctx.command().empty()) {
    // The user has left the shop's question: the next message is not an answer.
    if (busy) ctx.session().erase("shop");
    return Handled::kContinue;
  }
  if (!busy) return Handled::kContinue;
  json::object& state = state_of(ctx);
  if (str(state, "await") == "search" && !ctx.text().empty()) {
    state.erase("await");
    show_search(ctx, std::string(ascii::trim(ctx.text())));
    return Handled::kStop;
  }
  return checkout_message(*services_, ctx);
}

Handled ShopModule::on_callback(Context& ctx) {
  ModuleServices& s = *services_;
  const auto parts = split(ctx.callback_data());
  const std::string verb = parts.size() > 1 ? parts[1] : "";
  auto arg = [&](std::size_t i) { return parts.size() > i + 1 ? parts[i + 1] : std::string(); };
  if (!ctx.content()) {
    ctx.answer_callback();
    return Handled::kStop;
  }
  if (verb == "h" || verb == "home") {
    show_home(ctx);
  } else if (verb == "c" && number(arg(2)) >= 0) {
    show_category(ctx, ascii::lower(arg(1)), static_cast<std::size_t>(number(arg(2))));
  } else if ((verb == "p" || verb == "a") && number(arg(2)) >= 0 && number(arg(3)) >= 0) {
    const auto vi = static_cast<std::size_t>(number(arg(2)));
    if (verb == "p") {
      show_product(s, ctx, arg(1), vi, number(arg(3)));
    } else {
      add_to_cart(s, ctx, arg(1), vi, number(arg(3)));
    }
  } else if (verb == "s") {
    ask_search(ctx);
  } else if (verb == "k") {
    show_cart(s, ctx);
  } else if (verb == "r" && number(arg(1)) >= 0) {
    remove_line(s, ctx, static_cast<std::size_t>(number(arg(1))));
  } else if (verb == "x") {
    clear_cart(s, ctx);
  } else if (verb == "o") {
    start_checkout(s, ctx);
  } else if (verb == "d" && number(arg(1)) >= 0) {
    choose_delivery(s, ctx, static_cast<std::size_t>(number(arg(1))));
  } else if (verb == "q") {
    cancel_checkout(ctx);
  } else if (verb == "$") {
    place_order(s, ctx, arg(1));
  } else if (verb == "m") {
    show_my_orders(s, ctx);
  } else if (verb == "f" && number(arg(1)) > 0) {
    // Refunds move money: admins only.
    if (ctx.role() < Role::kAdmin) {
      ctx.answer_callback(say(ctx, "shop_not_allowed"), true);
      return Handled::kStop;
    }
    refund_order(s, ctx, number(arg(1)));
  } else if (verb == "adm" || verb == "l" || verb == "v" || verb == "t") {
    // Staff only: callback data can be forged, so the role is checked here again.
    if (ctx.role() < Role::kOperator) {
      ctx.answer_callback(say(ctx, "shop_not_allowed"), true);
      return Handled::kStop;
    }
    if (verb == "adm") {
      staff_panel(s, ctx);
    } else if (verb == "l") {
      staff_list(s, ctx, arg(1));
    } else if (verb == "v" && number(arg(1)) > 0) {
      staff_order(s, ctx, number(arg(1)));
    } else if (verb == "t" && number(arg(1)) > 0) {
      const auto statuses = catalog_of(ctx).settings.statuses;
      const std::int64_t i = number(arg(2));
      if (arg(2) == "x") {
        set_status(s, ctx, number(arg(1)), "cancelled");
      } else if (i >= 0 && static_cast<std::size_t>(i) < statuses.size()) {
        set_status(s, ctx, number(arg(1)), statuses[static_cast<std::size_t>(i)]);
      } else {
        ctx.answer_callback(say(ctx, "shop_stale"));
      }
    } else {
      ctx.answer_callback(say(ctx, "shop_stale"));
    }
  } else if (verb != "n") {  // "n", "n:<product>": buttons that only show a number
    ctx.answer_callback(say(ctx, "shop_stale"));
  }
  // Answered now (the dispatcher would answer anyway when this returns): what the store says
  // later shows in the chat, not in a toast.
  if (!ctx.callback_answered()) ctx.answer_callback();
  return Handled::kStop;
}

}  // namespace corebot::modules
