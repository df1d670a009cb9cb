#include "app/bot_modules.hpp"

#include <algorithm>
#include <set>

#include "app/module_services.hpp"
#include "script/lua_module.hpp"

namespace corebot::app {

namespace {

std::string names_of(const std::vector<ModuleFactory>& factories) {
  std::string out;
  for (const auto& f : factories) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

bool runs_by_default(ModuleDefault when, bool has_content) {
  switch (when) {
    case ModuleDefault::kOn:
      return true;
    case ModuleDefault::kOff:
      return false;
    case ModuleDefault::kWithContent:
      return has_content;
    case ModuleDefault::kWithoutContent:
      return !has_content;
  }
  return false;
}

}  // namespace

void register_modules(const EngineConfig& config, const std::vector<ModuleFactory>& extra,
                      ModuleRegistry& registry) {
  std::vector<ModuleFactory> all = builtin_module_factories();
  all.insert(all.end(), extra.begin(), extra.end());
  // Lua modules found in [scripts] dirs.
  if (!config.script_dirs.empty()) {
    script::Options options;
    options.limits.memory_bytes = static_cast<std::size_t>(config.script_memory_mb) << 20;
    options.reload_s = config.script_reload_s;
    options.max_failures = std::max(1, config.script_max_failures);
    try {
      auto lua = script::discover(config.script_dirs, options);
      all.insert(all.end(), lua.begin(), lua.end());
    } catch (const script::ManifestError& e) {
      throw ConfigError(e.what());
    }
  }
  std::set<std::string> names;
  for (const auto& f : all) {
    if (!names.insert(f.name).second) {
      throw ConfigError("two modules are named '" + f.name +
                        "': rename the third-party one (module names are unique)");
    }
  }
  auto check_names = [&](const std::vector<std::string>& listed, const std::string& where) {
    for (const auto& name : listed) {
      if (!names.count(name)) {
        throw ConfigError(where + ": there is no module named '" + name +
                          "' — the modules are: " + names_of(all));
      }
    }
  };
  check_names(config.modules_enabled, "[modules] enabled");
  check_names(config.modules_disabled, "[modules] disabled");
  for (const auto& [name, table] : config.module_config) {
    (void)table;
    if (!names.count(name)) {
      throw ConfigError("[modules." + name + "]: there is no module named '" + name +
                        "' — the modules are: " + names_of(all));
    }
  }
  auto listed = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  std::stable_sort(all.begin(), all.end(), [](const ModuleFactory& a, const ModuleFactory& b) {
    return a.order < b.order;
  });
  const bool has_content = !config.content_source.empty();
  for (const auto& factory : all) {
    const bool on = listed(config.modules_enabled, factory.name) ||
                    (!listed(config.modules_disabled, factory.name) &&
                     runs_by_default(factory.when, has_content));
    if (!on) continue;
    auto module = factory.make();
    ModuleInfo info = module->info();
    if (info.name != factory.name) {
      throw ConfigError("module factory '" + factory.name + "' made a module named '" + info.name +
                        "': the two names must be the same");
    }
    auto table = config.module_config.find(factory.name);
    check_module_config(
        info, table == config.module_config.end() ? boost::json::object{} : table->second);
    registry.add(std::move(module));
  }
}

void register_content_modules(const EngineConfig& config, const std::vector<ModuleFactory>& extra,
                              ModuleRegistry& registry) {
  EngineConfig with_content = config;
  if (with_content.content_source.empty()) with_content.content_source = "(checked workbook)";
  register_modules(with_content, extra, registry);
}

}  // namespace corebot::app
