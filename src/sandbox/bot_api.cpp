#include "sandbox/bot_api.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

#include "sandbox/params.hpp"
#include "sandbox/validator.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

constexpr std::string_view kWebhookConflict =
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first";
constexpr std::string_view kTerminated =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running";

std::int64_t wall_us(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.wall().time_since_epoch())
      .count();
}

bool returns_boolean(const telegram::spec::Method& method) {
  return method.returns.size() == 1 && method.returns.front() == "Boolean";
}

std::vector<std::string> string_list(const json::value& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const json::value& item : v.as_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

// The numeric chat_id a call names (a JSON number or a form's string), for chat-limited faults.
std::optional<std::int64_t> chat_of(const RawParams& raw) {
  const json::value* v = raw.values.if_contains("chat_id");
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (!v->is_string()) return std::nullopt;
  const std::string_view text = v->get_string();
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return id;
}

}  // namespace

struct BotApi::Pending {
  std::string token;
  std::string method;
  Bot* bot = nullptr;
  const telegram::spec::Method* spec = nullptr;
  RawParams raw;
  json::object params;       // validated
  std::int64_t time_us = 0;  // arrival, wall clock
  net::Respond respond;
  bool done = false;
};

BotApi::BotApi(net::EventLoop& loop, SandboxState& state, RateLimiter& limiter, FaultSet& faults,
               Feed& calls, const core::Clock& clock, BotApiOptions options)
    : loop_(loop),
      state_(state),
      limiter_(limiter),
      faults_(faults),
      calls_(calls),
      clock_(clock),
      options_(options) {}

BotApi::~BotApi() { stop(); }

void BotApi::stop() {
  *alive_ = false;
  for (auto& [key, timer] : delays_) loop_.cancel(timer);
  delays_.clear();
  auto polls = std::exchange(polls_, {});
  for (auto& [bot, poll] : polls) {
    loop_.cancel(poll.timer);
    finish(*poll.call, json::value(json::array{}));
  }
}

void BotApi::handle(const net::HttpRequest& request, net::Respond respond) {
  auto call = std::make_shared<Pending>();
  call->time_us = wall_us(clock_);
  call->respond = std::move(respond);

  std::string_view rest = request.path;
  rest.remove_prefix(std::min<std::size_t>(4, rest.size()));  // "/bot"
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    call->respond(error_response(ApiError{404, "Not Found"}));
    return;
  }
  call->token = std::string(rest.substr(0, slash));
  call->method = std::string(rest.substr(slash + 1));
  auto params = read_params(request);
  if (auto* raw = std::get_if<RawParams>(&params)) call->raw = std::move(*raw);

  if (!SandboxState::valid_token(call->token) ||
      (call->bot = state_.find_bot(call->token)) == nullptr) {
    finish(*call, ApiError{401, "Unauthorized"});
    return;
  }
  call->spec = call->method.find('/') == std::string::npos ? find_method(call->method) : nullptr;
  if (call->spec == nullptr) {
    finish(*call, ApiError{404, "Not Found"});
    return;
  }
  call->method = std::string(call->spec->name);
  if (auto* error = std::get_if<ApiError>(&params)) {
    finish(*call, *error);
    return;
  }
  const FaultPlan plan = faults_.take(call->method, chat_of(call->raw), clock_.now());
  run(std::move(call), plan);
}

