// The customer's cart: lines kept in the store (collection shop.carts, one document per user), so
// it survives restarts and content reloads. A line remembers the price the customer saw; review()
// compares every line with the live catalog, so an item that disappeared or changed price is
// pointed out before checkout and never charged silently.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "corebot/context.hpp"
#include "modules/shop/catalog.hpp"

namespace corebot::modules::shop {

inline constexpr std::string_view kCarts = "carts";

struct CartLine {
  std::string product;
  std::string variant;  // "" for a product without variants
  std::int64_t qty = 0;
  std::int64_t price = 0;  // per item, minor units, as the customer last saw it
  std::string currency;
  std::string name;  // the product's name when added, to name it once it is gone
};
using Cart = std::vector<CartLine>;

boost::json::array cart_json(const Cart& cart);
Cart cart_from(const boost::json::object& doc);  // the store document (or {}: empty)

std::int64_t cart_total(const Cart& cart);
std::string cart_currency(const Cart& cart);  // "" for an empty cart
// Adds qty of a line (merging the same product and variant, the price updated to `line`'s).
void add_line(Cart& cart, CartLine line);

struct Review {
  Cart cart;                       // the lines at today's prices, the vanished ones gone
  std::vector<std::string> notes;  // one per change, in the customer's language
};
Review review(const Context& ctx, const Catalog& catalog, Cart cart);

// "T-shirt (M)" in the customer's words.
std::string line_name(const Catalog& catalog, const CartLine& line);
// "T-shirt (M) × 2 — 25.00 EUR"
std::string line_text(const Catalog& catalog, const CartLine& line);

}  // namespace corebot::modules::shop
