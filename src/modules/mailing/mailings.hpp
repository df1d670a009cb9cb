// Every mailing of the bot: creates them (from the chat composer or the admin HTTP API), starts
// them now or at their time (a persistent job, so a restart keeps the date), resumes the ones a
// restart interrupted, and keeps each admin's progress message current.
//
// After a restart (start()): "running" and "paused" mailings continue from their stored cursor
// with counts recounted from the recipients; "scheduled" ones get their job again (one whose time
// passed while the engine was down starts at once); "preparing" ones (the audience was being
// fixed) fix it again from scratch.
// Thread: the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "corebot/services.hpp"
#include "modules/mailing/mailing.hpp"
#include "modules/mailing/mailing_run.hpp"

namespace corebot::modules::mailing {

struct NewMailing {
  std::string id;  // empty: a fresh one; else refused (409) when it exists
  Message content;
  Audience audience;
  bool paid = false;
  std::int64_t start_at_ms = 0;  // 0 or past: now
  std::int64_t created_by = 0;
  std::string language;  // the admin's, for progress texts
  std::int64_t progress_chat = 0;
};

// An answer: the mailing, or an HTTP-like status (400, 404, 409, 503) and what is wrong.
using Answer = std::function<void(std::optional<Mailing> mailing, int status, std::string error)>;

struct MailingsOptions {
  RunOptions run;
  Duration progress_every = std::chrono::seconds(3);
};

class Mailings {
 public:
  static constexpr const char* kStartJob = "start";

  Mailings(ModuleServices& services, MailingsOptions options = {});
  ~Mailings();
  Mailings(const Mailings&) = delete;
  Mailings& operator=(const Mailings&) = delete;

  // Registers the job handler, resumes what a restart interrupted, starts the progress timer.
  void start();
  // The engine stops: every run hands out nothing more and writes what it knows.
  void stop();

  void create(NewMailing request, Answer done);
  // action: "pause", "resume" or "cancel".
  void control(const std::string& id, const std::string& action, Answer done);
  void get(const std::string& id, Answer done);
  void list(std::int64_t limit, std::function<void(std::vector<Mailing>, std::string error)> done);
  // Records the admin's progress message (edited from now on, and after a restart).
  void attach_progress(const std::string& id, std::int64_t chat, std::int64_t message_id);
  // How many users the audience holds now (me/chats: their number).
  void count(const Audience& audience, std::function<void(std::int64_t, std::string error)> done);

  // The running or paused mailing's live state (tests, progress); nullptr when none.
  [[nodiscard]] const Run* run(const std::string& id) const;
  // Edits the progress messages that changed now (the timer calls it every progress_every).
  void refresh_progress();

 private:
  void resume_unfinished();
  void arm(const Mailing& m);
  void begin(Mailing m, Answer done);
  void launch(Mailing m);
  void finished(const Mailing& m);
  void show_progress(const Mailing& m, double rate, bool final);
  // Sends the progress message when the mailing has a progress chat but no message yet.
  void post_progress(const Mailing& m);
  [[nodiscard]] std::string fresh_id();
  [[nodiscard]] std::int64_t now_ms() const;

  ModuleServices& services_;
  MailingsOptions options_;
  std::map<std::string, std::shared_ptr<Run>> runs_;
  std::map<std::string, std::string> shown_;  // id -> the progress text last sent
  std::map<std::string, Answer> beginning_;   // ids whose audience is being fixed
  std::uint64_t counter_ = 0;
  std::optional<Timers::Id> progress_timer_;
  bool stopped_ = false;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace corebot::modules::mailing