void BotApi::run(std::shared_ptr<Pending> call, const FaultPlan& plan) {
  if (plan.latency_ms > 0) {
    const std::uint64_t key = next_delay_++;
    FaultPlan rest{0, plan.outcome};
    delays_[key] = loop_.after(std::chrono::milliseconds(plan.latency_ms),
                               [this, alive = alive_, key, call, rest] {
                                 if (!*alive) return;
                                 delays_.erase(key);
                                 run(call, rest);
                               });
    return;
  }
  if (!plan.outcome) {
    execute(std::move(call));
    return;
  }
  const Fault& fault = *plan.outcome;
  switch (fault.kind) {
    case FaultKind::kStatus: {
      const std::string reason(status_reason(fault.status));
      finish(*call, ApiError{fault.status, reason});
      return;
    }
    case FaultKind::kTooManyRequests:
      finish(*call, too_many_requests(fault.retry_after));
      return;
    case FaultKind::kDrop: {
      net::HttpResponse response;
      response.drop_connection = true;
      finish_raw(*call, std::move(response), false, 0, "connection dropped (fault)");
      return;
    }
    case FaultKind::kMalformed: {
      net::HttpResponse response;
      response.status = 200;
      response.body = R"({"ok":true,"result":{"message_id":)";
      finish_raw(*call, std::move(response), false, 0, "malformed body (fault)");
      return;
    }
    case FaultKind::kLatency:
      execute(std::move(call));
      return;
  }
}

void BotApi::execute(std::shared_ptr<Pending> call) {
  auto validated = validate_params(*call->spec, call->raw);
  if (auto* error = std::get_if<ApiError>(&validated)) {
    finish(*call, *error);
    return;
  }
  call->params = std::move(std::get<json::object>(validated));
  const std::string& name = call->method;
  if (name == "getUpdates") {
    get_updates(std::move(call));
  } else if (name == "setWebhook") {
    finish(*call, set_webhook(*call));
  } else if (name == "deleteWebhook") {
    finish(*call, delete_webhook(*call));
  } else if (name == "getWebhookInfo") {
    finish(*call, get_webhook_info(*call));
  } else if (MethodFn fn = find_method_fn(name)) {
    Call context{*call->bot, call->params, call->raw, limiter_, clock_, options_.methods};
    finish(*call, fn(context));
  } else if (returns_boolean(*call->spec)) {
    finish(*call, json::value(true));
  } else {
    finish(*call, bad_request("method is not supported by the sandbox"));
  }
}

void BotApi::finish(Pending& call, const MethodResult& result) {
  if (const auto* error = std::get_if<ApiError>(&result)) {
    finish_raw(call, error_response(*error), false, error->code, error->description);
  } else {
    finish_raw(call, ok_response(std::get<json::value>(result)), true, 0, "");
  }
}

void BotApi::finish_raw(Pending& call, net::HttpResponse response, bool ok, int error_code,
                        const std::string& description) {
  if (call.done) return;
  call.done = true;
  // The call is answered: its parameters are read for the last time, by the log.
  calls_.add(call.token,
             json::object{{"method", call.method},
                          {"params", params_for_log(std::move(call.raw))},
                          {"http_status", response.drop_connection ? 0 : response.status},
                          {"ok", ok},
                          {"error_code", error_code},
                          {"description", description},
                          {"time_ms", call.time_us / 1000},
                          {"time_us", call.time_us}});
  if (call.bot != nullptr) {
    ++call.bot->call_counts[call.method][response.drop_connection ? 0 : response.status];
  }
  call.respond(std::move(response));
}

void BotApi::get_updates(std::shared_ptr<Pending> call) {
  Bot& bot = *call->bot;
  if (bot.webhook) {
    finish(*call, ApiError{409, std::string(kWebhookConflict)});
    return;
  }
  const std::int64_t offset = int_param(call->params, "offset").value_or(0);
  // Telegram takes 1..100; anything else means the default, 100.
  const std::int64_t asked = int_param(call->params, "limit").value_or(100);
  const std::size_t limit = asked >= 1 && asked <= 100 ? static_cast<std::size_t>(asked) : 100;
  const auto timeout = std::clamp<std::int64_t>(int_param(call->params, "timeout").value_or(0), 0,
                                                options_.max_poll_timeout_s);
  if (const json::value* allowed = call->params.if_contains("allowed_updates")) {
    bot.set_allowed_updates(string_list(*allowed));
  }
  if (polls_.contains(&bot)) release_poll(bot, /*terminated=*/true);

  auto updates = bot.confirm_and_peek(offset, limit);
  if (!updates.empty() || timeout == 0) {
    finish_updates(*call, updates);
    return;
  }
  HeldPoll& held = polls_[&bot];
  held.call = call;
  held.limit = limit;
  held.timer = loop_.after(std::chrono::seconds(timeout), [this, alive = alive_, &bot, call] {
    if (!*alive) return;
    auto it = polls_.find(&bot);
    if (it != polls_.end() && it->second.call == call) release_poll(bot, false);
  });
}

