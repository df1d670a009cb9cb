#include "sandbox/control_api.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sandbox/bot_api_methods.hpp"
#include "sandbox/control_params.hpp"
#include "sandbox/user_media.hpp"
#include "sandbox/validator.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

constexpr std::int64_t kMaxWaitMs = 60000;
constexpr std::int64_t kMaxUsersPerCall = 1000000;

using control::get_int;
using control::get_string;
using control::invalid;

json::object query_object(std::string_view query) {
  json::object out;
  for (auto& [name, value] : net::parse_query(query)) out[name] = value;
  return out;
}

// The first word of a command message as a bot_command entity ("/start@bot" included).
json::array command_entities(std::string_view text) {
  if (!text.starts_with('/') || text.size() < 2) return {};
  const auto end = std::min(text.find_first_of(" \n\t"), text.size());
  return json::array{
      json::object{{"offset", 0},
                   {"length", static_cast<std::uint64_t>(utf16_length(text.substr(0, end)))},
                   {"type", "bot_command"}}};
}

bool has_callback_button(const json::value& markup, std::string_view data) {
  const json::object* o = markup.if_object();
  const json::value* rows = o ? o->if_contains("inline_keyboard") : nullptr;
  if (rows == nullptr || !rows->is_array()) return false;
  for (const json::value& row : rows->as_array()) {
    if (!row.is_array()) continue;
    for (const json::value& button : row.as_array()) {
      const json::object* b = button.if_object();
      const json::value* d = b ? b->if_contains("callback_data") : nullptr;
      if (d != nullptr && d->is_string() && d->get_string() == data) return true;
    }
  }
  return false;
}

}  // namespace

struct ControlApi::Poll {
  Feed* feed = nullptr;
  std::string key;
  std::int64_t since = 0;
  std::function<bool(const json::object&)> filter;
  net::Respond respond;
  Feed::WaiterId waiter = 0;
  net::EventLoop::TimerId timer = 0;
  bool waiting = false;
};

ControlApi::ControlApi(net::EventLoop& loop, SandboxState& state, RateLimiter& limiter,
                       FaultSet& faults, Feed& calls, const core::Clock& clock,
                       core::ManualClock* manual_clock)
    : loop_(loop),
      state_(state),
      limiter_(limiter),
      faults_(faults),
      calls_(calls),
      clock_(clock),
      manual_clock_(manual_clock),
      payments_(std::make_unique<PaymentsControl>(loop, state, clock)) {}

ControlApi::~ControlApi() { stop(); }

void ControlApi::stop() {
  *alive_ = false;
  payments_->stop();
  auto polls = std::exchange(polls_, {});
  for (const auto& poll : polls) {
    if (poll->waiting) poll->feed->cancel(poll->waiter);
    loop_.cancel(poll->timer);
    poll->respond(ok_response(json::array{}));
  }
}

void ControlApi::handle(const net::HttpRequest& request, net::Respond respond) {
  const std::string_view route = std::string_view(request.path).substr(9);  // after "/control/"
  const std::string& method = request.method;
  json::object body;
  if (method == "POST" && !request.body.empty()) {
    json::error_code ec;
    json::value parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) {
      respond(error_response(invalid("can't parse JSON object")));
      return;
    }
    body = std::move(parsed.as_object());
  }
  const json::object query = query_object(request.query);

  if (method == "GET" && (route == "calls" || route == "events")) {
    long_poll(query, route == "events", std::move(respond));
    return;
  }
  if (route.starts_with("payments") && payments_->handle(route, method, body, query, respond)) {
    return;
  }
  Result result = ApiError{404, "Not Found"};
  if (method == "GET" && route == "health") {
    result = json::value(true);
  } else if (route == "bots") {
    if (method == "POST") result = register_bot(body);
    if (method == "GET") result = list_bots();
  } else if (method == "POST" && route == "updates/message") {
    result = user_message(body);
  } else if (method == "POST" && route == "updates/callback") {
    result = user_callback(body);
  } else if (method == "POST" && route == "updates/raw") {
    result = raw_update(body);
  } else if (method == "POST" && route == "users/block") {
    result = block_user(body);
  } else if (method == "POST" && route == "users") {
    result = body.contains("users") ? add_named_users(body) : add_users(body);
  } else if (method == "GET" && route == "users") {
    result = list_users(query);
  } else if (method == "POST" && route == "chats/clear") {
    result = clear_chat(body);
  } else if (method == "GET" && route == "stats") {
    result = stats(query);
  } else if (method == "GET" && route == "chats/messages") {
    result = chat_messages(query);
  } else if (method == "GET" && route == "chats/topics") {
    result = chat_topics(query);
  } else if (route == "faults") {
    if (method == "POST") result = add_fault(body);
    if (method == "DELETE") {
      faults_.clear();
      result = json::value(true);
    }
  } else if (route == "limits") {
    if (method == "POST") result = set_limits(body);
    if (method == "GET") result = set_limits({});
  } else if (method == "POST" && route == "clock/advance") {
    result = advance_clock(body);
  }
  if (auto* error = std::get_if<ApiError>(&result)) {
    respond(error_response(*error));
  } else {
    respond(ok_response(std::get<json::value>(result)));
  }
}

