// The operators' side of the desk: a message in the operators' group is for the customer whose
// topic it is in, or whose message (header, card or earlier answer) it replies to in a plain
// group. The customer is looked up in the store by that topic or message id, so nothing an
// operator types can reach another customer, and a restart changes nothing. Only operators and
// admins are relayed; /close ends the conversation and asks the customer for a rating.
#include "modules/support/support_module.hpp"
#include "modules/support/texts.hpp"

namespace corebot::modules::support {
namespace json = boost::json;

namespace {

// The customer's conversation a group message names: by topic, or by the message it replies to.
std::optional<Conversation> find_conversation(ModuleCollections& c, std::int64_t group,
                                              const GroupRoute& route) {
  std::optional<json::object> doc;
  if (route.via == GroupRoute::Via::kTopic) {
    doc = c.collection("conversations").find_one({{"group_id", group}, {"topic_id", route.key}});
  } else if (route.via == GroupRoute::Via::kReply) {
    auto link = c.collection("links").find_one({{"_id", link_id(group, route.key)}});
    if (link && link->contains("user_id")) {
      doc = c.collection("conversations")
                .find_one({{"_id", std::to_string(link->at("user_id").as_int64())}});
    }
  }
  if (!doc) return std::nullopt;
  Conversation conv = conversation_from(*doc);
  // A conversation that moved to another group is no longer reachable from this one.
  if (conv.group_id != group) return std::nullopt;
  return conv;
}

std::string sender_name(const json::object& message) {
  const json::value* from = message.if_contains("from");
  if (from == nullptr || !from->is_object()) return "?";
  const json::value* name = from->as_object().if_contains("first_name");
  return name != nullptr && name->is_string() ? std::string(name->get_string()) : "?";
}

}  // namespace

Handled SupportModule::on_group(Context& ctx) {
  if (ctx.kind() != "message") return Handled::kContinue;
  const json::object& message = ctx.update().at("message").as_object();
  const std::string_view command = ctx.command();
  if (!command.empty() && command != "close") return Handled::kContinue;  // e.g. /admin
  // Only operators and admins answer customers; everyone else in the group is not relayed.
  if (ctx.role() < Role::kOperator) return Handled::kStop;
  const GroupRoute route = route_group_message(message, command);
  const std::int64_t group = *ctx.chat_id();
  if (route.via == GroupRoute::Via::kNone) {
    if (route.close) note(group, 0, say_in(group_language(), "support_close_how"));
    return Handled::kStop;
  }
  if (!route.close && !route.relay) return Handled::kStop;
  services_->store().run(
      [group, route](ModuleCollections& c) { return find_conversation(c, group, route); },
      [this, hold = ctx.hold(), route](StoreResult<std::optional<Conversation>> found) {
        if (services_ == nullptr) return;
        if (!found) {
          services_->log(LogLevel::kError,
                         std::string("finding a conversation failed: ") + found.error().what());
          return;
        }
        if (!found.value()) return;  // not a customer's topic or message
        if (route.close) return close(hold, *found.value(), route);
        to_customer(hold, route, found.value());
      });
  return Handled::kStop;
}

void SupportModule::to_customer(std::shared_ptr<Context> ctx, const GroupRoute& route,
                                std::optional<Conversation> conversation) {
  const Conversation conv = *conversation;
  const std::int64_t group = *ctx->chat_id();
  const std::int64_t message_id = ctx->update().at("message").at("message_id").as_int64();
  services_->sender().call(
      "copyMessage",
      {{"chat_id", conv.user_id}, {"from_chat_id", group}, {"message_id", message_id}},
      Priority::kInteractive, [this, ctx, conv, group, message_id, route](const CallResult& r) {
        if (services_ == nullptr) return;
        const std::int64_t thread = route.via == GroupRoute::Via::kTopic ? route.key : 0;
        if (!r.ok) {
          note(group, thread,
               format(say_in(group_language(), "support_not_delivered"), {r.description}));
          return;
        }
        if (thread != 0) return;
        // A plain group: a reply to this answer reaches the same customer.
        json::object doc{{"_id", link_id(group, message_id)},
                         {"group_id", group},
                         {"message_id", message_id},
                         {"user_id", conv.user_id},
                         {"created_ms", now_ms()}};
        services_->store().run(
            [doc = std::move(doc)](ModuleCollections& c) {
              c.collection("links").replace_one({{"_id", doc.at("_id")}}, doc, {.upsert = true});
            },
            [ctx](StoreResult<std::monostate>) {});
      });
}

void SupportModule::close(std::shared_ptr<Context> ctx, Conversation conv,
                          const GroupRoute& route) {
  if (!conv.open) return;  // closed already
  const std::int64_t now = now_ms();
  const std::string id = std::to_string(conv.user_id);
  services_->store().run(
      [id, now](ModuleCollections& c) {
        return c.collection("conversations")
            .update_one({{"_id", id}, {"status", "open"}},
                        {{"$set", {{"status", "closed"}, {"closed_ms", now}}}})
            .modified;
      },
      [this, ctx, conv, route](StoreResult<std::int64_t> closed) {
        if (services_ == nullptr) return;
        if (!closed) {
          services_->log(LogLevel::kError,
                         std::string("closing a conversation failed: ") + closed.error().what());
          return;
        }
        if (closed.value() == 0) return;  // someone closed it meanwhile
        const std::int64_t group = *ctx->chat_id();
        const std::int64_t thread = route.via == GroupRoute::Via::kTopic ? route.key : 0;
        note(group, thread,
             format(say_in(group_language(), "support_closed_note"),
                    {sender_name(ctx->update().at("message").as_object())}));
        if (thread != 0) {
          services_->sender().call("closeForumTopic",
                                   {{"chat_id", group}, {"message_thread_id", thread}},
                                   Priority::kInteractive);
        }
        services_->users().find(
            conv.user_id, [this, ctx, conv](std::optional<UserRecord> user, const std::string&) {
              if (services_ == nullptr) return;
              const std::string language = user ? user->language_code : "en";
              json::array row;
              for (int stars = 1; stars <= 5; ++stars) {
                row.push_back(json::object{
                    {"text", std::to_string(stars) + " ⭐"},
                    {"callback_data",
                     "support:rate:" + std::to_string(conv.seq) + ":" + std::to_string(stars)}});
              }
              // Not json::array{std::move(row)}: with clang (CWG 2137) that is a copy of the row.
              json::array rows;
              rows.push_back(std::move(row));
              services_->sender().call("sendMessage",
                                       {{"chat_id", conv.user_id},
                                        {"text", say_in(language, "support_closed")},
                                        {"reply_markup", {{"inline_keyboard", std::move(rows)}}}},
                                       Priority::kInteractive, [ctx](const CallResult&) {});
            });
      });
}

void SupportModule::note(std::int64_t group, std::int64_t thread, std::string text) {
  json::object params{{"chat_id", group}, {"text", std::move(text)}};
  if (thread != 0) params["message_thread_id"] = thread;
  services_->sender().call("sendMessage", std::move(params), Priority::kInteractive);
}

}  // namespace corebot::modules::support
