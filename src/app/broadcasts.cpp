#include "app/broadcasts.hpp"

#include <boost/json.hpp>

#include <stdexcept>
#include <unordered_set>

#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

json::object BroadcastProgress::to_json() const {
  return {{"id", id},
          {"total", total},
          {"sent", sent},
          {"failed", failed},
          {"blocked", blocked},
          {"done", done()},
          {"started_ms", started_ms},
          {"finished_ms", finished_ms}};
}

Broadcasts::Broadcasts(Sender& sender, const core::Clock& clock) : sender_(sender), clock_(clock) {}

std::string Broadcasts::start(const std::string& text, const std::vector<std::int64_t>& chat_ids) {
  if (text.empty()) throw std::invalid_argument("a mailing needs a non-empty text");
  if (text.size() > 4096)
    throw std::invalid_argument("the text is over Telegram's 4096 characters");
  std::vector<std::int64_t> recipients;
  std::unordered_set<std::int64_t> seen;
  for (auto id : chat_ids) {
    if (seen.insert(id).second) recipients.push_back(id);
  }
  if (recipients.empty()) throw std::invalid_argument("a mailing needs at least one recipient");

  auto progress = std::make_shared<BroadcastProgress>();
  progress->id = "m" + std::to_string(next_id_++);
  progress->total = recipients.size();
  progress->started_ms = core::wall_millis(clock_);
  mailings_[progress->id] = progress;
  COREBOT_LOG_INFO("mailing {}: {} recipient(s)", progress->id, recipients.size());

  for (auto chat_id : recipients) {
    sender_.call("sendMessage", {{"chat_id", chat_id}, {"text", text}}, Priority::kBulk,
                 [&clock = clock_, progress, chat_id](const CallResult& r) {
                   if (r.ok) {
                     ++progress->sent;
                   } else if (r.blocked_by_user) {
                     ++progress->blocked;
                   } else {
                     ++progress->failed;
                     COREBOT_LOG_DEBUG("mailing {}: chat {}: {} {}", progress->id, chat_id,
                                       r.error_code, r.description);
                   }
                   if (progress->done()) {
                     progress->finished_ms = core::wall_millis(clock);
                     COREBOT_LOG_INFO("mailing {} done: {} sent, {} blocked, {} failed in {} ms",
                                      progress->id, progress->sent, progress->blocked,
                                      progress->failed,
                                      progress->finished_ms - progress->started_ms);
                   }
                 });
  }
  return progress->id;
}

std::optional<BroadcastProgress> Broadcasts::progress(const std::string& id) const {
  auto it = mailings_.find(id);
  if (it == mailings_.end()) return std::nullopt;
  return *it->second;
}

}  // namespace corebot::app
