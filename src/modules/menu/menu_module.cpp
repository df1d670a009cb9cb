#include "modules/menu/menu_module.hpp"

#include <boost/json.hpp>

namespace corebot::modules {
namespace json = boost::json;

namespace {
constexpr std::string_view kPrefix = "menu";
constexpr std::size_t kMaxCallbackData = 64;  // Telegram's limit, in bytes
}  // namespace

MenuModule::MenuModule(std::vector<MenuPage> pages) { set_pages(std::move(pages)); }

void MenuModule::start(ModuleServices& services) {
  if (!pages_.empty()) return;  // given to the constructor
  const json::value* pages = services.settings().config().if_contains("pages");
  set_pages(pages ? parse_pages(*pages) : demo_pages());
}

std::vector<MenuPage> MenuModule::parse_pages(const json::value& value) {
  // Names as owners wrote them in the config, so an error points at the right line.
  const std::string where = "[modules.menu] pages";
  const json::array* pages = value.if_array();
  if (!pages) throw MenuError(where + " must be an array of tables {id, text, buttons}");
  auto text_of = [](const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  std::vector<MenuPage> out;
  for (std::size_t i = 0; i < pages->size(); ++i) {
    const std::string at = where + "[" + std::to_string(i + 1) + "]";
    const json::object* p = (*pages)[i].if_object();
    if (!p) throw MenuError(at + " must be a table {id, text, buttons}");
    for (const auto& [key, v] : *p) {
      (void)v;
      if (key != "id" && key != "text" && key != "buttons") {
        throw MenuError(at + ": unknown key '" + std::string(key) +
                        "' (a page has id, text, buttons)");
      }
    }
    MenuPage page{text_of(*p, "id"), text_of(*p, "text"), {}};
    if (const json::value* rows = p->if_contains("buttons")) {
      if (!rows->is_array()) throw MenuError(at + ": buttons is a list of rows (lists)");
      for (const auto& row : rows->get_array()) {
        if (!row.is_array()) throw MenuError(at + ": buttons is a list of rows (lists)");
        std::vector<MenuButton> buttons;
        for (const auto& b : row.get_array()) {
          const json::object* bo = b.if_object();
          if (!bo) throw MenuError(at + ": a button is a table {text, page|url}");
          buttons.push_back({text_of(*bo, "text"), text_of(*bo, "page"), text_of(*bo, "url")});
        }
        page.rows.push_back(std::move(buttons));
      }
    }
    out.push_back(std::move(page));
  }
  return out;
}

void MenuModule::set_pages(std::vector<MenuPage> pages) {
  pages_ = std::move(pages);
  by_id_.clear();
  parent_.clear();
  if (pages_.empty()) throw MenuError("menu: no pages defined");
  for (const auto& page : pages_) {
    if (page.id.empty()) throw MenuError("menu: a page has an empty id");
    if (page.id.size() + kPrefix.size() + 1 > kMaxCallbackData) {
      throw MenuError("menu: page id '" + page.id + "' is too long for callback data (max " +
                      std::to_string(kMaxCallbackData - kPrefix.size() - 1) + " bytes)");
    }
    if (!by_id_.emplace(page.id, &page).second) {
      throw MenuError("menu: page '" + page.id + "' is defined twice");
    }
  }
  for (const auto& page : pages_) {
    for (const auto& row : page.rows) {
      for (const auto& button : row) {
        if (button.text.empty())
          throw MenuError("menu: page '" + page.id + "' has a button without text");
        if (button.page.empty() == button.url.empty()) {
          throw MenuError("menu: page '" + page.id + "', button '" + button.text +
                          "': give exactly one of page or url");
        }
        if (!button.page.empty()) {
          if (!by_id_.count(button.page)) {
            throw MenuError("menu: page '" + page.id + "', button '" + button.text +
                            "' leads to unknown page '" + button.page + "'");
          }
          if (button.page != pages_.front().id) parent_.emplace(button.page, page.id);
        }
      }
    }
  }
}

ModuleInfo MenuModule::info() const {
  ModuleInfo info;
  info.name = "menu";
  info.version = "1.0";
  info.commands = {{"start", "Main menu"}, {"menu", "Main menu"}};
  info.callback_prefix = std::string(kPrefix);
  info.settings = {{.key = "pages",
                    .description = "the menu's pages: [{id, text, buttons = [[{text, page|url}]]}]",
                    .structured = true}};
  return info;
}

json::object MenuModule::render_markup(const MenuPage& page) const {
  json::array keyboard;
  for (const auto& row : page.rows) {
    json::array buttons;
    for (const auto& button : row) {
      json::object b{{"text", button.text}};
      if (!button.url.empty()) {
        b["url"] = button.url;
      } else {
        b["callback_data"] = std::string(kPrefix) + ":" + button.page;
      }
      buttons.push_back(std::move(b));
    }
    keyboard.push_back(std::move(buttons));
  }
  if (auto it = parent_.find(page.id); it != parent_.end()) {
    keyboard.push_back(json::array{json::object{
        {"text", "« Back"}, {"callback_data", std::string(kPrefix) + ":" + it->second}}});
  }
  return json::object{{"inline_keyboard", std::move(keyboard)}};
}

Handled MenuModule::on_update(Context& ctx) {
  if (!ctx.command().empty()) {
    // "/start <page>" is a deep link into the menu.
    const MenuPage* page = pages_.data();
    if (auto it = by_id_.find(ctx.command_args()); it != by_id_.end()) page = it->second;
    ctx.reply(page->text, {{"reply_markup", render_markup(*page)}});
    return Handled::kStop;
  }
  std::string_view data = ctx.callback_data();
  std::string_view target = data.substr(std::min(data.size(), kPrefix.size() + 1));
  auto it = by_id_.find(target);
  if (it == by_id_.end()) {
    // A button from an older menu: say so instead of leaving the user guessing.
    ctx.answer_callback("This menu is out of date. Send /start for the current one.");
    return Handled::kStop;
  }
  ctx.answer_callback();
  ctx.edit_text(ctx.callback_message_id(), it->second->text,
                {{"reply_markup", render_markup(*it->second)}});
  return Handled::kStop;
}

std::vector<MenuPage> MenuModule::demo_pages() {
  return {
      {"home",
       "Welcome to the Corebot demo!\nChoose a section:",
       {{{"About us", "about", ""}, {"Services", "services", ""}}, {{"Contacts", "contacts", ""}}}},
      {"about", "We build bots from spreadsheets. No code needed.", {}},
      {"services", "Our services:", {{{"Bots", "bots", ""}, {"Mailings", "mailings", ""}}}},
      {"bots", "A bot for your shop, school or club, run from a spreadsheet.", {}},
      {"mailings", "Mail thousands of users without hitting Telegram's limits.", {}},
      {"contacts", "Write to us any time.", {{{"Website", "", "https://example.org"}}}},
  };
}

ModuleFactory menu_factory() {
  return {"menu", [] { return std::make_unique<MenuModule>(); }, ModuleDefault::kWithoutContent,
          500};
}

}  // namespace corebot::modules
