#include "modules/support/support_module.hpp"

#include <charconv>
#include <chrono>

#include "corebot/module_factory.hpp"
#include "modules/support/texts.hpp"

namespace corebot::modules::support {
namespace json = boost::json;
namespace {

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The session key that says the customer is talking to support: their messages go to the group.
constexpr std::string_view kActive = "active";

json::object& state(Context& ctx) {
  json::value& v = ctx.session()["support"];
  if (!v.is_object()) v = json::object{};
  return v.as_object();
}

}  // namespace

ModuleInfo SupportModule::info() const {
  ModuleInfo info;
  info.name = "support";
  info.version = "1";
  info.commands = {{"support", "Contact support", {}},
                   // /close is the operators' command in the group: never in the menu.
                   {"close", "Close a support conversation", [](const Content*) { return false; }},
                   // An admin sends it in the group that is to receive the conversations.
                   {"support_here", "Make this group the operators' group",
                    [](const Content*) { return false; }}};
  info.admin_menu = {{.title = say_in("en", "support_menu_entry"),
                      .callback_data = "support:panel",
                      .role = Role::kAdmin,
                      .titles = {{"ru", say_in("ru", "support_menu_entry")}}}};
  info.callback_prefix = "support";
  info.update_kinds = {"message"};
  info.sees_all_commands = true;  // another module's command takes the customer out of support
  info.page_buttons = true;       // "Contact us -> support:open" in Pages
  info.exports = {{"conversations", "Support conversations"}, {"ratings", "Support ratings"}};
  info.settings = {
      {"group_id",
       ColumnType::kInteger,
       {},
       "",
       "The operators' group (its id, e.g. -1001234567890): a forum supergroup with topics, or a "
       "plain group. The bot must be an admin there.",
       false,
       "Группа операторов (её id, например -1001234567890): супергруппа с темами или обычная "
       "группа. Бот должен быть в ней администратором."},
      {"group_language",
       ColumnType::kEnum,
       {"en", "ru"},
       "en",
       "The language of the bot's notes in the operators' group: en or ru.",
       false,
       "Язык служебных сообщений бота в группе операторов: en или ru."},
  };
  info.text_keys = [](const Content&) {
    return std::vector<std::string>{
        "support_open",       "support_end_button",    "support_left",
        "support_sent",       "support_unavailable",   "support_failed",
        "support_thanks",     "support_already_rated", "support_panel",
        "support_panel_none", "support_from_setting",  "support_from_chat",
        "support_panel_how"};
  };
  return info;
}

void SupportModule::start(ModuleServices& services) {
  services_ = &services;
  services.store().run(
      [](ModuleCollections& c) {
        return c.collection("config").find_one({{"_id", "group"}});
      },
      [this](StoreResult<std::optional<json::object>> found) {
        if (services_ == nullptr) return;
        if (found && found.value() && found.value()->contains("group_id") &&
            found.value()->at("group_id").is_int64()) {
          chosen_group_ = found.value()->at("group_id").get_int64();
        }
        if (group_id() == 0) {
          services_->log(LogLevel::kWarn,
                         "no operators' group: customers who ask for support are told it is "
                         "unavailable — set [modules.support] group_id (or group_id in the "
                         "Settings sheet) to the group's id, or send /support_here in the group");
        }
      });
}

std::int64_t SupportModule::setting_group() const {
  if (services_ == nullptr) return 0;
  const auto value = services_->settings().get("group_id");
  return value ? parse_int(*value).value_or(0) : 0;
}

std::int64_t SupportModule::group_id() const {
  const std::int64_t set = setting_group();
  return set != 0 ? set : chosen_group_;
}

void SupportModule::choose_group(Context& ctx) {
  if (ctx.role() < Role::kAdmin) return;  // not for operators or members
  const std::string language = group_language();
  if (setting_group() != 0) {
    ctx.reply(format(say_in(language, "support_here_setting"), {std::to_string(setting_group())}));
    return;
  }
  const std::int64_t group = *ctx.chat_id();
  services_->store().run(
      [group](ModuleCollections& c) {
        c.collection("config").replace_one(
            {{"_id", "group"}}, {{"_id", "group"}, {"group_id", group}}, {.upsert = true});
      },
      [this, hold = ctx.hold(), group, language](StoreResult<std::monostate> saved) {
        if (services_ == nullptr) return;
        if (!saved) {
          services_->log(LogLevel::kError, std::string("saving the operators' group failed: ") +
                                               saved.error().what());
          return;
        }
        chosen_group_ = group;
        forum_.erase(group);  // learn again whether it is a forum
        hold->reply(say_in(language, "support_here_done"));
      });
}

void SupportModule::show_panel(Context& ctx) {
  ctx.answer_callback();
  if (!ctx.is_admin()) return;  // callback data can be forged
  const std::int64_t group = group_id();
  const std::string where = group == 0 ? say(ctx, "support_panel_none") : std::to_string(group);
  const std::string source = setting_group() != 0 ? say(ctx, "support_from_setting")
                             : group != 0         ? say(ctx, "support_from_chat")
                                                  : "-";
  ctx.reply(format(say(ctx, "support_panel"), {where, source}) + "\n\n" +
            say(ctx, "support_panel_how"));
}

std::string SupportModule::group_language() const {
  return services_ == nullptr ? "en" : services_->settings().get_or("group_language", "en");
}

std::int64_t SupportModule::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             services_->clock().wall().time_since_epoch())
      .count();
}