void BotApi::updates_arrived(Bot& bot) {
  if (polls_.contains(&bot)) release_poll(bot, false);
}

void BotApi::release_poll(Bot& bot, bool terminated) {
  auto it = polls_.find(&bot);
  if (it == polls_.end()) return;
  HeldPoll held = std::move(it->second);
  polls_.erase(it);
  loop_.cancel(held.timer);
  if (terminated) {
    finish(*held.call, ApiError{409, std::string(kTerminated)});
    return;
  }
  if (bot.webhook) {
    finish(*held.call, ApiError{409, std::string(kWebhookConflict)});
    return;
  }
  finish_updates(*held.call, bot.confirm_and_peek(0, held.limit));
}

void BotApi::finish_updates(Pending& call, const std::vector<const Update*>& updates) {
  // Serialized straight from the queue: a json::array of them would copy every update first.
  std::string result = "[";
  for (const Update* u : updates) {
    if (result.size() > 1) result.push_back(',');
    result += u->text();
  }
  result.push_back(']');
  finish_raw(call, ok_response_text(result), true, 0, "");
}

MethodResult BotApi::set_webhook(Pending& call) {
  Bot& bot = *call.bot;
  const std::string url = string_param(call.params, "url");
  if (url.empty()) return delete_webhook(call);
  // Telegram demands HTTPS; the sandbox also takes plain HTTP so local receivers can be used.
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return bad_request("bad webhook: An HTTPS URL must be provided for webhook");
  }
  const std::string secret = string_param(call.params, "secret_token");
  if (secret.size() > 256) return bad_request("secret token is too long");
  if (!std::all_of(secret.begin(), secret.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; })) {
    return bad_request("secret token contains unallowed characters");
  }
  WebhookConfig config;
  config.url = url;
  config.secret_token = secret;
  config.max_connections = static_cast<int>(
      std::clamp<std::int64_t>(int_param(call.params, "max_connections").value_or(40), 1, 100));
  if (const json::value* allowed = call.params.if_contains("allowed_updates")) {
    bot.set_allowed_updates(string_list(*allowed));
  }
  if (bool_param(call.params, "drop_pending_updates")) bot.updates().clear();
  bot.webhook = std::move(config);
  ++bot.webhook_generation;
  if (polls_.contains(&bot)) release_poll(bot, false);  // answers 409: the webhook is active now
  if (on_webhook_changed) on_webhook_changed(bot);
  return json::value(true);
}

MethodResult BotApi::delete_webhook(Pending& call) {
  Bot& bot = *call.bot;
  if (bool_param(call.params, "drop_pending_updates")) bot.updates().clear();
  bot.webhook.reset();
  ++bot.webhook_generation;
  if (on_webhook_changed) on_webhook_changed(bot);
  return json::value(true);
}

MethodResult BotApi::get_webhook_info(Pending& call) {
  Bot& bot = *call.bot;
  json::object info{{"url", bot.webhook ? bot.webhook->url : std::string()},
                    {"has_custom_certificate", false},
                    {"pending_update_count", static_cast<std::uint64_t>(bot.updates().size())}};
  if (bot.webhook) {
    info["max_connections"] = bot.webhook->max_connections;
    if (bot.webhook->last_error_date != 0) {
      info["last_error_date"] = bot.webhook->last_error_date;
      info["last_error_message"] = bot.webhook->last_error_message;
    }
    if (!bot.allowed_updates().empty()) {
      json::array allowed;
      for (const auto& kind : bot.allowed_updates()) allowed.emplace_back(kind);
      info["allowed_updates"] = std::move(allowed);
    }
  }
  return json::value(std::move(info));
}

}  // namespace corebot::sandbox
