// The support desk (docs/support.md): a customer opens a conversation with /support or a
// "support:open" button; their messages are copied into the operators' group, one forum topic per
// customer (its card pinned at the top) or, in a plain group, with a header operators reply to.
// An operator's message in a topic, or a reply in the plain group, is copied back to that
// customer only: the customer is found from the store by topic id or replied message id, never
// from memory. /close ends a conversation and asks the customer for a 1-5 rating; their next
// message reopens it. Everything is in the module's collections, so a restart loses nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "corebot/module.hpp"
#include "modules/support/routing.hpp"

namespace corebot::modules::support {

class SupportModule final : public Module {
 public:
  [[nodiscard]] ModuleInfo info() const override;
  void start(ModuleServices& services) override;
  void stop() override { services_ = nullptr; }
  Handled on_update(Context& ctx) override;

 private:
  struct Relay;  // one customer message on its way to the group (customer_side.cpp)

  // The operators' group: the group_id setting, else the group an admin chose with
  // /support_here (kept in "support.config"); 0 when neither.
  [[nodiscard]] std::int64_t group_id() const;
  [[nodiscard]] std::int64_t setting_group() const;
  // /support_here in a group, and the admin panel's entry (support_module.cpp).
  void choose_group(Context& ctx);
  void show_panel(Context& ctx);
  [[nodiscard]] std::string group_language() const;

  // The customer's side (customer_side.cpp).
  Handled on_customer(Context& ctx);
  void open(Context& ctx);
  void relay_message(Context& ctx);
  void relay_from_customer(std::shared_ptr<Relay> relay);
  void with_forum_flag(std::int64_t group, std::function<void(std::optional<bool>)> then);
  void start_topic(std::shared_ptr<Relay> relay);
  void reopen_topic(std::shared_ptr<Relay> relay, std::function<void()> then);
  void send_card(std::shared_ptr<Relay> relay, std::function<void()> then);
  void copy_into_group(std::shared_ptr<Relay> relay);
  void save(std::shared_ptr<Relay> relay, std::function<void()> then);
  // Maps the group message `sent` returned to the relay's customer (plain groups).
  void link(std::shared_ptr<Relay> relay, const CallResult& sent, std::function<void()> then);
  void finish_relay(std::shared_ptr<Relay> relay, bool ok);
  void rate(Context& ctx, std::int64_t seq, int stars);

  // The operators' side (operator_side.cpp).
  Handled on_group(Context& ctx);
  void to_customer(std::shared_ptr<Context> ctx, const GroupRoute& route,
                   std::optional<Conversation> conversation);
  void close(std::shared_ptr<Context> ctx, Conversation conversation, const GroupRoute& route);
  // A note from the bot in the group (in the topic when `thread` is not 0).
  void note(std::int64_t group, std::int64_t thread, std::string text);

  [[nodiscard]] std::int64_t now_ms() const;

  ModuleServices* services_ = nullptr;
  std::int64_t chosen_group_ = 0;       // from /support_here, loaded at start
  std::map<std::int64_t, bool> forum_;  // group id -> is a forum (getChat), learned once
};

}  // namespace corebot::modules::support
