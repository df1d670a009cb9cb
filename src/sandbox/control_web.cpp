// The control API's routes for the web chat page: simulated users with names and a role (the
// demo registers a spreadsheet's admins so the bot can write to them), the list the page offers,
// and "Reset chat".
#include <boost/json.hpp>

#include "sandbox/control_api.hpp"
#include "sandbox/validator.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

ApiError bad(std::string what) { return ApiError{400, "Bad Request: " + std::move(what)}; }

std::string member(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> integer(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v != nullptr && v->is_int64()) return v->get_int64();
  if (v != nullptr && v->is_string()) return parse_int64(v->get_string());
  return std::nullopt;
}

}  // namespace

// {"token","users":[{"id","first_name","last_name"?,"username"?,"language_code"?,"role"?}]}: users
// who started the bot earlier (their private chat exists), with the names the page shows.
ControlApi::Result ControlApi::add_named_users(const json::object& body) {
  Bot* bot = state_.find_bot(member(body, "token"));
  if (bot == nullptr) return bad("unknown token");
  const json::value& list = body.at("users");
  if (!list.is_array() || list.as_array().size() > 1000) {
    return bad("users must be an array of at most 1000 {id, first_name, ...}");
  }
  for (const json::value& v : list.as_array()) {
    const json::object* o = v.if_object();
    const auto id = o ? integer(*o, "id") : std::nullopt;
    if (!id || *id <= 0) return bad("every user needs a positive id");
  }
  for (const json::value& v : list.as_array()) {
    const json::object& o = v.as_object();
    User& user = bot->ensure_user(*integer(o, "id"));
    for (auto [field, key] :
         {std::pair{&User::first_name, "first_name"}, std::pair{&User::last_name, "last_name"},
          std::pair{&User::username, "username"}, std::pair{&User::language_code, "language_code"},
          std::pair{&User::role, "role"}}) {
      if (auto text = member(o, key); !text.empty()) user.*field = std::move(text);
    }
    bot->ensure_chat(user.id);
  }
  return json::value(json::object{{"created", list.as_array().size()}});
}

// ?token: the users with a role (the page's "Admin" view), then the others, at most 200.
ControlApi::Result ControlApi::list_users(const json::object& query) {
  Bot* bot = state_.find_bot(member(query, "token"));
  if (bot == nullptr) return bad("unknown token");
  json::array with_role;
  json::array others;
  for (const auto& [id, user] : bot->users()) {
    json::object o{{"id", id},
                   {"first_name", user.first_name},
                   {"username", user.username},
                   {"language_code", user.language_code},
                   {"role", user.role}};
    (user.role.empty() ? others : with_role).push_back(std::move(o));
    if (with_role.size() + others.size() >= 200) break;
  }
  for (auto& o : others) with_role.push_back(std::move(o));
  return json::value(std::move(with_role));
}

// {"token","chat_id"}: the chat's messages are forgotten, as after "Clear history"; the bot is
// not told (Telegram does not tell it either).
ControlApi::Result ControlApi::clear_chat(const json::object& body) {
  Bot* bot = state_.find_bot(member(body, "token"));
  if (bot == nullptr) return bad("unknown token");
  const auto chat_id = integer(body, "chat_id");
  if (!chat_id) return bad("chat_id is required");
  Chat* chat = bot->find_chat(*chat_id);
  if (chat == nullptr) return bad("chat not found");
  bot->clear_chat(*chat);
  return json::value(true);
}

}  // namespace corebot::sandbox
