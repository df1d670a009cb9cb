#include "modules/mailing/mailings.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <stdexcept>

#include "modules/mailing/mailing_store.hpp"
#include "modules/mailing/progress_view.hpp"

namespace corebot::modules::mailing {
namespace json = boost::json;

namespace {

std::string job_id(const std::string& mailing) { return "start:" + mailing; }

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Mailings::Mailings(ModuleServices& services, MailingsOptions options)
    : services_(services), options_(options) {}

Mailings::~Mailings() = default;

std::int64_t Mailings::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             services_.clock().wall().time_since_epoch())
      .count();
}

std::string Mailings::fresh_id() {
  // Unix ms in base 36 and a counter: unique across restarts, short enough to type.
  std::uint64_t n = static_cast<std::uint64_t>(now_ms()) * 16 + (counter_++ % 16);
  std::string digits;
  do {
    digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
    n /= 36;
  } while (n > 0);
  return "m" + digits;
}

void Mailings::start() {
  std::weak_ptr<char> alive = alive_;
  services_.jobs().handle(kStartJob, [this, alive](const JobRun& run) {
    if (alive.expired() || stopped_) return;
    const json::value* id = run.payload.if_contains("id");
    if (!id || !id->is_string()) return;
    get(std::string(id->get_string()), [this](std::optional<Mailing> m, int, std::string) {
      if (m && m->status == Status::kScheduled) begin(std::move(*m), {});
    });
  });
  progress_timer_ =
      services_.timers().every(options_.progress_every, [this] { refresh_progress(); });
  resume_unfinished();
}

void Mailings::stop() {
  stopped_ = true;
  if (progress_timer_) services_.timers().cancel(*progress_timer_);
  for (auto& [id, run] : runs_) run->halt();
}

void Mailings::resume_unfinished() {
  std::weak_ptr<char> alive = alive_;
  services_.store().run(
      [](ModuleCollections& c) {
        auto mailings = store::unfinished(c);
        for (auto& m : mailings) {
          if (m.status == Status::kRunning || m.status == Status::kPaused) {
            m.counts = store::recount(c, m.id);
          }
        }
        return mailings;
      },
      [this, alive](StoreResult<std::vector<Mailing>> r) {
        if (alive.expired() || stopped_) return;
        if (!r) {
          services_.log(LogLevel::kError,
                        std::string("cannot read the unfinished mailings (they resume at the next "
                                    "start): ") +
                            r.error().what());
          return;
        }
        for (auto& m : r.value()) {
          switch (m.status) {
            case Status::kScheduled:
              arm(m);
              break;
            case Status::kPreparing:
              begin(std::move(m), {});
              break;
            default:
              services_.log(LogLevel::kInfo, "mailing " + m.id +
                                                 " resumes: " + std::to_string(m.left()) + " of " +
                                                 std::to_string(m.total) + " left");
              launch(std::move(m));
          }
        }
      });
}

void Mailings::arm(const Mailing& m) {
  services_.jobs().schedule(
      job_id(m.id), kStartJob,
      JobSchedule::once_at(WallTime(std::chrono::milliseconds(m.start_at_ms))),
      json::object{{"id", m.id}}, [this, id = m.id](const std::string& error) {
        if (!error.empty()) {
          services_.log(LogLevel::kError,
                        "mailing " + id + ": cannot schedule its start: " + error);
        }
      });
}

void Mailings::create(NewMailing request, Answer done) {
  if (std::string e = request.content.check(); !e.empty()) return done(std::nullopt, 400, e);
  if (std::string e = request.audience.check(); !e.empty()) return done(std::nullopt, 400, e);
  if (!request.id.empty() && !valid_id(request.id)) {
    return done(
        std::nullopt, 400,
        "the id '" + request.id + "' is not 1-40 letters, digits, '-' or '_' — choose another");
  }
  Mailing m;
  const bool fresh = request.id.empty();
  m.id = fresh ? fresh_id() : request.id;
  m.content = std::move(request.content);
  m.audience = std::move(request.audience);
  m.paid = request.paid;
  m.created_ms = now_ms();
  m.start_at_ms = request.start_at_ms > m.created_ms ? request.start_at_ms : 0;
  m.status = m.start_at_ms > 0 ? Status::kScheduled : Status::kPreparing;
  m.created_by = request.created_by;
  m.language = request.language;
  m.progress_chat = request.progress_chat;
  std::weak_ptr<char> alive = alive_;
  services_.store().run(
      [m](ModuleCollections& c) { store::insert(c, m); },
      [this, alive, m, done = std::move(done)](StoreResult<std::monostate> r) {
        if (alive.expired()) return;
        if (!r) {
          if (r.error().kind() == StoreErrorKind::kDuplicateKey) {
            return done(std::nullopt, 409,
                        "a mailing '" + m.id +
                            "' exists already: it is not sent twice — see "
                            "its status, or give another id");
          }
          return done(std::nullopt, 503, r.error().what());
        }
        services_.log(LogLevel::kInfo,
                      "mailing " + m.id + " created (" + std::string(to_string(m.status)) + ")");
        if (m.status == Status::kScheduled) {
          arm(m);
          post_progress(m);
          return done(m, 202, "");
        }
        begin(m, done);
      });
}

