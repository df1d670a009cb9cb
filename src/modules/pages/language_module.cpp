#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "modules/pages/page_view.hpp"
#include "modules/pages/pages_module.hpp"

namespace corebot::modules {
namespace json = boost::json;

namespace {

constexpr std::string_view kPrefix = "lang";
constexpr std::string_view kMenu = "menu";

// The label of a language's button: its Texts entry language_name in that language ("Русский"),
// else the code in capitals.
std::string language_label(const Content& content, const std::string& code) {
  if (content.has_text("language_name")) {
    std::string_view name = content.text("language_name", code);
    if (!name.empty()) return std::string(name);
  }
  std::string upper = code;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

void show_choice(Context& ctx, const Content& content) {
  json::array rows;
  json::array row;
  for (const auto& code : content.languages()) {
    row.push_back(json::object{{"text", language_label(content, code)},
                               {"callback_data", std::string(kPrefix) + ":" + code}});
    if (row.size() == 3) rows.push_back(std::exchange(row, {}));
  }
  if (!row.empty()) rows.push_back(std::move(row));
  json::object params{{"reply_markup", json::object{{"inline_keyboard", std::move(rows)}}}};
  std::string text = ctx.text("choose_language", "Choose your language:");
  if (ctx.callback_message_id() != 0 && !callback_message_has_media(ctx)) {
    ctx.edit_text(ctx.callback_message_id(), std::move(text), std::move(params));
  } else if (ctx.callback_message_id() != 0 && ctx.chat_id()) {
    params["text"] = std::move(text);
    replace_message(ctx, ctx.callback_message_id(), "sendMessage", std::move(params));
  } else {
    ctx.reply(std::move(text), std::move(params));
  }
}

std::vector<ContentProblem> check_buttons(const Content& content) {
  std::vector<ContentProblem> problems;
  const std::string prefix = std::string(kPrefix) + ":";
  for (const Page& page : content.pages()) {
    for (const auto& row : page.keyboard) {
      for (const auto& b : row) {
        if (b.kind != Button::Kind::kAction || b.target.rfind(prefix, 0) != 0) continue;
        const std::string code = b.target.substr(prefix.size());
        const auto& langs = content.languages();
        if (code == kMenu || std::find(langs.begin(), langs.end(), code) != langs.end()) continue;
        const auto bang = page.buttons_source.find('!');
        problems.push_back(
            {true, page.buttons_source.substr(0, bang),
             bang == std::string::npos ? "" : page.buttons_source.substr(bang + 1),
             "button \"" + b.text + "\" of page \"" + page.id + "\" leads to " + b.target +
                 ", but Texts has no \"" + code + "\" column",
             "use lang:menu (the list of languages) or lang:<code> of a Texts column"});
      }
    }
  }
  return problems;
}

}  // namespace

ModuleInfo LanguageModule::info() const {
  ModuleInfo info;
  info.name = "language";
  info.version = "1.0";
  // With one language there is nothing to choose: the menu does not offer /language.
  info.commands = {{"language", "Change the language", [](const Content* content) {
                      return content && content->languages().size() > 1;
                    }}};
  info.callback_prefix = std::string(kPrefix);
  info.page_buttons = true;
  info.content_check = check_buttons;
  info.text_keys = [](const Content& content) {
    return content.languages().size() > 1
               ? std::vector<std::string>{"choose_language", "language_set", "stale_button"}
               : std::vector<std::string>{};
  };
  return info;
}

Handled LanguageModule::on_update(Context& ctx) {
  const Content* content = ctx.content();
  if (!content || content->languages().empty()) {
    ctx.answer_callback();
    ctx.reply(ctx.text("no_languages", "This bot speaks one language only."));
    return Handled::kStop;
  }
  if (ctx.kind() != "callback_query") {
    show_choice(ctx, *content);
    return Handled::kStop;
  }
  std::string_view data = ctx.callback_data();
  std::string_view code = data.substr(std::min(data.size(), kPrefix.size() + 1));
  if (code == kMenu) {
    ctx.answer_callback();
    show_choice(ctx, *content);
    return Handled::kStop;
  }
  const auto& langs = content->languages();
  if (std::find(langs.begin(), langs.end(), code) == langs.end()) {
    ctx.answer_callback(ctx.text("stale_button", "This button is out of date."));
    show_choice(ctx, *content);
    return Handled::kStop;
  }
  ctx.session()["lang"] = std::string(code);
  ctx.answer_callback(ctx.text("language_set", "Language changed."));
  show_page(ctx, *content, content->start_page(), ctx.callback_message_id());
  return Handled::kStop;
}

}  // namespace corebot::modules
