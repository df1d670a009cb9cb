// The `shop` module: a catalog from the Products and Categories sheets, a cart kept in the store,
// checkout, orders with their status history, and the staff's side (docs/shop.md). Customers open
// it with /shop or a Pages button "-> shop:home"; admins and operators get each new order with its
// status buttons and find the orders in the admin panel. Off unless `[modules] enabled` names it.
#pragma once

#include "corebot/module.hpp"

namespace corebot::modules {

class ShopModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override;
  void start(ModuleServices& services) override;
  Handled on_update(Context& ctx) override;

 private:
  Handled on_callback(Context& ctx);
  ModuleServices* services_ = nullptr;
};

}  // namespace corebot::modules
