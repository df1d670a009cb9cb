#include "modules/pages/pages_module.hpp"

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "corebot/ascii.hpp"
#include "modules/pages/page_view.hpp"

namespace corebot::modules {
namespace json = boost::json;

namespace {

constexpr std::string_view kNoContent =
    "This bot has no content yet: its owner has to give it a spreadsheet.";

// Page ids are at most 60 characters; anything longer in a deep link or callback is not an id.
constexpr std::size_t kMaxIdBytes = 200;

}  // namespace

ModuleInfo PagesModule::info() const {
  ModuleInfo info;
  info.name = "pages";
  info.version = "1.0";
  info.commands = {{"start", "Main menu"}};
  info.callback_prefix = std::string(kPageCallbackPrefix.substr(0, kPageCallbackPrefix.size() - 1));
  info.update_kinds = {"message"};
  info.settings = {{.key = "back_button",
                    .type = ColumnType::kBoolean,
                    .description = "yes (default) or no: add a « Back button to pages.",
                    .description_ru = "yes (по умолчанию) или no: добавлять на страницы кнопку "
                                      "« Назад."}};
  info.text_keys = [](const Content&) {
    return std::vector<std::string>{"unknown_command", "stale_button", "back"};
  };
  return info;
}

Handled PagesModule::on_update(Context& ctx) {
  const Content* content = ctx.content();
  if (ctx.kind() == "callback_query") {
    if (!content) {
      ctx.answer_callback(std::string(kNoContent));
      return Handled::kStop;
    }
    std::string_view id = ctx.callback_data().substr(
        std::min(ctx.callback_data().size(), kPageCallbackPrefix.size()));
    const Page* page = id.size() <= kMaxIdBytes ? content->page(id) : nullptr;
    if (!page) {
      // A button of content that has since changed: say so, and show what exists now.
      ctx.answer_callback(
          ctx.text("stale_button", "This button is out of date. Here is the current menu."));
      show_page(ctx, *content, content->start_page(), ctx.callback_message_id());
      return Handled::kStop;
    }
    ctx.answer_callback();
    show_page(ctx, *content, *page, ctx.callback_message_id());
    return Handled::kStop;
  }

  if (ctx.command() == "start") {
    if (!content) {
      ctx.reply(std::string(kNoContent));
      return Handled::kStop;
    }
    // "/start prices" (t.me/bot?start=prices) is a deep link to a page.
    const Page* page = nullptr;
    if (std::string_view arg = ctx.command_args(); !arg.empty() && arg.size() <= kMaxIdBytes) {
      page = content->page(ascii::lower(arg));
    }
    show_page(ctx, *content, page ? *page : content->start_page());
    return Handled::kStop;
  }

  // Anything else no module took: only private chats get an answer (a group is not talking to
  // the bot).
  if (ctx.kind() != "message" || !ctx.chat_id() || *ctx.chat_id() < 0) return Handled::kContinue;
  ctx.reply(ctx.text("unknown_command", "Sorry, I did not understand. Send /start for the menu."));
  return Handled::kStop;
}

}  // namespace corebot::modules
