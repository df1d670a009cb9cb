// The Statistics section: users, activity, the engine now; the chart as a photo.
#include <boost/json.hpp>

#include <cstdio>

#include "modules/admin/admin_module.hpp"
#include "modules/admin/chart.hpp"
#include "modules/admin/panel.hpp"
#include "modules/admin/texts.hpp"

namespace corebot::modules {
namespace json = boost::json;
using admin::say;

namespace {

std::string languages_line(const Users::Statistics& s) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& [lang, count] : s.by_language) {
    if (shown++ == 6) {
      out += ", …";
      break;
    }
    if (!out.empty()) out += ", ";
    out += (lang.empty() ? "?" : lang) + " " + std::to_string(count);
  }
  return out.empty() ? "—" : out;
}

}  // namespace

void AdminModule::show_stats(Context& ctx) {
  if (!services_) return;
  services_->users().statistics(
      [this, hold = ctx.hold()](const Users::Statistics& s, const std::string& error) {
        if (!error.empty()) {
          hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
          return;
        }
        const EngineFigures f = services_->admin().figures();
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.1f", f.send_rate);
        auto n = [](std::int64_t v) { return std::to_string(v); };
        std::string text = admin::format(
            say(*hold, "admin_stats"),
            {n(s.total), n(s.new_24h), n(s.new_7d), n(s.new_30d), n(s.active_24h), n(s.active_7d),
             n(s.active_30d), n(s.blocked), n(s.banned), languages_line(s), n(s.updates_today),
             std::to_string(f.queue_depth), rate, admin::format_duration(f.uptime_s), f.version});
        json::array keyboard;
        keyboard.push_back(admin::button_row(say(*hold, "admin_chart_button"), "admin:chart"));
        keyboard.push_back(admin::back_row(*hold));
        admin::show(*hold, std::move(text), std::move(keyboard));
      });
}

void AdminModule::send_chart(Context& ctx) {
  if (!services_ || !ctx.chat_id()) return;
  services_->users().statistics(
      [this, hold = ctx.hold()](const Users::Statistics& s, const std::string& error) {
        if (!error.empty()) {
          hold->reply(admin::format(say(*hold, "admin_failed"), {error}));
          return;
        }
        admin::ChartLabels labels{say(*hold, "admin_chart_caption"), say(*hold, "admin_chart_new"),
                                  say(*hold, "admin_chart_active")};
        std::string png;
        try {
          png = admin::render_chart(s.days, labels);
        } catch (const std::exception& e) {
          services_->log(LogLevel::kError, e.what());
          hold->reply(admin::format(say(*hold, "admin_failed"), {e.what()}));
          return;
        }
        ApiCall call{"sendPhoto",
                     {{"chat_id", *hold->chat_id()}, {"caption", labels.title}},
                     {Upload{"photo", "users-30-days.png", "image/png", std::move(png)}}};
        services_->sender().call(std::move(call), Priority::kAdmin);
      });
}

}  // namespace corebot::modules
