#include "reminders_module.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "export_csv.hpp"
#include "request.hpp"
#include "texts.hpp"

namespace reminders {
namespace json = boost::json;
using corebot::Context;
using corebot::Handled;
using corebot::ModuleCollections;
using corebot::StoreResult;

namespace {

std::string job_id(const std::string& item_id) { return "reminder:" + item_id; }

std::int64_t unix_ms(corebot::WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Soonest first; equal times in the order they were set (ids grow).
corebot::FindOptions soonest_first() {
  corebot::FindOptions options;
  options.sort = {{"due_ms", 1}, {"_id", 1}};
  return options;
}

Phrase phrase_of(RequestError error) {
  switch (error) {
    case RequestError::kZero:
      return Phrase::kZero;
    case RequestError::kTooFar:
      return Phrase::kTooFar;
    case RequestError::kTooLong:
      return Phrase::kTooLong;
    case RequestError::kFormat:
      break;
  }
  return Phrase::kUsage;
}

std::string string_of(const json::object& doc, std::string_view key) {
  const auto* v = doc.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t int_of(const json::object& doc, std::string_view key) {
  const auto* v = doc.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

}  // namespace

corebot::ModuleInfo RemindersModule::info() const {
  corebot::ModuleInfo info;
  info.name = kName;
  info.version = "1.0";
  info.commands = {{"remind", "Set a reminder: /remind 10m Buy milk"},
                   {"reminders", "Your reminders"},
                   {"forget", "Cancel a reminder: /forget 2"}};
  info.callback_prefix = "reminders";
  info.admin_menu = {{"⏰ Reminders: export", kExportData}};
  info.settings = {
      {"max_per_user",
       corebot::ColumnType::kInteger,
       {},
       "5",
       "How many pending reminders one user may have, e.g. 5",
       false},
      {"stats_interval_s",
       corebot::ColumnType::kInteger,
       {},
       "60",
       "How often, in seconds, the count of pending reminders for admins is refreshed, e.g. 60",
       false},
  };
  return info;
}

std::int64_t RemindersModule::setting(const char* key) const {
  const std::string value = services_->settings().get_or(key, "");
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  return ec == std::errc() && end == value.data() + value.size() ? n : 0;
}

void RemindersModule::start(corebot::ModuleServices& services) {
  services_ = &services;
  for (const char* key : {"max_per_user", "stats_interval_s"}) {
    if (setting(key) < 1) {
      throw std::runtime_error(std::string(key) + " must be a whole number of at least 1 (it is '" +
                               services.settings().get_or(key, "") +
                               "'): fix it in [modules.reminders] or the Settings sheet");
    }
  }
  // Before anything can be due: a job found in the store at start runs as soon as it is handled.
  services.jobs().handle(kJobKind, [this](const corebot::JobRun& run) { deliver(run); });
  services.store().run(
      [](ModuleCollections& c) {
        c.collection(kItems).create_index({"user_id", false});
      },
      [this](StoreResult<std::monostate> r) {
        if (!r && services_) services_->log(corebot::LogLevel::kWarn, r.error().what());
      });
  recount();
  services.timers().every(std::chrono::seconds(setting("stats_interval_s")), [this] { recount(); });
}

void RemindersModule::stop() { services_ = nullptr; }

template <class T>
bool RemindersModule::unusable(const StoreResult<T>& result, Context& ctx) {
  if (!services_) return true;  // stopped meanwhile: nothing more to say
  if (result) return false;
  services_->log(corebot::LogLevel::kError, result.error().what());
  ctx.reply(say(ctx, Phrase::kFailed));
  return true;
}

Handled RemindersModule::on_update(Context& ctx) {
  const std::string_view command = ctx.command();
  if (command == "remind") {
    remind(ctx);
  } else if (command == "reminders") {
    list(ctx);
  } else if (command == "forget") {
    forget(ctx);
  } else if (ctx.callback_data() == kExportData) {
    export_csv(ctx);
  } else if (!ctx.callback_data().empty()) {
    ctx.answer_callback();  // a button of an older version: nothing to do
  } else {
    return Handled::kContinue;
  }
  return Handled::kStop;
}

void RemindersModule::remind(Context& ctx) {
  const Parsed parsed = parse_request(ctx.command_args());
  if (!parsed.request) {
    ctx.reply(say(ctx, phrase_of(parsed.error)));
    return;
  }
  if (!ctx.user_id() || !ctx.chat_id()) return;
  const Request request = *parsed.request;
  const corebot::WallTime due = services_->clock().wall() + request.delay;
  const std::int64_t max = std::max<std::int64_t>(1, setting("max_per_user"));
  json::object doc{{"user_id", *ctx.user_id()},
                   {"chat_id", *ctx.chat_id()},
                   {"text", request.text},
                   {"due_ms", unix_ms(due)},
                   {"lang", ctx.language()}};
  // Count and insert in one store call. The chat's next update waits for this one (hold), so a
  // user cannot race past the limit from one chat.
  services_->store().run(
      [doc = std::move(doc), user = *ctx.user_id(),
       max](ModuleCollections& c) -> std::optional<std::string> {
        auto& items = c.collection(kItems);
        if (items.count({{"user_id", user}}) >= max) return std::nullopt;
        return std::string(items.insert_one(doc).as_string());
      },
      [this, hold = ctx.hold(), request, due, max](StoreResult<std::optional<std::string>> r) {
        if (unusable(r, *hold)) return;
        if (!r.value()) {
          hold->reply(say(*hold, Phrase::kLimit, {{"max", std::to_string(max)}}));
          return;
        }
        const std::string id = *r.value();
        services_->jobs().schedule(
            job_id(id), kJobKind, corebot::JobSchedule::once_at(due), {{"id", id}},
            [this, hold, id, request](const std::string& error) {
              if (!services_) return;
              if (error.empty()) {
                const auto ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(request.delay);
                hold->reply(say(*hold, Phrase::kSet,
                                {{"in", format_delay(ms.count())}, {"text", request.text}}));
                return;
              }
              // Not scheduled: take the document back, so /reminders does not list a reminder
              // that will never come.
              services_->log(corebot::LogLevel::kError, "scheduling a reminder failed: " + error);
              services_->store().run(
                  [id](ModuleCollections& c) {
                    c.collection(kItems).delete_one({{"_id", id}});
                  },
                  [](StoreResult<std::monostate>) {});
              hold->reply(say(*hold, Phrase::kFailed));
            });
      });
}

void RemindersModule::deliver(const corebot::JobRun& run) {
  const auto* id_value = run.payload.if_contains("id");
  if (!id_value || !id_value->is_string()) {
    services_->log(corebot::LogLevel::kWarn, "job " + run.id + " has no reminder id");
    return;
  }
  // Take the document: only the call that deletes it sends it, so a reminder forgotten meanwhile
  // (or claimed twice) is not sent.
  services_->store().run(
      [id = std::string(id_value->get_string())](
          ModuleCollections& c) -> std::optional<json::object> {
        auto& items = c.collection(kItems);
        auto doc = items.find_one({{"_id", id}});
        if (!doc || items.delete_one({{"_id", id}}) != 1) return std::nullopt;
        return doc;
      },
      [this](StoreResult<std::optional<json::object>> r) {
        if (!services_) return;
        if (!r) {
          services_->log(corebot::LogLevel::kError, r.error().what());
          return;
        }
        if (!r.value()) return;  // forgotten meanwhile
        const json::object& doc = *r.value();
        const auto content = services_->content();  // the live content: a reload may have come
        services_->sender().call(
            "sendMessage",
            {{"chat_id", int_of(doc, "chat_id")},
             {"text", say(content.get(), string_of(doc, "lang"), Phrase::kDue,
                          {{"text", string_of(doc, "text")}})}},
            corebot::Priority::kNotification, [this](const corebot::CallResult& sent) {
              if (!sent.ok && services_) {
                services_->log(corebot::LogLevel::kWarn,
                               "a reminder was not delivered: " + sent.description);
              }
            });
      });
}

void RemindersModule::list(Context& ctx) {
  if (!ctx.user_id()) return;
  services_->store().run(
      [user = *ctx.user_id()](ModuleCollections& c) {
        return c.collection(kItems).find({{"user_id", user}}, soonest_first());
      },
      [this, hold = ctx.hold()](StoreResult<std::vector<json::object>> r) {
        if (unusable(r, *hold)) return;
        if (r.value().empty()) {
          hold->reply(say(*hold, Phrase::kNone));
          return;
        }
        const std::int64_t now = unix_ms(services_->clock().wall());
        std::string text = say(*hold, Phrase::kListHead);
        int n = 0;
        for (const auto& doc : r.value()) {
          text += "\n" + say(*hold, Phrase::kListItem,
                             {{"n", std::to_string(++n)},
                              {"in", format_delay(int_of(doc, "due_ms") - now)},
                              {"text", string_of(doc, "text")}});
        }
        hold->reply(text + "\n" + say(*hold, Phrase::kListFoot));
      });
}

void RemindersModule::forget(Context& ctx) {
  const auto n = parse_index(ctx.command_args());
  if (!n) {
    ctx.reply(say(ctx, Phrase::kForgetUsage));
    return;
  }
  if (!ctx.user_id()) return;
  // The number is the one /reminders showed: the n-th soonest. Deleting the document is the
  // claim (see deliver); the job is cancelled after, and if that fails it finds nothing.
  services_->store().run(
      [user = *ctx.user_id(), n = *n](ModuleCollections& c) -> std::optional<json::object> {
        auto& items = c.collection(kItems);
        auto options = soonest_first();
        options.skip = n - 1;
        options.limit = 1;
        auto found = items.find({{"user_id", user}}, options);
        if (found.empty() || items.delete_one({{"_id", found[0].at("_id")}}) != 1) {
          return std::nullopt;
        }
        return found[0];
      },
      [this, hold = ctx.hold(), n = *n](StoreResult<std::optional<json::object>> r) {
        if (unusable(r, *hold)) return;
        if (!r.value()) {
          hold->reply(say(*hold, Phrase::kForgetMissing, {{"n", std::to_string(n)}}));
          return;
        }
        const json::object& doc = *r.value();
        services_->jobs().cancel(job_id(string_of(doc, "_id")), [this](const std::string& error) {
          if (!error.empty() && services_) {
            services_->log(corebot::LogLevel::kWarn,
                           "cancelling a forgotten reminder's job failed (it will find "
                           "nothing to send): " +
                               error);
          }
        });
        hold->reply(say(*hold, Phrase::kForgotten, {{"text", string_of(doc, "text")}}));
      });
}

void RemindersModule::export_csv(Context& ctx) {
  ctx.answer_callback();
  // Callback data can be forged: the export is for admins only, and says nothing to others.
  if (!ctx.is_admin() || !ctx.chat_id()) return;
  services_->store().run(
      [](ModuleCollections& c) { return c.collection(kItems).find({}, soonest_first()); },
      [this, hold = ctx.hold()](StoreResult<std::vector<json::object>> r) {
        if (unusable(r, *hold)) return;
        const std::string count = pending_ ? std::to_string(*pending_) : "?";
        corebot::ApiCall call{
            "sendDocument",
            {{"chat_id", *hold->chat_id()},
             {"caption", say(*hold, Phrase::kExportCaption, {{"count", count}})}},
            {corebot::Upload{"document", "reminders.csv", "text/csv", reminders_csv(r.value())}}};
        services_->sender().call(
            std::move(call), corebot::Priority::kAdmin, [hold](const corebot::CallResult& sent) {
              if (!sent.ok) {
                hold->reply(say(*hold, Phrase::kExportFailed, {{"error", sent.description}}));
              }
            });
      });
}

void RemindersModule::recount() {
  services_->store().run([](ModuleCollections& c) { return c.collection(kItems).count({}); },
                         [this](StoreResult<std::int64_t> r) {
                           if (!services_) return;
                           if (!r) {
                             services_->log(corebot::LogLevel::kWarn, r.error().what());
                             return;
                           }
                           pending_ = r.value();
                           services_->log(corebot::LogLevel::kDebug,
                                          std::to_string(*pending_) + " reminders pending");
                         });
}

corebot::ModuleFactory reminders_factory() {
  return corebot::ModuleFactory{RemindersModule::kName,
                                [] { return std::make_unique<RemindersModule>(); },
                                corebot::ModuleDefault::kOn, 500};
}

}  // namespace reminders
