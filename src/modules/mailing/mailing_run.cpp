#include "modules/mailing/mailing_run.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_set>

namespace corebot::modules::mailing {
namespace json = boost::json;

namespace {

std::int64_t wall_ms(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall().time_since_epoch())
      .count();
}

bool chat_not_found(const CallResult& r) {
  return r.error_code == 400 && r.description.find("chat not found") != std::string::npos;
}

}  // namespace

Run::Run(ModuleServices& services, RunOptions options, Mailing mailing)
    : services_(services), options_(options), mailing_(std::move(mailing)) {
  options_.window = std::max<std::size_t>(options_.window, 1);
  options_.batch = std::max<std::size_t>(options_.batch, 1);
  next_ = mailing_.cursor;
  rate_since_ = services_.clock().now();
  rate_base_ = mailing_.counts.done();
}

void Run::start() { pump(); }

double Run::rate() const {
  const auto elapsed = std::chrono::duration<double>(services_.clock().now() - rate_since_).count();
  if (elapsed < 1.0) return 0.0;
  return static_cast<double>(mailing_.counts.done() - rate_base_) / elapsed;
}

void Run::pause() {
  if (mailing_.status != Status::kRunning) return;
  mailing_.status = Status::kPaused;
  fields_dirty_ = true;
  flush();
}

void Run::resume() {
  if (mailing_.status != Status::kPaused) return;
  mailing_.status = Status::kRunning;
  rate_since_ = services_.clock().now();
  rate_base_ = mailing_.counts.done();
  fields_dirty_ = true;
  flush();
  pump();
}

void Run::cancel() {
  if (is_final(mailing_.status)) return;
  mailing_.status = Status::kCancelled;
  buffer_.clear();
  fields_dirty_ = true;
  flush();
  check_finished();
}

void Run::halt() {
  halted_ = true;
  fields_dirty_ = true;
  flush();
}

void Run::pump() {
  while (mailing_.status == Status::kRunning && !halted_ && window_.size() < options_.window) {
    if (buffer_.empty()) {
      if (!loading_ && next_ < mailing_.total) load();
      break;
    }
    const auto [index, chat] = buffer_.front();
    buffer_.pop_front();
    window_.insert(index);
    send(index, chat, chat);
  }
  check_finished();
}

void Run::load() {
  loading_ = true;
  const std::int64_t from = next_;
  const std::int64_t to =
      std::min<std::int64_t>(from + static_cast<std::int64_t>(options_.batch), mailing_.total);
  next_ = to;
  std::weak_ptr<Run> weak = weak_from_this();
  services_.store().run(
      [id = mailing_.id, from, to](ModuleCollections& c) {
        return store::pending(c, id, from, to);
      },
      [weak, from](StoreResult<std::vector<std::pair<std::int64_t, std::int64_t>>> r) {
        auto self = weak.lock();
        if (!self) return;
        self->loading_ = false;
        if (!r) {
          // Read again later from the same place; nothing was handed out.
          self->services_.log(LogLevel::kWarn,
                              "mailing " + self->mailing_.id +
                                  ": cannot read recipients, retrying: " + r.error().what());
          self->next_ = from;
          self->loading_ = true;
          self->services_.timers().after(std::chrono::seconds(1), [weak] {
            if (auto s = weak.lock()) {
              s->loading_ = false;
              s->pump();
            }
          });
          return;
        }
        for (const auto& entry : r.value()) self->buffer_.push_back(entry);
        self->pump();
      });
}

void Run::send(std::int64_t index, std::int64_t chat, std::int64_t target) {
  json::object params = mailing_.content.params(target);
  // copyMessages has no paid lane in the Bot API spec.
  if (mailing_.paid && mailing_.content.method() != "copyMessages") {
    params["allow_paid_broadcast"] = true;
  }
  std::weak_ptr<Run> weak = weak_from_this();
  services_.sender().call(ApiCall{mailing_.content.method(), std::move(params), {}},
                          Priority::kBulk, [weak, index, chat, target](const CallResult& r) {
                            if (auto self = weak.lock()) self->answered(index, chat, target, r);
                          });
}

