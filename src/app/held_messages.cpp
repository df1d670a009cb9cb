#include "app/held_messages.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "corebot/ascii.hpp"
#include "corebot/content.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string text(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t number(const json::object& doc, std::string_view key) {
  const json::value* v = doc.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

std::string strip_at(std::string_view name) {
  if (!name.empty() && name.front() == '@') name.remove_prefix(1);
  return ascii::lower(name);
}

}  // namespace

HeldMessages::HeldMessages(AsyncStore& store, Sender& sender) : store_(store), sender_(sender) {}

HeldMessages::~HeldMessages() = default;

void HeldMessages::load(std::function<void(const std::string&)> done) {
  std::weak_ptr<char> alive = alive_;
  store_.run(
      [](DocumentStore& s) {
        FindOptions options;
        options.projection = {{"user_id", 1}, {"username_lc", 1}};
        return s.collection(kCollection).find({}, options);
      },
      [this, alive, done = std::move(done)](StoreResult<std::vector<json::object>> r) {
        if (alive.expired()) return;
        if (!r) {
          if (done) done(r.error().what());
          return;
        }
        for (const json::object& doc : r.value()) {
          if (auto id = number(doc, "user_id"); id != 0) {
            ids_.insert(id);
          } else if (auto name = text(doc, "username_lc"); !name.empty()) {
            usernames_.insert(name);
          }
        }
        if (recipients() > 0) {
          COREBOT_LOG_INFO("{} recipient(s) have messages kept until they write to the bot",
                           recipients());
        }
        if (done) done("");
      });
}

void HeldMessages::hold(HeldMessage message, UsersDone done) {
  const std::string name = strip_at(message.username);
  if (message.user_id == 0 && name.empty()) {
    if (done) done("a held message needs a user id or a username");
    return;
  }
  COREBOT_LOG_WARN(
      "{} for {} not delivered ({}): kept, and sent when they write to the bot — ask them to "
      "open the bot and send /start",
      message.method, message.recipient, message.reason);
  const std::int64_t created = wall_ms();
  json::object doc{
      {"user_id", message.user_id},     {"username_lc", name},
      {"method", message.method},       {"params", std::move(message.params)},
      {"recipient", message.recipient}, {"reason", message.reason},
      {"created_ms", created},          {"order", created * 1000 + (next_order_++ % 1000)}};
  // Indexed once stored, so a delivery that starts right after finds it.
  std::weak_ptr<char> alive = alive_;
  store_.run(
      [doc = std::move(doc)](DocumentStore& s) { s.collection(kCollection).insert_one(doc); },
      [this, alive, id = message.user_id, name, done = std::move(done),
       recipient = message.recipient](StoreResult<std::monostate> r) {
        if (!r) {
          COREBOT_LOG_ERROR("cannot keep the message for {}: {}", recipient, r.error().what());
        } else if (!alive.expired()) {
          if (id != 0) {
            ids_.insert(id);
          } else {
            usernames_.insert(name);
          }
        }
        if (done) done(r ? std::string() : std::string(r.error().what()));
      });
}

void HeldMessages::user_seen(std::int64_t user_id, std::string_view username) {
  const std::string name = strip_at(username);
  const bool by_id = ids_.erase(user_id) > 0;
  const bool by_name = !name.empty() && usernames_.erase(name) > 0;
  if (by_id || by_name) deliver(user_id, by_name ? name : std::string());
}

void HeldMessages::deliver(std::int64_t user_id, const std::string& username_lc) {
  std::weak_ptr<char> alive = alive_;
  store_.run(
      [user_id, username_lc](DocumentStore& s) {
        Collection& c = s.collection(kCollection);
        FindOptions options;
        options.sort = {{"order", 1}};
        std::vector<json::object> docs = c.find({{"user_id", user_id}}, options);
        if (!username_lc.empty()) {
          // Now that the id is known, the messages kept under the username are the id's.
          for (json::object& doc :
               c.find({{"user_id", 0}, {"username_lc", username_lc}}, options)) {
            c.update_one({{"_id", doc.at("_id")}}, {{"$set", {{"user_id", user_id}}}});
            docs.push_back(std::move(doc));
          }
        }
        return docs;
      },
      [this, alive, user_id](StoreResult<std::vector<json::object>> r) {
        if (alive.expired()) return;
        if (!r) {
          ids_.insert(user_id);  // tried again on their next update
          COREBOT_LOG_ERROR("cannot read the messages kept for {}: {}", user_id, r.error().what());
          return;
        }
        std::vector<json::object>& docs = r.value();
        if (docs.empty()) return;
        COREBOT_LOG_INFO("{} wrote to the bot: sending the {} message(s) kept for them",
                         text(docs.front(), "recipient"), docs.size());
        for (json::object& doc : docs) {
          json::object params;
          if (const json::value* p = doc.if_contains("params"); p && p->is_object()) {
            params = p->get_object();
          }
          params["chat_id"] = user_id;
          sender_.call(text(doc, "method"), std::move(params), Priority::kNotification,
                       [this, alive, user_id, id = doc.at("_id"),
                        recipient = text(doc, "recipient")](const CallResult& result) {
                         if (alive.expired()) return;
                         if (!result.ok) {
                           ids_.insert(user_id);
                           COREBOT_LOG_WARN("the message kept for {} failed again ({}): kept",
                                            recipient, result.description);
                           return;
                         }
                         store_.run(
                             [id](DocumentStore& s) {
                               s.collection(kCollection).delete_one({{"_id", id}});
                             },
                             [](StoreResult<std::monostate>) {});
                       });
        }
      });
}

void warn_admins_never_seen(const Content& content, Users& users) {
  for (const Admin& admin : content.admins()) {
    std::string who = admin.name.empty() ? std::string("admin") : "admin " + admin.name;
    who += admin.user_id != 0 ? " (id " + std::to_string(admin.user_id) + ")"
                              : " (@" + admin.username + ")";
    auto warn = [who](std::optional<UserRecord> user, const std::string& error) {
      if (!error.empty() || user) return;
      COREBOT_LOG_WARN(
          "{} has never written to the bot, and Telegram lets a bot write only to people who "
          "started it — ask them to open the bot and send /start; until then, leads for them "
          "are kept and sent when they do",
          who);
    };
    if (admin.user_id != 0) {
      users.find(admin.user_id, warn);
    } else if (!admin.username.empty()) {
      users.find_by_username(admin.username, warn);
    }
  }
}

}  // namespace corebot::app
