// The first built-in module: /start shows a menu of inline buttons; pressing one edits the same
// message in place to show the page it leads to. Pages come from the config until the
// spreadsheet content (the `pages` module) replaces this.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "corebot/module.hpp"

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

  [[nodiscard]] ModuleInfo info() const override;
  Handled on_update(Context& ctx) override;

  // The demo menu used when the config defines none.
  static std::vector<MenuPage> demo_pages();

 private:
  [[nodiscard]] boost::json::object render_markup(const MenuPage& page) const;

  std::vector<MenuPage> pages_;
  std::map<std::string, const MenuPage*, std::less<>> by_id_;
  std::map<std::string, std::string, std::less<>> parent_;  // page -> first page linking to it
};

}  // namespace corebot::modules
