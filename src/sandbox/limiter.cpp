#include "sandbox/limiter.hpp"

#include <algorithm>
#include <chrono>

namespace corebot::sandbox {
namespace {

constexpr core::Duration kSecond = std::chrono::seconds(1);
constexpr core::Duration kMinute = std::chrono::minutes(1);
constexpr std::uint64_t kPruneEvery = 1024;

int to_retry_seconds(core::Duration wait) {
  // Round up: "retry after 1" must really succeed after one second.
  auto s = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return static_cast<int>(std::max<decltype(s)>(s, 1));
}

}  // namespace

RateLimiter::RateLimiter(const core::Clock& clock, LimitSettings settings)
    : clock_(clock), settings_(settings) {}

core::Duration RateLimiter::wait_for(Window& window, core::TimePoint now, core::Duration span,
                                     int limit) {
  while (!window.empty() && window.front() + span <= now) window.pop_front();
  if (limit <= 0) return span;  // a zero budget never frees up; ask for a full window
  if (window.size() < static_cast<std::size_t>(limit)) return core::Duration::zero();
  // The oldest entry that must expire before a slot frees up.
  return window[window.size() - static_cast<std::size_t>(limit)] + span - now;
}

LimitDecision RateLimiter::acquire(std::int64_t chat_id) {
  if (!settings_.enabled) return {};
  const auto now = clock_.now();
  if (++calls_since_prune_ >= kPruneEvery) prune(now);

  const bool group = chat_id < 0;
  const auto chat_span = group ? kMinute : kSecond;
  const int chat_limit = group ? settings_.group_per_minute : settings_.private_per_second;
  Window& chat = chats_[chat_id];

  const auto wait = std::max(wait_for(global_, now, kSecond, settings_.global_per_second),
                             wait_for(chat, now, chat_span, chat_limit));
  if (wait > core::Duration::zero()) return {false, to_retry_seconds(wait)};
  global_.push_back(now);
  chat.push_back(now);
  return {};
}

void RateLimiter::prune(core::TimePoint now) {
  calls_since_prune_ = 0;
  std::erase_if(chats_, [now](const auto& entry) {
    return entry.second.empty() || entry.second.back() + kMinute <= now;
  });
}

void RateLimiter::reset() {
  global_.clear();
  chats_.clear();
}

}  // namespace corebot::sandbox
