// The customer's side of the desk: a customer's message reaches the operators' group. In a forum,
// the customer's topic is created on their first message (card sent and pinned), reopened when
// they write after a /close, and made again when operators deleted it; in a plain group each
// message goes with a header and the store maps the group message to the customer, for replies.
// The customer's chat is held until the message is in the group, so their next message never
// races the topic's creation.
#include <chrono>

#include "modules/support/support_module.hpp"
#include "modules/support/texts.hpp"

namespace corebot::modules::support {
namespace json = boost::json;

struct SupportModule::Relay {
  std::shared_ptr<Context> ctx;
  std::int64_t user_id = 0;
  std::int64_t message_id = 0;  // in the customer's chat
  json::object message;
  std::int64_t group = 0;
  bool forum = false;
  std::optional<Conversation> stored;  // as loaded
  Conversation now;                    // as it will be stored
  bool starts = false;                 // this message opens (or reopens) the conversation
  int retries = 0;                     // topic made again or reopened once at most
  UserRecord user;
};

namespace {

bool mentions(const CallResult& r, std::string_view what) {
  return r.description.find(what) != std::string::npos;
}

UserRecord user_from_update(const json::object& message) {
  UserRecord user;
  if (const json::value* from = message.if_contains("from"); from && from->is_object()) {
    const json::object& f = from->as_object();
    user.id = f.contains("id") && f.at("id").is_int64() ? f.at("id").get_int64() : 0;
    auto field = [&](std::string_view key) {
      const json::value* v = f.if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    user.first_name = field("first_name");
    user.last_name = field("last_name");
    user.username = field("username");
    user.language_code = field("language_code");
  }
  return user;
}

}  // namespace

void SupportModule::relay_message(Context& ctx) {
  auto relay = std::make_shared<Relay>();
  relay->ctx = ctx.hold();
  relay->user_id = *ctx.user_id();
  relay->message = ctx.update().at("message").as_object();
  relay->message_id = relay->message.at("message_id").as_int64();
  relay->group = group_id();
  relay_from_customer(std::move(relay));
}

void SupportModule::relay_from_customer(std::shared_ptr<Relay> r) {
  if (r->group == 0) {
    r->ctx->reply(say(*r->ctx, "support_unavailable"));
    return;
  }
  const std::string id = std::to_string(r->user_id);
  services_->store().run(
      [id](ModuleCollections& c) {
        return c.collection("conversations").find_one({{"_id", id}});
      },
      [this, r](StoreResult<std::optional<json::object>> loaded) {
        if (services_ == nullptr) return;
        if (!loaded) {
          services_->log(LogLevel::kError,
                         std::string("reading a conversation failed: ") + loaded.error().what());
          return finish_relay(r, false);
        }
        if (loaded.value()) r->stored = conversation_from(*loaded.value());
        services_->users().find(
            r->user_id, [this, r](std::optional<UserRecord> user, const std::string&) {
              if (services_ == nullptr) return;
              r->user = user ? *user : user_from_update(r->message);
              if (r->user.id == 0) r->user.id = r->user_id;
              with_forum_flag(r->group, [this, r](std::optional<bool> forum) {
                if (services_ == nullptr) return;
                if (!forum) return finish_relay(r, false);
                r->forum = *forum;
                Conversation c = r->stored.value_or(Conversation{});
                r->starts = !r->stored || !c.open || c.group_id != r->group;
                if (c.group_id != r->group) c.topic_id = 0;
                c.user_id = r->user_id;
                c.group_id = r->group;
                if (r->starts) {
                  ++c.seq;
                  c.open = true;
                  c.opened_ms = now_ms();
                  c.closed_ms = 0;
                  c.name = display_name(r->user);
                }
                r->now = c;
                if (r->forum && c.topic_id == 0) return start_topic(r);
                if (r->forum && r->starts)
                  return reopen_topic(r, [this, r] { copy_into_group(r); });
                if (!r->forum && r->starts) {
                  return save(r, [this, r] { send_card(r, [this, r] { copy_into_group(r); }); });
                }
                copy_into_group(r);
              });
            });
      });
}

void SupportModule::save(std::shared_ptr<Relay> r, std::function<void()> then) {
  json::object doc = to_json(r->now);
  const std::string id = std::to_string(r->user_id);
  services_->store().run(
      [id, doc = std::move(doc)](ModuleCollections& c) {
        c.collection("conversations").replace_one({{"_id", id}}, doc, {.upsert = true});
      },
      [this, r, then = std::move(then)](StoreResult<std::monostate> saved) {
        if (services_ == nullptr) return;
        if (!saved) {
          services_->log(LogLevel::kError,
                         std::string("saving a conversation failed: ") + saved.error().what());
          return finish_relay(r, false);
        }
        then();
      });
}

void SupportModule::with_forum_flag(std::int64_t group,
                                    std::function<void(std::optional<bool>)> then) {
  if (auto it = forum_.find(group); it != forum_.end()) return then(it->second);
  services_->sender().call(
      "getChat", {{"chat_id", group}}, Priority::kInteractive,
      [this, group, then = std::move(then)](const CallResult& r) {
        if (services_ == nullptr) return;
        if (!r.ok || !r.result.is_object()) {
          services_->log(LogLevel::kError,
                         "the operators' group " + std::to_string(group) +
                             " is out of reach: " + r.description +
                             " — add the bot to the group, make it an admin, and check "
                             "[modules.support] group_id");
          return then(std::nullopt);
        }
        const json::value* flag = r.result.as_object().if_contains("is_forum");
        const bool forum = flag != nullptr && flag->is_bool() && flag->get_bool();
        forum_[group] = forum;
        then(forum);
      });
}

void SupportModule::start_topic(std::shared_ptr<Relay> r) {
  services_->sender().call(
      "createForumTopic", {{"chat_id", r->group}, {"name", topic_name(r->user)}},
      Priority::kInteractive, [this, r](const CallResult& result) {
        if (services_ == nullptr) return;
        const json::value* id = result.ok && result.result.is_object()
                                    ? result.result.as_object().if_contains("message_thread_id")
                                    : nullptr;
        if (id == nullptr || !id->is_int64()) {
          services_->log(LogLevel::kError,
                         "creating the customer's topic failed: " + result.description +
                             " — give the bot the right to manage topics in the operators' group");
          return finish_relay(r, false);
        }
        r->now.topic_id = id->get_int64();
        save(r, [this, r] { send_card(r, [this, r] { copy_into_group(r); }); });
      });
}

void SupportModule::reopen_topic(std::shared_ptr<Relay> r, std::function<void()> then) {
  services_->sender().call(
      "reopenForumTopic", {{"chat_id", r->group}, {"message_thread_id", r->now.topic_id}},
      Priority::kInteractive, [this, r, then = std::move(then)](const CallResult& result) {
        if (services_ == nullptr) return;
        if (!result.ok && mentions(result, "thread not found")) {
          r->now.topic_id = 0;  // operators deleted it: a new one
          return start_topic(r);
        }
        // TOPIC_NOT_MODIFIED: it was open already.
        save(r, [this, r, then] {
          if (r->starts)
            note(r->group, r->now.topic_id, say_in(group_language(), "support_reopened"));
          then();
        });
      });
}

void SupportModule::send_card(std::shared_ptr<Relay> r, std::function<void()> then) {
  json::object params{{"chat_id", r->group}, {"text", card_text(r->user, group_language())}};
  if (r->forum) params["message_thread_id"] = r->now.topic_id;
  services_->sender().call("sendMessage", std::move(params), Priority::kInteractive,
                           [this, r, then = std::move(then)](const CallResult& result) {
                             if (services_ == nullptr) return;
                             if (result.ok && r->forum && result.result.is_object()) {
                               services_->sender().call(
                                   "pinChatMessage",
                                   {{"chat_id", r->group},
                                    {"message_id", result.result.as_object().at("message_id")},
                                    {"disable_notification", true}},
                                   Priority::kInteractive);
                             }
                             if (r->forum) return then();
                             // In a plain group the card maps to the customer too: replying to it
                             // answers them.
                             link(r, result, then);
                           });
}

void SupportModule::link(std::shared_ptr<Relay> r, const CallResult& sent,
                         std::function<void()> then) {
  if (!sent.ok || !sent.result.is_object()) return then();
  const json::value* id = sent.result.as_object().if_contains("message_id");
  if (id == nullptr || !id->is_int64()) return then();
  json::object doc{{"_id", link_id(r->group, id->get_int64())},
                   {"group_id", r->group},
                   {"message_id", id->get_int64()},
                   {"user_id", r->user_id},
                   {"created_ms", now_ms()}};
  services_->store().run(
      [doc = std::move(doc)](ModuleCollections& c) {
        c.collection("links").replace_one({{"_id", doc.at("_id")}}, doc, {.upsert = true});
      },
      [this, then = std::move(then)](StoreResult<std::monostate> saved) {
        if (services_ == nullptr) return;
        if (!saved) {
          services_->log(LogLevel::kError,
                         std::string("saving a message link failed: ") + saved.error().what());
        }
        then();
      });
}

void SupportModule::copy_into_group(std::shared_ptr<Relay> r) {
  if (r->forum) {
    services_->sender().call("copyMessage",
                             {{"chat_id", r->group},
                              {"from_chat_id", r->user_id},
                              {"message_id", r->message_id},
                              {"message_thread_id", r->now.topic_id}},
                             Priority::kInteractive, [this, r](const CallResult& result) {
                               if (services_ == nullptr) return;
                               if (result.ok) return finish_relay(r, true);
                               if (r->retries == 0 && mentions(result, "thread not found")) {
                                 ++r->retries;
                                 r->now.topic_id = 0;
                                 r->starts = true;  // a new topic: the card goes again
                                 return start_topic(r);
                               }
                               if (r->retries == 0 && mentions(result, "TOPIC_CLOSED")) {
                                 ++r->retries;
                                 return reopen_topic(r, [this, r] { copy_into_group(r); });
                               }
                               services_->log(
                                   LogLevel::kError,
                                   "copying a customer's message failed: " + result.description);
                               finish_relay(r, false);
                             });
    return;
  }
  // A plain group: the header says who wrote; replies to it (or to the card) reach the customer.
  const std::string header =
      format(say_in(group_language(), "support_header"),
             {display_name(r->user),
              r->user.username.empty() ? say_in(group_language(), "support_no_username")
                                       : "@" + r->user.username,
              std::to_string(r->user_id)});
  auto done = [this, r](const CallResult& result) {
    if (services_ == nullptr) return;
    if (!result.ok) {
      services_->log(LogLevel::kError,
                     "sending a customer's message to the group failed: " + result.description);
      return finish_relay(r, false);
    }
    link(r, result, [this, r] { finish_relay(r, true); });
  };
  const json::value* text = r->message.if_contains("text");
  if (text != nullptr && text->is_string()) {
    services_->sender().call(
        "sendMessage",
        {{"chat_id", r->group},
         {"text", cut(header + "\n\n" + std::string(text->get_string()), 4096)}},
        Priority::kInteractive, std::move(done));
    return;
  }
  if (takes_caption(r->message)) {
    std::string caption = header;
    if (const json::value* c = r->message.if_contains("caption"); c && c->is_string()) {
      caption += "\n\n" + std::string(c->get_string());
    }
    services_->sender().call("copyMessage",
                             {{"chat_id", r->group},
                              {"from_chat_id", r->user_id},
                              {"message_id", r->message_id},
                              {"caption", cut(caption, 1024)}},
                             Priority::kInteractive, std::move(done));
    return;
  }
  // No caption possible (a sticker, a location): the header first, the copy replying to it.
  services_->sender().call(
      "sendMessage", {{"chat_id", r->group}, {"text", header}}, Priority::kInteractive,
      [this, r, done = std::move(done)](const CallResult& sent) {
        if (services_ == nullptr) return;
        if (!sent.ok) return done(sent);
        link(r, sent, [this, r, done, sent] {
          services_->sender().call("copyMessage",
                                   {{"chat_id", r->group},
                                    {"from_chat_id", r->user_id},
                                    {"message_id", r->message_id},
                                    {"reply_parameters",
                                     {{"message_id", sent.result.as_object().at("message_id")},
                                      {"allow_sending_without_reply", true}}}},
                                   Priority::kInteractive, done);
        });
      });
}

void SupportModule::finish_relay(std::shared_ptr<Relay> r, bool ok) {
  if (!ok) {
    r->ctx->reply(say(*r->ctx, "support_failed"));
  } else if (r->starts) {
    r->ctx->reply(say(*r->ctx, "support_sent"));
  }
  r->ctx.reset();  // the customer's next message may go now
}

}  // namespace corebot::modules::support
