// The explicit list of modules an engine runs. No self-registration: main() (or a test) adds
// each module, and the registry rejects what would make routing ambiguous.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "corebot/module.hpp"

namespace corebot {

class RegistryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ModuleRegistry {
 public:
  // Adds a module. Throws RegistryError, naming both modules where relevant, when: the name is
  // empty or malformed or taken, the API version differs from kModuleApiVersion, a command is
  // already claimed, or the callback prefix is taken or contains ':'.
  void add(std::unique_ptr<Module> module);

  [[nodiscard]] const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
  // What each module declared, in the same order as modules() (read once, at add()).
  [[nodiscard]] const std::vector<ModuleInfo>& infos() const { return infos_; }
  // The module a command or callback prefix routes to; nullptr when none.
  [[nodiscard]] Module* for_command(std::string_view command) const;
  [[nodiscard]] Module* for_callback_prefix(std::string_view prefix) const;
  // Telegram's allowed_updates for getUpdates/setWebhook: the union of what modules need.
  [[nodiscard]] std::vector<std::string> allowed_updates() const;
  // All declared commands, in registration order (what is routed).
  [[nodiscard]] std::vector<CommandSpec> commands() const;
  // Telegram's command menu (setMyCommands) with this content (nullptr: no spreadsheet): the
  // commands with a description whose `offered` accepts the content, in registration order.
  [[nodiscard]] std::vector<CommandSpec> published_commands(const Content* content) const;

 private:
  std::vector<std::unique_ptr<Module>> modules_;
  std::vector<ModuleInfo> infos_;
  std::map<std::string, Module*, std::less<>> commands_;
  std::map<std::string, Module*, std::less<>> prefixes_;
};

}  // namespace corebot
