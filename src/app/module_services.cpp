#include "app/module_services.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "app/config.hpp"
#include "content/schema.hpp"
#include "core/log.hpp"

namespace corebot::app {
namespace json = boost::json;

namespace {

// A scalar config value as an owner would write it in the Settings sheet.
std::optional<std::string> scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return json::serialize(v);
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  return std::nullopt;
}

const ContentSetting* declared(const std::vector<ContentSetting>& settings, std::string_view key) {
  auto it = std::find_if(settings.begin(), settings.end(),
                         [key](const ContentSetting& s) { return s.key == key; });
  return it == settings.end() ? nullptr : &*it;
}

}  // namespace

ModuleSettings::ModuleSettings(std::vector<ContentSetting> declared, json::object config,
                               std::function<std::shared_ptr<const Content>()> content)
    : declared_(std::move(declared)), config_(std::move(config)), content_(std::move(content)) {}

std::optional<std::string> ModuleSettings::get(std::string_view key) const {
  const ContentSetting* spec = declared(declared_, key);
  if (!spec) return std::nullopt;
  if (!spec->structured && content_) {
    if (auto content = content_()) {
      if (auto v = content->setting(key); v && !v->empty()) return std::string(*v);
    }
  }
  if (const json::value* v = config_.if_contains(key)) {
    if (auto text = scalar_text(*v)) return text;
  }
  if (!spec->default_value.empty()) return spec->default_value;
  return std::nullopt;
}

void check_module_config(const ModuleInfo& info, const json::object& config) {
  const std::string table = "[modules." + info.name + "]";
  for (const auto& [key, value] : config) {
    const ContentSetting* spec = declared(info.settings, key);
    if (!spec) {
      std::string known;
      for (const auto& s : info.settings) known += (known.empty() ? "" : ", ") + s.key;
      throw ConfigError(table + " " + std::string(key) + ": the module '" + info.name +
                        "' has no such setting — " +
                        (known.empty() ? "it takes no settings; remove the key"
                                       : "check the spelling; it accepts " + known));
    }
    auto text = scalar_text(value);
    if (spec->structured) {
      if (text) {
        throw ConfigError(table + " " + std::string(key) +
                          ": expected an array or a table — see the module's documentation");
      }
      continue;
    }
    if (!text) {
      throw ConfigError(table + " " + std::string(key) +
                        ": expected a single value, not an array or a table");
    }
    if (auto failure = content::check_value(spec->type, *text, spec->choices)) {
      throw ConfigError(table + " " + std::string(key) + ": " + failure->what + " — " +
                        failure->fix);
    }
  }
}

EngineServices::EngineServices(const ModuleInfo& info, json::object config, SharedServices shared)
    : name_(info.name),
      shared_(std::move(shared)),
      timers_(*shared_.executor,
              [this](const std::string& message) {
                if (shared_.module_error) shared_.module_error(name_, message);
              }),
      settings_(info.settings, std::move(config), shared_.content),
      store_(*shared_.store, info.name) {}

EngineServices::~EngineServices() = default;

std::shared_ptr<const Content> EngineServices::content() const {
  return shared_.content ? shared_.content() : nullptr;
}

void EngineServices::reload_content(std::function<void(const ReloadReport&)> done) {
  if (!shared_.reload) {
    ReloadReport report;
    report.message =
        "This bot has no spreadsheet ([content] source in the config), so there is "
        "nothing to reload.";
    return done(report);
  }
  shared_.reload(std::move(done));
}

void EngineServices::serve_admin_api(std::string route, AdminApiHandler handler) {
  if (shared_.admin_api) shared_.admin_api(name_, std::move(route), std::move(handler));
}

void EngineServices::report_error(std::string_view message) {
  if (shared_.module_error) {
    shared_.module_error(name_, std::string(message));
  } else {
    log(LogLevel::kError, message);
  }
}

void EngineServices::log(LogLevel level, std::string_view message) {
  switch (level) {
    case LogLevel::kDebug:
      COREBOT_LOG_DEBUG("{}: {}", name_, message);
      break;
    case LogLevel::kInfo:
      COREBOT_LOG_INFO("{}: {}", name_, message);
      break;
    case LogLevel::kWarn:
      COREBOT_LOG_WARN("{}: {}", name_, message);
      break;
    case LogLevel::kError:
      COREBOT_LOG_ERROR("{}: {}", name_, message);
      break;
  }
}

}  // namespace corebot::app
