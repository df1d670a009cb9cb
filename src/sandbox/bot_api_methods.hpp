// The Bot API methods the sandbox gives behaviour to, as synchronous functions over the model.
// Internal to the sandbox: bot_api.cpp validates parameters first, then calls these.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/clock.hpp"
#include "sandbox/api_error.hpp"
#include "sandbox/limiter.hpp"
#include "sandbox/params.hpp"
#include "sandbox/state.hpp"

namespace corebot::sandbox {

struct MethodOptions {
  // How long a callback query can be answered (Telegram: a few seconds).
  std::chrono::milliseconds callback_answer_window{15000};
};

// One call: the bot, its validated parameters (see validator.hpp) and the shared services.
struct Call {
  Bot& bot;
  const boost::json::object& params;
  const RawParams& raw;
  RateLimiter& limiter;
  const core::Clock& clock;
  const MethodOptions& options;
};

using MethodResult = std::variant<boost::json::value, ApiError>;
using MethodFn = MethodResult (*)(Call&);

// The function for a method (spec spelling), or nullptr when the sandbox gives it no behaviour.
// getUpdates and the webhook methods are handled by BotApi itself.
[[nodiscard]] MethodFn find_method_fn(std::string_view name);

// The payment methods (bot_api_payments.cpp), or nullptr for any other name.
[[nodiscard]] MethodFn find_payment_method_fn(std::string_view name);

// "Too Many Requests: retry after N" with retry_after N.
[[nodiscard]] ApiError too_many_requests(int retry_after);

// Parameter access for validated parameters.
[[nodiscard]] std::optional<std::int64_t> int_param(const boost::json::object& p,
                                                    std::string_view name);
[[nodiscard]] std::string string_param(const boost::json::object& p, std::string_view name);
[[nodiscard]] bool bool_param(const boost::json::object& p, std::string_view name);

// Message methods (bot_api_messages.cpp).
MethodResult send_message(Call& call);
MethodResult send_photo(Call& call);
MethodResult send_document(Call& call);
MethodResult copy_message(Call& call);
MethodResult copy_messages(Call& call);
MethodResult forward_message(Call& call);
MethodResult edit_message_text(Call& call);
MethodResult edit_message_caption(Call& call);
MethodResult edit_message_reply_markup(Call& call);
MethodResult delete_message(Call& call);

// The chat being addressed by `field`: 400 "chat not found" when unknown; when `sending`, 403 for
// a private chat whose user blocked the bot.
[[nodiscard]] std::variant<Chat*, ApiError> target_chat(Call& call, std::string_view field,
                                                        bool sending);
// Telegram's checks of a reply_markup value; nullopt when it is acceptable.
[[nodiscard]] std::optional<ApiError> check_reply_markup(const boost::json::value& markup);

}  // namespace corebot::sandbox
