#include "app/admin_api.hpp"

#include <boost/json.hpp>

#include <optional>
#include <stdexcept>
#include <vector>

#include "app/user_tracker.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

// Reads the recipients of POST /admin/broadcast: "chat_ids": [..].
std::optional<std::vector<std::int64_t>> chat_ids_of(const json::object& body) {
  const json::value* ids = body.if_contains("chat_ids");
  if (!ids || !ids->is_array()) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const auto& id : ids->get_array()) {
    if (!id.is_int64()) return std::nullopt;
    out.push_back(id.get_int64());
  }
  return out;
}

// Everyone who wrote to the bot in private and has not blocked it.
std::vector<std::int64_t> reachable_users(DocumentStore& s) {
  FindOptions options;
  options.projection = {{"_id", 1}};
  std::vector<std::int64_t> ids;
  for (const auto& doc :
       s.collection(UserTracker::kCollection).find({{"blocked", {{"$ne", true}}}}, options)) {
    if (doc.at("_id").is_int64()) ids.push_back(doc.at("_id").get_int64());
  }
  return ids;
}

void start_broadcast(const AdminApiSources& sources, const json::object& body, web::ReplyFn reply) {
  const json::value* text = body.if_contains("text");
  if (!text || !text->is_string()) {
    return reply({400, json::object{{"ok", false}, {"error", "\"text\" must be a string"}}});
  }
  Broadcasts* broadcasts = sources.broadcasts;
  auto start = [broadcasts, reply,
                text = std::string(text->get_string())](const std::vector<std::int64_t>& ids) {
    try {
      auto id = broadcasts->start(text, ids);
      reply({202, json::object{{"ok", true}, {"result", broadcasts->progress(id)->to_json()}}});
    } catch (const std::invalid_argument& e) {
      reply({400, json::object{{"ok", false}, {"error", e.what()}}});
    }
  };
  if (const json::value* to = body.if_contains("to"); to && *to == "all") {
    return sources.store->run(
        reachable_users, [reply, start](StoreResult<std::vector<std::int64_t>> ids) {
          if (!ids) {
            return reply({503, json::object{{"ok", false},
                                            {"error", std::string("cannot read users: ") +
                                                          ids.error().what()}}});
          }
          start(ids.value());
        });
  }
  auto ids = chat_ids_of(body);
  if (!ids) {
    return reply(
        {400, json::object{{"ok", false},
                           {"error", "give \"chat_ids\": [integers] or \"to\": \"all\""}}});
  }
  start(*ids);
}

}  // namespace

web::AdminHandlers admin_handlers(AdminApiSources sources) {
  web::AdminHandlers handlers;
  handlers.health = sources.health;
  handlers.metrics = sources.metrics;
  handlers.broadcast_status =
      [broadcasts = sources.broadcasts](const std::string& id) -> std::optional<json::object> {
    auto progress = broadcasts->progress(id);
    if (!progress) return std::nullopt;
    return progress->to_json();
  };
  handlers.start_broadcast = [sources](const json::object& body, web::ReplyFn reply) {
    start_broadcast(sources, body, std::move(reply));
  };
  return handlers;
}

}  // namespace corebot::app
