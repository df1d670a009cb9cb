// One queued Bot API call as the scheduler sees it, and the rules that classify calls.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "outbox/options.hpp"
#include "telegram/api_call.hpp"

namespace corebot::outbox {

using JobId = std::uint64_t;

// How Telegram rate-limits a method.
enum class CallKind {
  kUnlimited,  // no send budget: getUpdates, answerCallbackQuery, getChat, sendChatAction, ...
  kSend,       // a new message: send*, copyMessage(s), forwardMessage(s)
  kEdit,       // changes an existing message: edit*, stopPoll, deleteMessage(s), ...
};

[[nodiscard]] CallKind classify_method(std::string_view method);
// True for the methods whose spec has `allow_paid_broadcast`.
[[nodiscard]] bool accepts_paid_broadcast(std::string_view method);
// The chat a call goes to, from params["chat_id"]: a number, a numeric string, or "@username"
// (mapped to a stable negative key far outside Telegram's id range, so it is limited like a
// channel). nullopt when the call names no chat.
[[nodiscard]] std::optional<std::int64_t> chat_key_of(const boost::json::object& params);
// 403 "Forbidden: bot was blocked by the user".
[[nodiscard]] bool is_blocked_by_user(const telegram::ApiError& error);

// Error code of failures the outbox reports itself (never sent by Telegram; not retryable).
inline constexpr int kOutboxErrorCode = corebot::kNotSent;
inline constexpr std::string_view kDeadlineExceeded = "deadline exceeded";
inline constexpr std::string_view kOutboxDraining = "outbox draining: bulk calls not accepted";
inline constexpr std::string_view kOutboxClosed = "outbox closed";
inline constexpr std::string_view kChatQueueFull = "too many calls queued for this chat";
inline constexpr std::string_view kMaybeDelivered =
    "no answer after the request left: it may have been delivered, so this mailing message is "
    "not sent again";
inline constexpr std::string_view kOutboxFull = "outbox full: too many calls queued";
[[nodiscard]] telegram::ApiResult outbox_error(std::string_view description);

struct Job {
  JobId id = 0;  // assigned by Scheduler::enqueue
  Priority priority = Priority::kInteractive;
  std::optional<std::int64_t> chat_id;  // derived from request.params when absent
  std::optional<core::TimePoint> deadline;
  telegram::ApiRequest request;

  // Bookkeeping, owned by the scheduler.
  CallKind kind = CallKind::kUnlimited;
  int attempts = 0;      // attempts started
  int rate_limited = 0;  // 429s received
  core::TimePoint not_before{};
  core::TimePoint started_at{};
  bool in_flight = false;
};

}  // namespace corebot::outbox
