// The `pages` module: the screens of the bot from the Pages sheet. /start (or /start <page>, a
// deep link) sends the start page; a button "p:<page>" shows its page by editing the message in
// place, or by sending a new message when the page has media or asks for one ("new message").
// A button from content that has since changed answers with a short notice and the start page.
// In private chats it answers what no other module took with the Texts entry unknown_command.
#pragma once

#include "corebot/module.hpp"

namespace corebot::modules {

class PagesModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override;
  Handled on_update(Context& ctx) override;
};

// The `language` module: /language, and Pages buttons "-> lang:menu" (the choice of languages) or
// "-> lang:<code>", set the user's language (session "lang") among the Texts columns, then show
// the start page in it.
class LanguageModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override;
  Handled on_update(Context& ctx) override;
};

}  // namespace corebot::modules
