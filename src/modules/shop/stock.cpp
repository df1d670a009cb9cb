#include "modules/shop/stock.hpp"

namespace corebot::modules::shop {
namespace json = boost::json;

namespace {

std::int64_t int_of(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

// Makes the document exist and follow the sheet's count; returns `left`.
std::int64_t sync(Collection& stock, const std::string& key, std::int64_t base) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto doc = stock.find_one({{"_id", key}});
    if (!doc) {
      try {
        stock.insert_one({{"_id", key}, {"base", base}, {"left", base}});
        return base;
      } catch (const StoreError& e) {
        if (e.kind() != StoreErrorKind::kDuplicateKey) throw;
        continue;  // another worker created it: read it again
      }
    }
    const std::int64_t old = int_of(*doc, "base");
    if (old == base) return int_of(*doc, "left");
    // Conditional on the base it saw, so two syncs never both add the difference.
    auto r = stock.update_one({{"_id", key}, {"base", old}},
                              {{"$set", {{"base", base}}}, {"$inc", {{"left", base - old}}}});
    if (r.matched == 1) return int_of(*doc, "left") + base - old;
  }
  throw StoreError(StoreErrorKind::kInternal, stock.name(), "sync", "stock kept changing: " + key);
}

}  // namespace

std::string stock_key(std::string_view product, std::string_view variant) {
  return std::string(product) + "/" + std::string(variant);
}

std::int64_t stock_left(Collection& stock, const std::string& key, std::int64_t base) {
  return sync(stock, key, base);
}

std::optional<std::pair<std::size_t, std::int64_t>> take_stock(
    Collection& stock, const std::vector<StockNeed>& needs) {
  for (std::size_t i = 0; i < needs.size(); ++i) {
    const StockNeed& n = needs[i];
    sync(stock, n.key, n.base);
    auto r = stock.update_one({{"_id", n.key}, {"left", {{"$gte", n.qty}}}},
                              {{"$inc", {{"left", -n.qty}}}});
    if (r.matched == 1) continue;
    // Not enough: put back what this call took so far.
    give_back(stock, std::vector<StockNeed>(needs.begin(), needs.begin() + static_cast<long>(i)));
    auto doc = stock.find_one({{"_id", n.key}});
    return std::pair{i, doc ? int_of(*doc, "left") : 0};
  }
  return std::nullopt;
}

void give_back(Collection& stock, const std::vector<StockNeed>& needs) {
  for (const StockNeed& n : needs) {
    stock.update_one({{"_id", n.key}}, {{"$inc", {{"left", n.qty}}}});
  }
}

}  // namespace corebot::modules::shop
