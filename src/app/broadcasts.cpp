#include "app/broadcasts.hpp"

#include <boost/json.hpp>

#include <algorithm>
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

// One running mailing: who is next, and how many messages are with the Sender.
struct Broadcasts::Run {
  std::shared_ptr<BroadcastProgress> progress;
  std::string text;
  std::vector<std::int64_t> recipients;
  std::size_t next = 0;         // index of the next recipient to hand out
  std::size_t outstanding = 0;  // handed to the Sender, not yet answered
  bool stopped = false;         // the Sender refused: the outbox is shutting down
  bool feeding = false;         // feed() is on the stack (a Sender may answer synchronously)
  bool again = false;           // an answer came while feeding: look again before returning
};

Broadcasts::Broadcasts(Sender& sender, const core::Clock& clock, std::size_t window)
    : sender_(sender), clock_(clock), window_(std::max<std::size_t>(window, 1)) {}

Broadcasts::~Broadcasts() = default;

std::string Broadcasts::start(const std::string& text, const std::vector<std::int64_t>& chat_ids) {
  if (text.empty()) throw std::invalid_argument("a mailing needs a non-empty text");
  if (text.size() > 4096)
    throw std::invalid_argument("the text is over Telegram's 4096 characters");
  auto run = std::make_shared<Run>();
  std::unordered_set<std::int64_t> seen;
  for (auto id : chat_ids) {
    if (seen.insert(id).second) run->recipients.push_back(id);
  }
  if (run->recipients.empty()) {
    throw std::invalid_argument("a mailing needs at least one recipient");
  }

  auto progress = std::make_shared<BroadcastProgress>();
  progress->id = "m" + std::to_string(next_id_++);
  progress->total = run->recipients.size();
  progress->started_ms = core::wall_millis(clock_);
  mailings_[progress->id] = progress;
  COREBOT_LOG_INFO("mailing {}: {} recipient(s)", progress->id, run->recipients.size());
  run->progress = progress;
  run->text = text;
  feed(run);
  return progress->id;
}

void Broadcasts::feed(const std::shared_ptr<Run>& run) {
  if (run->feeding) {
    run->again = true;
    return;
  }
  run->feeding = true;
  do {
    run->again = false;
    while (!run->stopped && run->outstanding < window_ && run->next < run->recipients.size()) {
      const std::int64_t chat_id = run->recipients[run->next++];
      ++run->outstanding;
      sender_.call("sendMessage", {{"chat_id", chat_id}, {"text", run->text}}, Priority::kBulk,
                   [this, alive = std::weak_ptr<char>(alive_), run, chat_id](const CallResult& r) {
                     if (!alive.expired()) on_answer(run, chat_id, r);
                   });
    }
  } while (run->again);
  run->feeding = false;
  if (run->next == run->recipients.size() || run->stopped) {
    // Everyone was handed out: the list is no longer needed while the last answers come back.
    std::vector<std::int64_t>().swap(run->recipients);
    run->next = 0;
  }
}

void Broadcasts::on_answer(const std::shared_ptr<Run>& run, std::int64_t chat_id,
                           const CallResult& r) {
  --run->outstanding;
  BroadcastProgress& progress = *run->progress;
  if (r.ok) {
    ++progress.sent;
  } else if (r.blocked_by_user) {
    ++progress.blocked;
  } else if (r.error_code < 0) {
    // The outbox refused it (shutting down): neither sent nor failed, and nothing more is handed
    // out; the rest of the list would only be refused too.
    if (!run->stopped) {
      run->stopped = true;
      COREBOT_LOG_WARN(
          "mailing {} stopped ({}): {} of {} recipient(s) not reached", progress.id, r.description,
          progress.total - progress.sent - progress.blocked - progress.failed, progress.total);
    }
    return;
  } else {
    ++progress.failed;
    COREBOT_LOG_DEBUG("mailing {}: chat {}: {} {}", progress.id, chat_id, r.error_code,
                      r.description);
  }
  if (progress.done()) {
    progress.finished_ms = core::wall_millis(clock_);
    COREBOT_LOG_INFO("mailing {} done: {} sent, {} blocked, {} failed in {} ms", progress.id,
                     progress.sent, progress.blocked, progress.failed,
                     progress.finished_ms - progress.started_ms);
    return;
  }
  feed(run);
}

std::optional<BroadcastProgress> Broadcasts::progress(const std::string& id) const {
  auto it = mailings_.find(id);
  if (it == mailings_.end()) return std::nullopt;
  return *it->second;
}

}  // namespace corebot::app
