// The module interface: what a module declares and how the engine calls it. Built-in modules are
// written against this header (and the others in include/corebot/) only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corebot/content.hpp"
#include "corebot/context.hpp"
#include "corebot/role.hpp"
#include "corebot/services.hpp"

namespace corebot {

// Bumped when this interface changes incompatibly; the registry refuses a module built for
// another version.
inline constexpr int kModuleApiVersion = 2;

struct CommandSpec {
  std::string name;         // without the slash: "start"
  std::string description;  // shown in Telegram's command menu (setMyCommands)
  // Whether the menu offers the command with this content (nullptr: the bot has no spreadsheet);
  // unset: always. Offer a command only when it can do something (/cancel only when there are
  // forms). The command is routed to the module either way; the engine publishes the menu again
  // when a reload changes it.
  std::function<bool(const Content*)> offered;
};

// A button of the admin panel (/admin, shown to the bot's admins only): the panel lists every
// running module's entries, in registration order, to those whose role is at least `role`.
// Pressing one sends the callback data to the module like any callback of its prefix. Callback
// data can be forged by a client, so the module checks ctx.role() (or ctx.is_admin()) again
// before acting on it.
struct AdminMenuEntry {
  std::string title;          // button text in the admin menu
  std::string callback_data;  // must start with the module's callback prefix
  Role role = Role::kAdmin;   // the lowest role that sees the button
  // The title in other languages, by language code ("ru"); the admin's Telegram language picks
  // one, `title` otherwise.
  std::map<std::string, std::string, std::less<>> titles;
};

// One of the module's collections that the admin panel may export as a spreadsheet (Exports).
struct ExportableCollection {
  std::string collection;  // the module's own name for it: "leads" for "forms.leads"
  std::string title;       // the button and sheet title: "Leads"
};

// What a module declares. The registry checks it; the dispatcher routes by it.
struct ModuleInfo {
  std::string name;     // unique, [a-z0-9_]+
  std::string version;  // the module's own version, for logs
  int api_version = kModuleApiVersion;
  std::vector<CommandSpec> commands;  // routed to on_update when the message is that command
  std::string callback_prefix;        // callback data "<prefix>:..." is routed here; empty: none
  // Update kinds (Telegram's names: "message", "callback_query", "chat_member", ...) this module
  // wants to see whatever their content; used also to compute getUpdates' allowed_updates.
  std::vector<std::string> update_kinds;
  // Also called with every command another module owns, just before that module (e.g. to end a
  // conversation in progress when the user sends /start). Return kContinue to let the owner have
  // it; kStop keeps it from the owner.
  bool sees_all_commands = false;
  std::vector<AdminMenuEntry> admin_menu;
  // Collections admins (role kAdmin and up) may export as XLSX from the panel.
  std::vector<ExportableCollection> exports;

  // Content (the owner's spreadsheet). The engine validates these with the core sheets at every
  // load; a module reads them through Context::content()->rows(name).
  std::vector<ContentSheet> sheets;
  std::vector<ContentSetting> settings;  // keys the module accepts in the Settings sheet
  // Buttons in Pages may lead to "<callback_prefix>:<argument>" (e.g. "form:request"); pressing
  // one routes its callback data here. Needs a callback_prefix.
  bool page_buttons = false;
  ContentCheck content_check;  // optional cross-row rules; its errors block a load

  // The keys of the Texts sheet the module will look up with Context::text() with this content
  // (forms: none without a form, form_bad_date only with a date question): its own wording,
  // which the owner translates or rewords there. Every load (and `corebot check`) warns when the
  // Texts sheet has a language other than English but no row for one of them, since users of
  // that language would get the module's built-in English. Unset: none.
  std::function<std::vector<std::string>(const Content&)> text_keys;
};

// What on_update tells the dispatcher.
enum class Handled {
  kContinue,  // let later modules see the update too
  kStop,      // the update is dealt with
};

// A module's life: constructed, info() read and checked by the registry, start() before the first
// update, on_update() for each update routed to it, stop() after the last update finished (before
// the outbox drains, so what stop() sends still leaves), then destroyed.
class Module {
 public:
  virtual ~Module() = default;
  [[nodiscard]] virtual ModuleInfo info() const = 0;
  // Called once on the loop thread before any update: keep `services` (valid until stop()
  // returned), register job handlers, start timers, check the module's settings. Throwing stops
  // the engine from starting, with the module's name and the exception's message; say what is
  // wrong and how to fix it.
  virtual void start(ModuleServices& services) { (void)services; }
  // Called once on the loop thread when the engine stops, after the last update was handled.
  // Timers are cancelled by the engine right after; must not block.
  virtual void stop() {}
  // Called for each update routed to this module, on the loop thread. Must not block: do slow
  // work asynchronously and keep `ctx.hold()` alive until it is done (the chat's next update
  // waits for it). An exception is caught, logged with the module's name, and treated as kStop.
  virtual Handled on_update(Context& ctx) = 0;
};

}  // namespace corebot
