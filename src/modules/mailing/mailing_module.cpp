#include "modules/mailing/mailing_module.hpp"

#include <stdexcept>
#include <string>

#include "modules/mailing/http_api.hpp"
#include "modules/mailing/texts.hpp"

namespace corebot::modules {

ModuleInfo MailingModule::info() const {
  ModuleInfo info;
  info.name = "mailing";
  info.version = "1.0";
  info.commands = {{"mailing", ""}};  // no description: not advertised to users
  info.callback_prefix = "mailing";
  info.update_kinds = {"message"};
  info.sees_all_commands = true;  // /cancel ends a draft, whoever owns /cancel
  // The admin panel's Exports: every mailing, and each recipient's outcome (the report of who
  // got it, who blocked the bot, what failed and why) as a spreadsheet.
  info.exports = {{std::string(mailing::store::kMailings), "Mailings"},
                  {std::string(mailing::store::kRecipients), "Mailing recipients"}};
  info.admin_menu = {{.title = mailing::say(nullptr, "en", "mailing_menu_entry"),
                      .callback_data = "mailing:menu",
                      .role = Role::kAdmin,
                      .titles = {{"ru", mailing::say(nullptr, "ru", "mailing_menu_entry")}}}};
  info.settings = {
      {"window",
       ColumnType::kInteger,
       {},
       "256",
       "Recipients a mailing has in flight at most (also the most duplicates a crash can cause)",
       false,
       "Сколько получателей рассылки может быть «в пути» одновременно (и сколько дублей "
       "возможно после сбоя)"},
      {"progress_every_s",
       ColumnType::kInteger,
       {},
       "3",
       "Seconds between edits of a mailing's progress message",
       false,
       "Через сколько секунд обновлять сообщение о ходе рассылки"}};
  // Worded in English and Russian by the module: a Texts sheet needs them only for admins of
  // another language (who otherwise read English), so only then does `check` ask for them.
  info.text_keys = [](const Content& content) {
    for (const auto& language : content.languages()) {
      if (language.rfind("en", 0) != 0 && language.rfind("ru", 0) != 0) {
        return mailing::text_keys();
      }
    }
    return std::vector<std::string>{};
  };
  return info;
}

void MailingModule::start(ModuleServices& services) {
  mailing::MailingsOptions options;
  auto number = [&](const char* key, long long fallback, long long low, long long high) {
    const std::string value = services.settings().get_or(key, std::to_string(fallback));
    long long n = 0;
    try {
      n = std::stoll(value);
    } catch (const std::exception&) {
      n = low - 1;
    }
    if (n < low || n > high) {
      throw std::runtime_error(std::string("[modules.mailing] ") + key + " = " + value +
                               ": give a whole number from " + std::to_string(low) + " to " +
                               std::to_string(high));
    }
    return n;
  };
  options.run.window = static_cast<std::size_t>(number("window", 256, 1, 10000));
  options.progress_every = std::chrono::seconds(number("progress_every_s", 3, 1, 3600));
  mailings_ = std::make_unique<mailing::Mailings>(services, options);
  composer_ = std::make_unique<mailing::Composer>(*mailings_);
  services.serve_admin_api("broadcast", mailing::http_api(*mailings_));
  mailings_->start();
}

void MailingModule::stop() {
  if (mailings_) mailings_->stop();
}

Handled MailingModule::on_update(Context& ctx) {
  if (!mailings_) return Handled::kContinue;
  const std::string_view command = ctx.command();
  if (command == "mailing") {
    if (!ctx.is_admin()) return Handled::kContinue;
    composer_->open(ctx);
    return Handled::kStop;
  }
  if (command == "cancel") {
    return ctx.is_admin() && composer_->discard(ctx) ? Handled::kStop : Handled::kContinue;
  }
  if (!command.empty()) return Handled::kContinue;
  if (!ctx.callback_data().empty()) {
    // Callback data can be forged: only admins, and nothing said to anyone else.
    if (!ctx.is_admin()) {
      ctx.answer_callback();
      return Handled::kStop;
    }
    composer_->on_callback(ctx, ctx.callback_data());
    return Handled::kStop;
  }
  if (!ctx.is_admin()) return Handled::kContinue;
  return composer_->on_message(ctx);
}

ModuleFactory mailing_factory() {
  return {"mailing", [] { return std::make_unique<MailingModule>(); }, ModuleDefault::kOn, 50};
}

}  // namespace corebot::modules