void Run::answered(std::int64_t index, std::int64_t chat, std::int64_t target,
                   const CallResult& r) {
  store::Outcome outcome{index, std::string(kSent), "", target != chat ? target : 0};
  if (r.ok) {
    ++mailing_.counts.sent;
  } else if (r.migrate_to_chat_id && target == chat) {
    // The group became a supergroup: the same recipient, at its new id (still in the window).
    send(index, chat, *r.migrate_to_chat_id);
    return;
  } else if (r.error_code == kNotSent) {
    // The outbox refused it (the engine is stopping): still pending, sent after the restart.
    window_.erase(index);
    unsent_min_ = std::min(unsent_min_.value_or(index), index);
    if (!halted_) {
      services_.log(LogLevel::kInfo, "mailing " + mailing_.id + " paused by the engine (" +
                                         r.description + "); it resumes after the restart");
    }
    halted_ = true;
    fields_dirty_ = true;
    schedule_flush();
    return;
  } else if (r.blocked_by_user) {
    outcome.state = kBlocked;
    ++mailing_.counts.blocked;
  } else if (chat_not_found(r)) {
    outcome.state = kGone;
    ++mailing_.counts.blocked;
    services_.users().mark_unreachable(chat, r.description);
  } else {
    outcome.state = kFailed;
    outcome.error = std::to_string(r.error_code) + " " + r.description;
    ++mailing_.counts.failed;
  }
  outcomes_.push_back(std::move(outcome));
  schedule_flush();
}

void Run::schedule_flush() {
  if (outcomes_.size() >= std::max<std::size_t>(options_.window / 4, 1)) return flush();
  if (flush_timer_) return;
  std::weak_ptr<Run> weak = weak_from_this();
  flush_timer_ = services_.timers().after(options_.flush_every, [weak] {
    if (auto self = weak.lock()) {
      self->flush_timer_.reset();
      self->flush();
    }
  });
}

json::object Run::fields(const std::vector<store::Outcome>& batch) const {
  // The cursor: every index below it has a stored outcome once this batch is written.
  std::unordered_set<std::int64_t> written;
  for (const auto& o : batch) written.insert(o.index);
  std::int64_t cursor = buffer_.empty() ? next_ : buffer_.front().first;
  if (loading_) cursor = std::min(cursor, next_ - static_cast<std::int64_t>(options_.batch));
  for (auto index : window_) {
    if (!written.count(index)) {
      cursor = std::min(cursor, index);
      break;
    }
  }
  if (unsent_min_) cursor = std::min(cursor, *unsent_min_);
  cursor = std::max<std::int64_t>(cursor, 0);
  return {{"status", to_string(mailing_.status)},
          {"sent", mailing_.counts.sent},
          {"blocked", mailing_.counts.blocked},
          {"failed", mailing_.counts.failed},
          {"left", mailing_.left()},
          {"cursor", cursor},
          {"finished_ms", mailing_.finished_ms}};
}

void Run::flush() {
  if (flush_timer_) {
    services_.timers().cancel(*flush_timer_);
    flush_timer_.reset();
  }
  if (flushing_) {
    fields_dirty_ = true;  // written again when the current write returns
    return;
  }
  if (outcomes_.empty() && !fields_dirty_) return;
  flushing_ = true;
  fields_dirty_ = false;
  auto batch = std::make_shared<std::vector<store::Outcome>>(std::move(outcomes_));
  outcomes_.clear();
  json::object mailing_fields = fields(*batch);
  std::weak_ptr<Run> weak = weak_from_this();
  services_.store().run(
      [id = mailing_.id, batch,
       mailing_fields = std::move(mailing_fields)](ModuleCollections& c) mutable {
        store::record(c, id, *batch, std::move(mailing_fields));
      },
      [weak, batch](StoreResult<std::monostate> r) {
        auto self = weak.lock();
        if (!self) return;
        self->flushing_ = false;
        if (!r) {
          // Keep them in the window and try again: nothing in doubt is let go.
          self->services_.log(LogLevel::kWarn,
                              "mailing " + self->mailing_.id +
                                  ": cannot record outcomes, retrying: " + r.error().what());
          self->outcomes_.insert(self->outcomes_.begin(), batch->begin(), batch->end());
          self->fields_dirty_ = true;
          self->services_.timers().after(std::chrono::seconds(1), [weak] {
            if (auto s = weak.lock()) s->flush();
          });
          return;
        }
        for (const auto& o : *batch) self->window_.erase(o.index);
        if (self->fields_dirty_ || !self->outcomes_.empty()) {
          if (self->fields_dirty_) {
            self->flush();
          } else {
            self->schedule_flush();
          }
        }
        if (self->finishing_) {
          if (!self->flushing_ && self->outcomes_.empty() && !self->finished_) {
            self->finished_ = true;
            if (self->on_finished) self->on_finished(self->mailing_);
          }
          return;
        }
        self->pump();
      });
}

void Run::check_finished() {
  if (finishing_ || halted_) return;
  const bool idle = window_.empty() && outcomes_.empty();
  if (!idle) return;
  if (mailing_.status == Status::kRunning && buffer_.empty() && !loading_ &&
      next_ >= mailing_.total) {
    mailing_.status = Status::kDone;
  } else if (mailing_.status != Status::kCancelled) {
    return;
  }
  finishing_ = true;
  mailing_.finished_ms = wall_ms(services_.clock());
  fields_dirty_ = true;
  flush();
}

}  // namespace corebot::modules::mailing
