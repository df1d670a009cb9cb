// The mailing composer in the admin's chat. State lives in the session (session()["mailing"]),
// so a draft survives a restart:
//   /mailing (or the admin panel's "Mailings" entry) -> the admin sends the message (any kind; an
//   album's parts are collected) -> preview + "link buttons" / audience choice -> a value for
//   language, tag, active days or filter -> start time (now or "YYYY-MM-DD HH:MM" UTC) ->
//   confirmation with the audience's current size -> the mailing starts, and its progress message
//   (Pause / Resume / Cancel) is edited every few seconds.
// Every step checks ctx.is_admin() (callback data can be forged); others get kContinue.
#pragma once

#include "corebot/context.hpp"
#include "corebot/module.hpp"
#include "modules/mailing/mailings.hpp"

namespace corebot::modules::mailing {

class Composer {
 public:
  explicit Composer(Mailings& mailings) : mailings_(mailings) {}
  // The /mailing command or the panel's entry: a new draft.
  void open(Context& ctx);
  // A message while a draft waits for one; kContinue when there is no draft.
  Handled on_message(Context& ctx);
  // "mailing:..." callbacks (the admin is checked by the caller).
  void on_callback(Context& ctx, std::string_view data);
  // Drops the draft (the /cancel command); false when there was none.
  bool discard(Context& ctx);

 private:
  void preview(Context& ctx);
  void ask_time(Context& ctx);
  void confirm(Context& ctx);
  void go(Context& ctx);
  [[nodiscard]] std::string t(
      const Context& ctx, std::string_view key,
      std::initializer_list<std::pair<std::string_view, std::string>> values = {}) const;

  Mailings& mailings_;
};

}  // namespace corebot::modules::mailing
