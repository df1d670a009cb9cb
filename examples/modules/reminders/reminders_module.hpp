// The worked example of docs/modules.md: a reminders module written only against
// include/corebot/ and built into its own binary (main.cpp) with corebot::run.
//
//   /remind 10m Buy milk   stores the reminder (collection "reminders.items") and schedules a
//                          persistent job; when due, "⏰ Reminder: Buy milk" is sent at
//                          Priority::kNotification, also after a restart of the engine.
//   /reminders             the user's pending reminders, numbered, soonest first.
//   /forget 2              cancels one (document removed, job cancelled).
//   admin menu "⏰ Reminders: export" (admins only): a CSV of every pending reminder as a
//                          document, the count of the last recount in its caption.
//
// Settings ([modules.reminders] in the config, or the Settings sheet): max_per_user (pending
// reminders one user may have, default 5) and stats_interval_s (how often a timer recounts the
// pending reminders for the admins, default 60).
//
// A reminder's document is the truth: {_id, user_id, chat_id, text, due_ms, lang}. The job
// "reminder:<_id>" only says when to look. Delivering takes the document away in one store call
// (find and delete) before sending, and /forget deletes it before cancelling the job, so a job
// that fires for a forgotten reminder finds nothing and sends nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "corebot/module.hpp"
#include "corebot/module_factory.hpp"

namespace reminders {

class RemindersModule final : public corebot::Module {
 public:
  static constexpr const char* kName = "reminders";
  static constexpr const char* kItems = "items";  // the module's collection ("reminders.items")
  static constexpr const char* kJobKind = "reminder";
  static constexpr const char* kExportData = "reminders:export";

  [[nodiscard]] corebot::ModuleInfo info() const override;
  // Checks the settings (throws with the fix when one is below 1), handles the job kind, starts
  // the recount timer.
  void start(corebot::ModuleServices& services) override;
  void stop() override;
  corebot::Handled on_update(corebot::Context& ctx) override;

  // The number of pending reminders at the last recount (nullopt before the first finished).
  [[nodiscard]] std::optional<std::int64_t> pending_count() const { return pending_; }

 private:
  void remind(corebot::Context& ctx);
  void list(corebot::Context& ctx);
  void forget(corebot::Context& ctx);
  void export_csv(corebot::Context& ctx);
  void deliver(const corebot::JobRun& run);
  void recount();
  // True when a store result cannot be used: the module stopped meanwhile, or the store failed
  // (logged, and the user told to try again).
  template <class T>
  bool unusable(const corebot::StoreResult<T>& result, corebot::Context& ctx);
  [[nodiscard]] std::int64_t setting(const char* key) const;

  corebot::ModuleServices* services_ = nullptr;
  std::optional<std::int64_t> pending_;
};

// For corebot::run (main.cpp): on unless the config disables "reminders".
corebot::ModuleFactory reminders_factory();

}  // namespace reminders
