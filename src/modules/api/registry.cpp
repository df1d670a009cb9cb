#include "corebot/registry.hpp"

#include <algorithm>
#include <set>

namespace corebot {

namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

void ModuleRegistry::add(std::unique_ptr<Module> module) {
  if (!module) throw RegistryError("module registry: null module");
  ModuleInfo info = module->info();
  if (!valid_name(info.name)) {
    throw RegistryError("module registry: invalid module name '" + info.name +
                        "' (use lower-case letters, digits and '_')");
  }
  if (info.api_version != kModuleApiVersion) {
    throw RegistryError("module '" + info.name + "' was built for module API " +
                        std::to_string(info.api_version) + ", this engine has " +
                        std::to_string(kModuleApiVersion));
  }
  for (const auto& existing : infos_) {
    if (existing.name == info.name) {
      throw RegistryError("module registry: module '" + info.name + "' is registered twice");
    }
  }
  for (const auto& command : info.commands) {
    if (auto it = commands_.find(command.name); it != commands_.end()) {
      throw RegistryError("module '" + info.name + "' claims /" + command.name +
                          ", already claimed by '" + it->second->info().name + "'");
    }
  }
  if (!info.callback_prefix.empty()) {
    if (info.callback_prefix.find(':') != std::string::npos) {
      throw RegistryError("module '" + info.name + "': callback prefix '" + info.callback_prefix +
                          "' must not contain ':'");
    }
    if (auto it = prefixes_.find(info.callback_prefix); it != prefixes_.end()) {
      throw RegistryError("module '" + info.name + "' claims callback prefix '" +
                          info.callback_prefix + "', already claimed by '" +
                          it->second->info().name + "'");
    }
  }
  if (info.page_buttons && info.callback_prefix.empty()) {
    throw RegistryError("module '" + info.name + "': page_buttons needs a callback prefix");
  }
  for (const auto& entry : info.admin_menu) {
    if (info.callback_prefix.empty() ||
        entry.callback_data.rfind(info.callback_prefix + ":", 0) != 0) {
      throw RegistryError("module '" + info.name + "': admin menu entry '" + entry.title +
                          "' must use the module's callback prefix");
    }
  }
  Module* raw = module.get();
  for (const auto& command : info.commands) commands_[command.name] = raw;
  if (!info.callback_prefix.empty()) prefixes_[info.callback_prefix] = raw;
  infos_.push_back(std::move(info));
  modules_.push_back(std::move(module));
}

Module* ModuleRegistry::for_command(std::string_view command) const {
  auto it = commands_.find(command);
  return it == commands_.end() ? nullptr : it->second;
}

Module* ModuleRegistry::for_callback_prefix(std::string_view prefix) const {
  auto it = prefixes_.find(prefix);
  return it == prefixes_.end() ? nullptr : it->second;
}

std::vector<std::string> ModuleRegistry::allowed_updates() const {
  std::set<std::string> kinds;
  for (const auto& info : infos_) {
    if (!info.commands.empty()) kinds.insert("message");
    if (!info.callback_prefix.empty()) kinds.insert("callback_query");
    kinds.insert(info.update_kinds.begin(), info.update_kinds.end());
  }
  return {kinds.begin(), kinds.end()};
}

std::vector<CommandSpec> ModuleRegistry::commands() const {
  std::vector<CommandSpec> all;
  for (const auto& info : infos_) all.insert(all.end(), info.commands.begin(), info.commands.end());
  return all;
}

std::vector<CommandSpec> ModuleRegistry::published_commands(const Content* content) const {
  std::vector<CommandSpec> out;
  for (const auto& command : commands()) {
    if (command.description.empty() || (command.offered && !command.offered(content))) continue;
    out.push_back(command);
  }
  return out;
}

}  // namespace corebot