void Mailings::begin(Mailing m, Answer done) {
  if (runs_.count(m.id) || beginning_.count(m.id)) {
    if (done) done(std::nullopt, 409, "mailing " + m.id + " is already starting");
    return;
  }
  beginning_[m.id] = done;
  std::weak_ptr<char> alive = alive_;
  auto fail = [this, alive, id = m.id](int status, const std::string& error) {
    if (alive.expired()) return;
    auto answer = std::move(beginning_[id]);
    beginning_.erase(id);
    services_.log(LogLevel::kError, "mailing " + id + " did not start: " + error);
    if (answer) answer(std::nullopt, status, error);
  };
  auto fix = [this, alive, m, fail](std::vector<std::int64_t> chats) mutable {
    if (alive.expired()) return;
    const std::int64_t started = now_ms();
    services_.store().run(
        [id = m.id, chats = std::move(chats), started](ModuleCollections& c) {
          return store::fix_audience(c, id, chats, started);
        },
        [this, alive, m, started, fail](StoreResult<std::int64_t> total) mutable {
          if (alive.expired()) return;
          if (!total) return fail(503, total.error().what());
          m.status = Status::kRunning;
          m.total = total.value();
          m.started_ms = started;
          m.counts = {};
          m.cursor = 0;
          auto answer = std::move(beginning_[m.id]);
          beginning_.erase(m.id);
          services_.log(LogLevel::kInfo, "mailing " + m.id + " started: " +
                                             std::to_string(m.total) + " recipient(s)");
          launch(m);
          post_progress(m);
          if (answer) answer(m, 202, "");
        });
  };
  std::optional<json::object> filter;
  try {
    filter = m.audience.users_filter(now_ms());
  } catch (const std::invalid_argument& e) {
    return fail(400, e.what());
  }
  if (!filter) return fix(m.audience.chats);
  services_.users().select_ids(std::move(*filter), [fix, fail](std::vector<std::int64_t> ids,
                                                               const std::string& error) mutable {
    if (!error.empty()) return fail(400, "the audience: " + error);
    fix(std::move(ids));
  });
}

void Mailings::launch(Mailing m) {
  if (stopped_) return;
  auto run = std::make_shared<Run>(services_, options_.run, std::move(m));
  std::weak_ptr<char> alive = alive_;
  run->on_finished = [this, alive](const Mailing& done) {
    if (alive.expired()) return;
    finished(done);
  };
  const std::string id = run->mailing().id;
  runs_[id] = run;
  run->start();
  if (!run->finished()) show_progress(run->mailing(), 0.0, false);
}

void Mailings::finished(const Mailing& m) {
  services_.log(LogLevel::kInfo, "mailing " + m.id + " " + std::string(to_string(m.status)) + ": " +
                                     std::to_string(m.counts.sent) + " sent, " +
                                     std::to_string(m.counts.blocked) + " blocked, " +
                                     std::to_string(m.counts.failed) + " failed, " +
                                     std::to_string(m.left()) + " left");
  show_progress(m, 0.0, true);
  if (m.progress_chat != 0) {
    const auto content = services_.content();
    services_.sender().call("sendMessage",
                            {{"chat_id", m.progress_chat}, {"text", report_text(m, content.get())}},
                            Priority::kAdmin);
  }
  shown_.erase(m.id);
  // The Run may be on the stack (its on_finished): let it go after this turn.
  auto keep = runs_[m.id];
  runs_.erase(m.id);
  services_.timers().after(Duration::zero(), [keep] {});
}

void Mailings::show_progress(const Mailing& m, double rate, bool final) {
  if (m.progress_chat == 0 || m.progress_message == 0) return;
  const auto content = services_.content();
  std::string text = progress_text(m, rate, content.get());
  auto& last = shown_[m.id];
  if (text == last && !final) return;
  last = text;
  services_.sender().call("editMessageText",
                          {{"chat_id", m.progress_chat},
                           {"message_id", m.progress_message},
                           {"text", std::move(text)},
                           {"reply_markup", progress_markup(m, content.get())}},
                          Priority::kAdmin);
}

void Mailings::post_progress(const Mailing& m) {
  if (m.progress_chat == 0 || m.progress_message != 0) return;
  const auto content = services_.content();
  std::weak_ptr<char> alive = alive_;
  services_.sender().call(
      "sendMessage",
      {{"chat_id", m.progress_chat},
       {"text", progress_text(m, 0.0, content.get())},
       {"reply_markup", progress_markup(m, content.get())}},
      Priority::kAdmin, [this, alive, id = m.id, chat = m.progress_chat](const CallResult& r) {
        if (alive.expired() || !r.ok || !r.result.is_object()) return;
        const json::value* message_id = r.result.as_object().if_contains("message_id");
        if (message_id && message_id->is_int64()) {
          attach_progress(id, chat, message_id->get_int64());
        }
      });
}