Handled SupportModule::on_update(Context& ctx) {
  if (services_ == nullptr || !ctx.chat_id()) return Handled::kContinue;
  if (ctx.command() == "support_here") {
    if (*ctx.chat_id() < 0) choose_group(ctx);
    return Handled::kStop;
  }
  if (ctx.callback_data() == "support:panel") {
    show_panel(ctx);
    return Handled::kStop;
  }
  const std::int64_t group = group_id();
  if (group != 0 && *ctx.chat_id() == group) return on_group(ctx);
  if (*ctx.chat_id() <= 0) return Handled::kContinue;  // other groups are not ours
  return on_customer(ctx);
}

Handled SupportModule::on_customer(Context& ctx) {
  if (ctx.kind() == "callback_query") {
    const std::string_view data = ctx.callback_data();
    if (data == "support:open") {
      open(ctx);
      ctx.answer_callback();
      return Handled::kStop;
    }
    if (data == "support:leave") {
      state(ctx)[kActive] = false;
      ctx.answer_callback();
      ctx.reply(say(ctx, "support_left"));
      return Handled::kStop;
    }
    // support:rate:<seq>:<stars>
    if (data.starts_with("support:rate:")) {
      const std::string_view rest = data.substr(13);
      const auto colon = rest.find(':');
      const auto seq = parse_int(rest.substr(0, colon));
      const auto stars =
          colon == std::string_view::npos ? std::nullopt : parse_int(rest.substr(colon + 1));
      if (seq && stars && *stars >= 1 && *stars <= 5) {
        rate(ctx, *seq, static_cast<int>(*stars));
      } else {
        ctx.answer_callback();
      }
      return Handled::kStop;
    }
    return Handled::kContinue;
  }
  if (ctx.kind() != "message") return Handled::kContinue;
  if (ctx.command() == "support") {
    open(ctx);
    return Handled::kStop;
  }
  const json::value* active = state(ctx).if_contains(kActive);
  const bool in_support = active != nullptr && active->is_bool() && active->get_bool();
  if (!ctx.command().empty()) {
    // Another module's command (or an unknown one): the customer leaves the desk quietly; the
    // conversation stays as it is for the operators.
    if (in_support && ctx.command() != "close") state(ctx)[kActive] = false;
    return ctx.command() == "close" ? Handled::kStop : Handled::kContinue;
  }
  if (!in_support) return Handled::kContinue;
  const json::object& message = ctx.update().at("message").as_object();
  if (!copyable(message)) return Handled::kStop;
  relay_message(ctx);
  return Handled::kStop;
}

void SupportModule::open(Context& ctx) {
  if (group_id() == 0) {
    ctx.reply(say(ctx, "support_unavailable"));
    return;
  }
  state(ctx)[kActive] = true;
  // One row of one button. json::value(...) keeps the row a row: a one-element
  // json::array{json::array{...}} is a copy of the inner array with clang (CWG 2137), nested with
  // g++ (the fuzz build found it: fuzz/corpus/webhook/command_support.json).
  json::object markup{
      {"inline_keyboard",
       json::array{json::value(json::array{json::object{{"text", say(ctx, "support_end_button")},
                                                        {"callback_data", "support:leave"}}})}}};
  ctx.reply(say(ctx, "support_open"), {{"reply_markup", std::move(markup)}});
}

void SupportModule::rate(Context& ctx, std::int64_t seq, int stars) {
  const std::int64_t user = *ctx.user_id();
  const std::int64_t now = now_ms();
  // 1: rated now, 0: already rated, -1: no such closed conversation (a forged or stale button).
  services_->store().run(
      [user, seq, stars, now](ModuleCollections& c) -> int {
        auto doc = c.collection("conversations").find_one({{"_id", std::to_string(user)}});
        if (!doc) return -1;
        const Conversation conv = conversation_from(*doc);
        if (seq < 1 || seq > conv.seq || (seq == conv.seq && conv.open)) return -1;
        const std::string id = std::to_string(user) + ":" + std::to_string(seq);
        if (c.collection("ratings").count({{"_id", id}}) > 0) return 0;
        c.collection("ratings").insert_one({{"_id", id},
                                            {"user_id", user},
                                            {"seq", seq},
                                            {"rating", stars},
                                            {"name", conv.name},
                                            {"rated_ms", now}});
        return 1;
      },
      [this, hold = ctx.hold(), stars](StoreResult<int> result) {
        if (services_ == nullptr) return;
        if (!result) {
          services_->log(LogLevel::kError,
                         std::string("saving a rating failed: ") + result.error().what());
          hold->answer_callback();
          return;
        }
        if (result.value() < 0) {
          hold->answer_callback();
          return;
        }
        if (result.value() == 0) {
          hold->answer_callback(say(*hold, "support_already_rated"));
          return;
        }
        hold->answer_callback();
        hold->edit_text(hold->callback_message_id(),
                        format(say(*hold, "support_thanks"), {std::to_string(stars)}));
      });
}

ModuleFactory support_factory() {
  // Before forms (100) and pages (300): a customer talking to support is not answered by them.
  // Off unless the config enables it ([modules] enabled = ["support"]).
  return {"support", [] { return std::make_unique<SupportModule>(); }, ModuleDefault::kOff, 60};
}

}  // namespace corebot::modules::support
