// Orders in the store (collection shop.orders): one document per order, _id its number (1, 2, ...),
// with the lines as bought (names and prices copied, so a later sheet change never rewrites an
// order), the contact, the delivery, the payment and the status history
// [{status, at (Unix ms), by (user id, 0 for the bot)}].
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <string>

#include "corebot/context.hpp"
#include "corebot/services.hpp"
#include "modules/shop/cart.hpp"
#include "modules/shop/catalog.hpp"
#include "modules/shop/stock.hpp"

namespace corebot::modules::shop {

// The order a checkout state describes (no _id, status or method yet).
boost::json::object build_order(const Context& ctx, const Catalog& catalog, const Cart& cart,
                                const boost::json::object& checkout);
// What the order takes from stock (lines with a counted stock only).
std::vector<StockNeed> stock_needs(const Catalog& catalog, const boost::json::object& order);

// What an order took from stock, to give back (lines without a counted stock are no-ops there).
std::vector<StockNeed> order_stock(const boost::json::object& order);

// Blocking, inside ModuleStore::run: inserts `order` under the next free number and returns it.
std::int64_t insert_order(ModuleCollections& cs, boost::json::object order);

// Takes the stock, stores the order (status: the first of shop_statuses), empties the cart, then
// gives the customer the receipt and tells the staff. Not enough stock: says so, nothing stored.
void create_order(ModuleServices& services, Context& ctx, const Catalog& catalog,
                  boost::json::object order);

}  // namespace corebot::modules::shop
