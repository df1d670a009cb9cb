// The shop module's parts, shared between its files (not a public header). Callback data is
// "shop:<verb>[:<arg>...]"; every handler re-reads the catalog from the update's content
// snapshot, so a button pressed after a reload acts on the current sheets (or says it is stale).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corebot/context.hpp"
#include "corebot/module.hpp"
#include "corebot/services.hpp"
#include "modules/shop/catalog.hpp"

namespace corebot::modules::shop {

inline constexpr std::string_view kPrefix = "shop";
inline constexpr std::string_view kOrders = "orders";
inline constexpr std::size_t kPageSize = 6;
inline constexpr std::int64_t kMaxQuantity = 99;

// "shop:" + rest
std::string cb(std::string_view rest);
// The catalog of this update's content (empty without content).
Catalog catalog_of(const Context& ctx);
// The module's part of the session: {"await": "search"} or {"co": {checkout state}}.
boost::json::object& state_of(Context& ctx);
std::string str(const boost::json::object& o, std::string_view key);
std::int64_t num(const boost::json::object& o, std::string_view key);
// Unix milliseconds of the module's clock.
std::int64_t now_ms(ModuleServices& services);

// browse.cpp
void show_home(Context& ctx);
void show_category(Context& ctx, const std::string& id, std::size_t page);
// `note` (when given) ends the card's text: what the last press did ("Added to the cart").
void show_product(ModuleServices& services, Context& ctx, const std::string& id,
                  std::size_t variant, std::int64_t qty, std::string note = {});
void ask_search(Context& ctx);
void show_search(Context& ctx, const std::string& query);

// cart_actions.cpp
void add_to_cart(ModuleServices& services, Context& ctx, const std::string& id, std::size_t variant,
                 std::int64_t qty);
// The cart, reviewed against the catalog (changes saved and pointed out).
void show_cart(ModuleServices& services, Context& ctx);
void remove_line(ModuleServices& services, Context& ctx, std::size_t index);
void clear_cart(ModuleServices& services, Context& ctx);

// checkout.cpp
void start_checkout(ModuleServices& services, Context& ctx);
// A message while a checkout waits for an answer; kContinue when none does.
Handled checkout_message(ModuleServices& services, Context& ctx);
void choose_delivery(ModuleServices& services, Context& ctx, std::size_t index);
void cancel_checkout(Context& ctx);
void place_order(ModuleServices& services, Context& ctx, std::string_view method);

// orders.cpp
void show_my_orders(ModuleServices& services, Context& ctx);
// The order as customers and staff read it (lines, delivery, total, contact).
std::string order_text(const Content* content, std::string_view language,
                       const boost::json::object& order);
void notify_staff(ModuleServices& services, const boost::json::object& order);
void staff_panel(ModuleServices& services, Context& ctx);
void staff_list(ModuleServices& services, Context& ctx, const std::string& status);
void staff_order(ModuleServices& services, Context& ctx, std::int64_t order);
void set_status(ModuleServices& services, Context& ctx, std::int64_t order,
                const std::string& status);
// The status change itself (conditional, history, the customer told); `done` gets the order as it
// is now (nullopt when the store failed). For callers that hold no update (a refund's answer).
void apply_status(ModuleServices& services, std::int64_t order, const std::string& status,
                  std::int64_t by,
                  std::function<void(const std::optional<boost::json::object>&)> done);
// Edits a staff message to show the order as it is now.
void show_staff_order(ModuleServices& services, std::int64_t chat, std::int64_t message,
                      const std::string& language, const boost::json::object& order);

}  // namespace corebot::modules::shop