ControlApi::Result ControlApi::register_bot(const json::object& body) {
  const std::string token = get_string(body, "token");
  if (!SandboxState::valid_token(token)) {
    return invalid("token must look like <digits>:<letters, digits, _ or ->");
  }
  Bot& bot = state_.add_bot(token, get_string(body, "username"), get_string(body, "first_name"));
  return json::value(bot.me_json());
}

ControlApi::Result ControlApi::list_bots() {
  json::array out;
  for (const auto& [token, bot] : state_.bots()) {
    json::object me = bot->me_json();
    me["token"] = token;
    me["commands"] = bot->menu_commands();
    out.push_back(std::move(me));
  }
  return json::value(std::move(out));
}

ControlApi::Result ControlApi::user_message(const json::object& body) {
  Bot* bot = state_.find_bot(get_string(body, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const auto user_id = get_int(body, "user_id");
  if (!user_id || *user_id <= 0) return invalid("user_id must be a positive integer");
  const std::int64_t chat_id = get_int(body, "chat_id").value_or(*user_id);
  if (chat_id == 0 || (chat_id > 0 && chat_id != *user_id)) {
    return invalid("chat_id must be the user_id (a private chat) or negative (a group)");
  }
  User& user = bot->ensure_user(*user_id);
  if (auto name = get_string(body, "first_name"); !name.empty()) user.first_name = name;
  if (auto name = get_string(body, "last_name"); !name.empty()) user.last_name = name;
  if (auto name = get_string(body, "username"); !name.empty()) user.username = name;
  if (auto lang = get_string(body, "language_code"); !lang.empty()) user.language_code = lang;

  Message message;
  message.from_user_id = user.id;
  message.text = get_string(body, "text");
  auto media = attach_user_media(*bot, body, message);
  if (auto* error = std::get_if<ApiError>(&media)) return *error;
  const std::optional<std::string> file_id = std::get<std::optional<std::string>>(media);
  if (file_id) {
    // A photo, document or voice message: what the user typed with it is its caption.
    message.caption = get_string(body, "caption");
    if (message.caption.empty()) message.caption = message.text;
    message.text.clear();
    if (utf16_length(message.caption) > 1024) {
      return invalid("caption is longer than 1024 characters");
    }
  } else if (!message.text.empty()) {
    if (utf16_length(message.text) > 4096) return invalid("text is longer than 4096 characters");
    message.entities = command_entities(message.text);
  } else if (const json::value* c = body.if_contains("contact"); c && c->is_object()) {
    const std::string phone = get_string(c->as_object(), "phone_number");
    if (phone.empty()) return invalid("contact.phone_number is required");
    std::string first_name = get_string(c->as_object(), "first_name");
    message.content["contact"] =
        json::object{{"phone_number", phone},
                     {"first_name", first_name.empty() ? user.first_name : first_name},
                     {"user_id", get_int(c->as_object(), "user_id").value_or(user.id)}};
  } else {
    return invalid("text, contact, photo, document or voice is required");
  }
  Chat& chat = bot->ensure_chat(chat_id);
  if (chat.group) chat.members.insert(user.id);
  if (auto reply_to = get_int(body, "reply_to_message_id")) {
    if (const Message* original = bot->find_message(chat_id, *reply_to)) {
      message.content["reply_to_message"] = bot->message_json(*original);
    }
  }
  const json::value* forum = body.if_contains("is_forum");
  if (auto error = place_user_message(*bot, chat, forum && forum->is_bool() && forum->get_bool(),
                                      get_int(body, "message_thread_id"), message)) {
    return *error;
  }
  const Message& stored = bot->add_message(chat, std::move(message));
  const std::int64_t message_id = stored.message_id;
  auto update_id = bot->enqueue("message", json::object{{"message", bot->message_json(stored)}});
  json::object result{{"message_id", message_id}};
  result["update_id"] = update_id ? json::value(*update_id) : json::value(nullptr);
  if (file_id) result["file_id"] = *file_id;
  return json::value(std::move(result));
}

ControlApi::Result ControlApi::user_callback(const json::object& body) {
  Bot* bot = state_.find_bot(get_string(body, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const auto user_id = get_int(body, "user_id");
  if (!user_id || *user_id <= 0) return invalid("user_id must be a positive integer");
  const std::int64_t chat_id = get_int(body, "chat_id").value_or(*user_id);
  const auto message_id = get_int(body, "message_id");
  if (!message_id) return invalid("message_id is required");
  const Message* message = bot->find_message(chat_id, *message_id);
  if (message == nullptr) return invalid("message not found");
  const std::string data = get_string(body, "data");
  if (!message->from_bot || !has_callback_button(message->reply_markup, data)) {
    return invalid("the message has no inline button with this callback_data");
  }
  User& user = bot->ensure_user(*user_id);
  if (Chat* chat = bot->find_chat(chat_id); chat && chat->group) chat->members.insert(user.id);
  CallbackQuery& query = bot->add_callback_query(user.id, chat_id, *message_id, data);
  const std::string query_id = query.id;
  json::object callback{{"id", query_id},
                        {"from", bot->user_json(user)},
                        {"message", bot->message_json(*message)},
                        {"chat_instance", std::to_string(chat_id ^ bot->id())},
                        {"data", data}};
  auto update_id = bot->enqueue("callback_query", json::object{{"callback_query", callback}});
  json::object result{{"callback_query_id", query_id}};
  result["update_id"] = update_id ? json::value(*update_id) : json::value(nullptr);
  return json::value(std::move(result));
}

ControlApi::Result ControlApi::raw_update(const json::object& body) {
  Bot* bot = state_.find_bot(get_string(body, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const json::value* update = body.if_contains("update");
  if (update == nullptr || !update->is_object()) return invalid("update must be a JSON object");
  const auto update_id = bot->enqueue("raw", update->as_object(), /*bypass_filter=*/true);
  return json::value(json::object{{"update_id", *update_id}});
}

ControlApi::Result ControlApi::block_user(const json::object& body) {
  Bot* bot = state_.find_bot(get_string(body, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const auto user_id = get_int(body, "user_id");
  if (!user_id || *user_id <= 0) return invalid("user_id must be a positive integer");
  const json::value* blocked = body.if_contains("blocked");
  bot->ensure_user(*user_id).blocked =
      blocked == nullptr || !blocked->is_bool() || blocked->get_bool();
  return json::value(true);
}

ControlApi::Result ControlApi::add_users(const json::object& body) {
  Bot* bot = state_.find_bot(get_string(body, "token"));
  if (bot == nullptr) return invalid("unknown token");
  // Either an explicit list or a range, so a benchmark can register 20,000 users in one call.
  std::vector<std::int64_t> ids;
  if (const json::value* list = body.if_contains("user_ids")) {
    if (!list->is_array() || list->as_array().size() > kMaxUsersPerCall) {
      return invalid("user_ids must be an array of at most 1000000 user ids");
    }
    for (const json::value& v : list->as_array()) {
      if (!v.is_int64() || v.get_int64() <= 0) {
        return invalid("user_ids must hold positive integers");
      }
      ids.push_back(v.get_int64());
    }
  } else {
    const auto first = get_int(body, "first_id");
    const auto count = get_int(body, "count");
    if (!first || *first <= 0 || !count || *count < 0 || *count > kMaxUsersPerCall ||
        *first > INT64_MAX - *count) {
      return invalid("user_ids, or first_id (positive) and count (0..1000000), are required");
    }
    for (std::int64_t i = 0; i < *count; ++i) ids.push_back(*first + i);
  }
  // A user who started the bot earlier: the user and the private chat exist; no update is queued
  // and the chat has no messages.
  for (const std::int64_t id : ids) {
    bot->ensure_user(id);
    bot->ensure_chat(id);
  }
  return json::value(json::object{{"created", static_cast<std::int64_t>(ids.size())}});
}

ControlApi::Result ControlApi::stats(const json::object& query) {
  Bot* bot = state_.find_bot(get_string(query, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const auto chat_min = query.contains("chat_min") ? get_int(query, "chat_min")
                                                   : std::optional<std::int64_t>(INT64_MIN);
  const auto chat_max = query.contains("chat_max") ? get_int(query, "chat_max")
                                                   : std::optional<std::int64_t>(INT64_MAX);
  if (!chat_min || !chat_max) return invalid("chat_min and chat_max must be integers");

  json::object calls;
  std::int64_t too_many = 0;
  for (const auto& [name, by_status] : bot->call_counts) {
    json::object counts;
    for (const auto& [status, n] : by_status) {
      counts[std::to_string(status)] = n;
      if (status == 429) too_many += n;
    }
    calls[name] = std::move(counts);
  }
  // Chats in [chat_min, chat_max]: how many there are, how many got something from the bot, and
  // when the bot's first and last messages there arrived.
  std::int64_t chats = 0, with_bot = 0, bot_messages = 0, user_messages = 0;
  std::int64_t first_us = 0, last_us = 0;
  const auto& all = bot->chats();
  for (auto it = all.lower_bound(*chat_min); it != all.end() && it->first <= *chat_max; ++it) {
    ++chats;
    const Chat::Counts& c = it->second.counts;
    user_messages += c.from_users;
    if (c.from_bot == 0) continue;
    ++with_bot;
    bot_messages += c.from_bot;
    if (first_us == 0 || c.first_bot_us < first_us) first_us = c.first_bot_us;
    last_us = std::max(last_us, c.last_bot_us);
  }
  return json::value(
      json::object{{"calls", std::move(calls)},
                   {"too_many_requests", too_many},
                   {"pending_updates", static_cast<std::int64_t>(bot->updates().size())},
                   {"chats", chats},
                   {"chats_with_bot_messages", with_bot},
                   {"bot_messages", bot_messages},
                   {"user_messages", user_messages},
                   {"first_bot_message_us", first_us},
                   {"last_bot_message_us", last_us}});
}

ControlApi::Result ControlApi::chat_messages(const json::object& query) {
  Bot* bot = state_.find_bot(get_string(query, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const auto chat_id = get_int(query, "chat_id");
  if (!chat_id) return invalid("chat_id is required");
  json::array out;
  if (const Chat* chat = bot->find_chat(*chat_id)) {
    for (const Message& m : chat->messages) out.push_back(bot->web_view(m));
  }
  return json::value(std::move(out));
}

ControlApi::Result ControlApi::chat_topics(const json::object& query) {
  Bot* bot = state_.find_bot(get_string(query, "token"));
  if (bot == nullptr) return invalid("unknown token");
  const auto chat_id = get_int(query, "chat_id");
  if (!chat_id) return invalid("chat_id is required");
  const Chat* chat = bot->find_chat(*chat_id);
  return json::value(chat ? topics_view(*chat) : json::array{});
}

ControlApi::Result ControlApi::add_fault(const json::object& body) {
  auto fault = FaultSet::parse(body);
  if (auto* error = std::get_if<std::string>(&fault)) return invalid(*error);
  faults_.add(std::get<Fault>(std::move(fault)), clock_.now());
  return json::value(true);
}

ControlApi::Result ControlApi::set_limits(const json::object& body) {
  LimitSettings settings = limiter_.settings();
  if (const json::value* enabled = body.if_contains("enabled")) {
    if (!enabled->is_bool()) return invalid("enabled must be a boolean");
    settings.enabled = enabled->get_bool();
  }
  const std::pair<std::string_view, int*> fields[] = {
      {"global_per_second", &settings.global_per_second},
      {"private_per_second", &settings.private_per_second},
      {"group_per_minute", &settings.group_per_minute}};
  for (const auto& [name, target] : fields) {
    if (!body.contains(name)) continue;
    const auto value = get_int(body, name);
    if (!value || *value < 1 || *value > 1000000) {
      return invalid(std::string(name) + " must be an integer in 1..1000000");
    }
    *target = static_cast<int>(*value);
  }
  limiter_.set_settings(settings);
  return json::value(json::object{{"enabled", settings.enabled},
                                  {"global_per_second", settings.global_per_second},
                                  {"private_per_second", settings.private_per_second},
                                  {"group_per_minute", settings.group_per_minute}});
}

ControlApi::Result ControlApi::advance_clock(const json::object& body) {
  if (manual_clock_ == nullptr) {
    return invalid("the sandbox follows the real clock; start it with --manual-clock");
  }
  const auto ms = get_int(body, "ms");
  if (!ms || *ms < 0 || *ms > 10LL * 365 * 24 * 3600 * 1000) {
    return invalid("ms must be a non-negative integer");
  }
  manual_clock_->advance(std::chrono::milliseconds(*ms));
  payments_->clock_advanced();
  return json::value(json::object{{"now_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 manual_clock_->wall().time_since_epoch())
                                                 .count()}});
}

void ControlApi::long_poll(const json::object& query, bool events, net::Respond respond) {
  const std::string token = get_string(query, "token");
  Bot* bot = state_.find_bot(token);
  if (events && bot == nullptr) {
    respond(error_response(invalid("unknown token")));
    return;
  }
  auto poll = std::make_shared<Poll>();
  poll->feed = events ? &bot->events : &calls_;
  poll->key = token;
  poll->since = std::max<std::int64_t>(0, get_int(query, "since").value_or(0));
  poll->respond = std::move(respond);
  if (events && query.contains("chat_id")) {
    const auto chat_id = get_int(query, "chat_id");
    if (!chat_id) {
      poll->respond(error_response(invalid("chat_id must be an integer")));
      return;
    }
    poll->filter = [chat = *chat_id](const json::object& e) {
      const json::value* c = e.if_contains("chat_id");
      return c != nullptr && c->is_int64() && c->get_int64() == chat;
    };
  }
  const std::int64_t wait_ms =
      std::clamp<std::int64_t>(get_int(query, "wait_ms").value_or(0), 0, kMaxWaitMs);
  auto items = poll->feed->since(poll->key, poll->since, poll->filter);
  if (events && poll->since > poll->feed->last_seq()) {
    // The page counts from an earlier sandbox (it restarted with the tab open): tell it at once
    // where this one is, so it reloads its view instead of waiting for numbers it already saw.
    items.push_back(json::object{{"kind", "reset"}, {"seq", poll->feed->last_seq()}});
  }
  if (!items.empty() || wait_ms == 0) {
    poll->respond(ok_response(std::move(items)));
    return;
  }
  polls_.insert(poll);
  poll->timer = loop_.after(std::chrono::milliseconds(wait_ms), [this, alive = alive_, poll] {
    if (*alive && polls_.contains(poll)) complete(poll, {});
  });
  poll_once(poll);
}

void ControlApi::poll_once(const std::shared_ptr<Poll>& poll) {
  auto items = poll->feed->since(poll->key, poll->since, poll->filter);
  if (!items.empty()) {
    complete(poll, std::move(items));
    return;
  }
  poll->waiting = true;
  poll->waiter = poll->feed->wait(poll->key, [this, alive = alive_, poll] {
    poll->waiting = false;
    if (*alive && polls_.contains(poll)) poll_once(poll);
  });
}

void ControlApi::complete(const std::shared_ptr<Poll>& poll, json::array items) {
  polls_.erase(poll);
  if (poll->waiting) poll->feed->cancel(poll->waiter);
  poll->waiting = false;
  loop_.cancel(poll->timer);
  poll->respond(ok_response(std::move(items)));
}

}  // namespace corebot::sandbox
