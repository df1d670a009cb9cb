#include "outbox/job.hpp"

#include <array>
#include <charconv>
#include <functional>
#include <string>

namespace corebot::outbox {

std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::kInteractive:
      return "interactive";
    case Priority::kAdmin:
      return "admin";
    case Priority::kNotification:
      return "notification";
    case Priority::kBulk:
      return "bulk";
  }
  return "unknown";
}

CallKind classify_method(std::string_view method) {
  if (method == "sendChatAction") return CallKind::kUnlimited;
  if (method.starts_with("send") || method.starts_with("copyMessage") ||
      method.starts_with("forwardMessage")) {
    return CallKind::kSend;
  }
  if (method.starts_with("edit") || method == "stopPoll" || method == "stopMessageLiveLocation" ||
      method.starts_with("deleteMessage")) {
    return CallKind::kEdit;
  }
  return CallKind::kUnlimited;
}

bool accepts_paid_broadcast(std::string_view method) {
  // From the Bot API spec (fields named allow_paid_broadcast).
  static constexpr std::array<std::string_view, 21> kMethods = {
      "sendMessage",   "copyMessage",    "sendPhoto",     "sendLivePhoto",   "sendAudio",
      "sendDocument",  "sendVideo",      "sendAnimation", "sendVoice",       "sendVideoNote",
      "sendPaidMedia", "sendMediaGroup", "sendLocation",  "sendVenue",       "sendContact",
      "sendPoll",      "sendDice",       "sendSticker",   "sendRichMessage", "sendInvoice",
      "sendGame"};
  for (auto m : kMethods) {
    if (m == method) return true;
  }
  return false;
}

std::optional<std::int64_t> chat_key_of(const boost::json::object& params) {
  const auto* v = params.if_contains("chat_id");
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->get_string();
  if (s.empty()) return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec == std::errc{} && end == s.data() + s.size()) return id;
  // "@channel": Telegram ids fit in 52 bits, so keys below -2^62 cannot collide with them.
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 61) - 1;
  auto h = static_cast<std::uint64_t>(std::hash<std::string_view>{}(s)) & kMask;
  return -(std::int64_t{1} << 62) - static_cast<std::int64_t>(h);
}

bool is_blocked_by_user(const telegram::ApiError& error) {
  return error.error_code == 403 &&
         error.description.find("blocked by the user") != std::string::npos;
}

telegram::ApiResult outbox_error(std::string_view description) {
  telegram::ApiResult r;
  r.ok = false;
  r.error.error_code = kOutboxErrorCode;
  r.error.description = std::string(description);
  return r;
}

}  // namespace corebot::outbox
