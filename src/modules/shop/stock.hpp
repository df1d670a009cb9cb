// Stock kept in the store (collection shop.stock), one document per product variant:
// {_id: "<product>/<variant>", base: the sheet's count it was last synced with, left: n}. The
// sheet says how many the owner has; the store counts down what was sold or is reserved for a
// payment in progress. When the owner changes the sheet's count, `left` moves by the same amount
// (restocking adds, a correction removes). Taking stock is a conditional update
// ({left: {$gte: qty}}), so two customers can never both get the last item.
// Every function here blocks: call them inside ModuleStore::run's work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corebot/store.hpp"

namespace corebot::modules::shop {

inline constexpr std::string_view kStock = "stock";

struct StockNeed {
  std::string key;  // stock_key(product, variant)
  std::int64_t qty = 0;
  std::int64_t base = 0;  // the sheet's count now
};

std::string stock_key(std::string_view product, std::string_view variant);

// How many are left (synced with `base` first).
std::int64_t stock_left(Collection& stock, const std::string& key, std::int64_t base);
// Takes every need or none. nullopt when all were taken; else the index of the first need that
// could not be and how many of it are left.
std::optional<std::pair<std::size_t, std::int64_t>> take_stock(Collection& stock,
                                                               const std::vector<StockNeed>& needs);
// Returns what take_stock took (a payment that failed or expired, a cancelled order).
void give_back(Collection& stock, const std::vector<StockNeed>& needs);

}  // namespace corebot::modules::shop
