// The menu for a bot without a spreadsheet: /start shows a menu of inline buttons; pressing one
// edits the same message in place to show the page it leads to. Pages come from the module's
// config table ([modules.menu] pages, or the older [menu]); without one, a demo menu. A bot with a
// spreadsheet runs the `pages` module instead (ModuleDefault::kWithoutContent).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "corebot/module.hpp"
#include "corebot/module_factory.hpp"

namespace corebot::modules {

struct MenuButton {
  std::string text;
  std::string page;  // navigates to this page, or
  std::string url;   // opens this URL
};

struct MenuPage {
  std::string id;
  std::string text;
  std::vector<std::vector<MenuButton>> rows;
};

class MenuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MenuModule final : public Module {
 public:
  // Throws MenuError naming the page and button when a button leads to an unknown page, a page id
  // is duplicated or makes callback data over Telegram's 64 bytes, or a button has neither page
  // nor url. The first page is the root shown by /start.
  explicit MenuModule(std::vector<MenuPage> pages);
  // Pages from the config, read in start().
  MenuModule() = default;

  [[nodiscard]] ModuleInfo info() const override;
  // Reads [modules.menu] pages (the demo menu when absent) unless pages were given; throws
  // MenuError as the constructor does, and for a malformed table.
  void start(ModuleServices& services) override;
  Handled on_update(Context& ctx) override;

  // The demo menu used when the config defines none.
  static std::vector<MenuPage> demo_pages();
  // Pages from the config's JSON; throws MenuError naming the page's position.
  static std::vector<MenuPage> parse_pages(const boost::json::value& pages);

 private:
  void set_pages(std::vector<MenuPage> pages);
  [[nodiscard]] boost::json::object render_markup(const MenuPage& page) const;

  std::vector<MenuPage> pages_;
  std::map<std::string, const MenuPage*, std::less<>> by_id_;
  std::map<std::string, std::string, std::less<>> parent_;  // page -> first page linking to it
};

ModuleFactory menu_factory();

}  // namespace corebot::modules