void Mailings::refresh_progress() {
  for (const auto& [id, run] : runs_) show_progress(run->mailing(), run->rate(), false);
}

const Run* Mailings::run(const std::string& id) const {
  auto it = runs_.find(id);
  return it == runs_.end() ? nullptr : it->second.get();
}

void Mailings::attach_progress(const std::string& id, std::int64_t chat, std::int64_t message_id) {
  if (auto it = runs_.find(id); it != runs_.end()) {
    it->second->set_progress(chat, message_id);
  }
  services_.store().run(
      [id, chat, message_id](ModuleCollections& c) {
        store::set_fields(c, id, {{"progress_chat", chat}, {"progress_message", message_id}});
      },
      [](StoreResult<std::monostate>) {});
}

void Mailings::control(const std::string& id, const std::string& action, Answer done) {
  if (action != "pause" && action != "resume" && action != "cancel") {
    return done(std::nullopt, 404, "unknown action '" + action + "' — pause, resume or cancel");
  }
  if (auto it = runs_.find(id); it != runs_.end()) {
    auto run = it->second;
    if (is_final(run->mailing().status)) {
      return done(
          run->mailing(), 409,
          "mailing " + id + " is " + std::string(to_string(run->mailing().status)) + " already");
    }
    if (action == "pause") run->pause();
    if (action == "resume") run->resume();
    if (action == "cancel") run->cancel();
    Mailing now = run->mailing();
    show_progress(now, run->rate(), false);
    return done(now, 200, "");
  }
  std::weak_ptr<char> alive = alive_;
  get(id, [this, alive, id, action, done](std::optional<Mailing> m, int status, std::string error) {
    if (alive.expired()) return;
    if (!m) return done(std::nullopt, status, error);
    if (is_final(m->status)) {
      return done(*m, 409,
                  "mailing " + id + " is " + std::string(to_string(m->status)) + " already");
    }
    if (m->status == Status::kScheduled && action == "cancel") {
      services_.jobs().cancel(job_id(id));
      m->status = Status::kCancelled;
      m->finished_ms = now_ms();
      services_.store().run(
          [id, f = m->finished_ms](ModuleCollections& c) {
            store::set_fields(c, id, {{"status", "cancelled"}, {"finished_ms", f}});
          },
          [](StoreResult<std::monostate>) {});
      show_progress(*m, 0.0, true);
      return done(*m, 200, "");
    }
    done(*m, 409,
         "mailing " + id + " is " + std::string(to_string(m->status)) + ": cannot " + action +
             " it now");
  });
}

void Mailings::get(const std::string& id, Answer done) {
  if (auto it = runs_.find(id); it != runs_.end()) return done(it->second->mailing(), 200, "");
  std::weak_ptr<char> alive = alive_;
  services_.store().run([id](ModuleCollections& c) { return store::get(c, id); },
                        [alive, id, done](StoreResult<std::optional<Mailing>> r) {
                          if (alive.expired()) return;
                          if (!r) return done(std::nullopt, 503, r.error().what());
                          if (!r.value()) return done(std::nullopt, 404, "no mailing '" + id + "'");
                          done(std::move(*r.value()), 200, "");
                        });
}

void Mailings::list(std::int64_t limit,
                    std::function<void(std::vector<Mailing>, std::string)> done) {
  std::weak_ptr<char> alive = alive_;
  services_.store().run([limit](ModuleCollections& c) { return store::list(c, limit); },
                        [this, alive, done](StoreResult<std::vector<Mailing>> r) {
                          if (alive.expired()) return;
                          if (!r) return done({}, r.error().what());
                          auto mailings = std::move(r.value());
                          // The live state is fresher than the stored one.
                          for (auto& m : mailings) {
                            if (auto it = runs_.find(m.id); it != runs_.end()) {
                              m = it->second->mailing();
                            }
                          }
                          done(std::move(mailings), "");
                        });
}

void Mailings::count(const Audience& audience,
                     std::function<void(std::int64_t, std::string)> done) {
  std::optional<json::object> filter;
  try {
    filter = audience.users_filter(now_ms());
  } catch (const std::invalid_argument& e) {
    return done(0, e.what());
  }
  if (!filter) return done(static_cast<std::int64_t>(audience.chats.size()), "");
  services_.users().select_ids(std::move(*filter),
                               [done](std::vector<std::int64_t> ids, const std::string& error) {
                                 done(static_cast<std::int64_t>(ids.size()), error);
                               });
}

}  // namespace corebot::modules::mailing
