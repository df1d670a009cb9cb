#include "modules/admin/texts.hpp"

#include "corebot/phrases.hpp"

namespace corebot::modules::admin {

namespace {

// One row per text. Keys start with admin_ so they never clash with an owner's own keys.
constexpr Phrase kPhrases[] = {
    {"admin_menu", "Admin panel. What would you like to do?",
     "Панель администратора. Что сделать?"},
    {"admin_stale_button", "This button is out of date. Send /admin for the current menu.",
     "Эта кнопка устарела. Отправьте /admin, чтобы открыть меню заново."},
    {"admin_not_allowed", "Your role does not allow this.", "Ваша роль этого не позволяет."},
    {"admin_back", "« Menu", "« Меню"},
    {"admin_failed", "That did not work: {}. Try again in a moment.",
     "Не получилось: {}. Попробуйте ещё раз чуть позже."},
    // Sections (the panel's own admin_menu entries).
    {"admin_button_stats", "📊 Statistics", "📊 Статистика"},
    {"admin_button_content", "📄 Content", "📄 Контент"},
    {"admin_button_users", "👥 Users", "👥 Пользователи"},
    {"admin_button_maintenance", "🛠 Maintenance mode",
     "🛠 Техническое обслуживание"},
    {"admin_button_exports", "📤 Exports", "📤 Выгрузки"},
    {"admin_button_admins", "🔑 Admins", "🔑 Администраторы"},
    {"admin_button_backup", "💾 Backup", "💾 Резервная копия"},
    // Statistics.
    {"admin_stats",
     "📊 Statistics\n\nUsers: {}\nNew: {} (24 h) · {} (7 d) · {} (30 d)\nActive: {} (24 h) · {} "
     "(7 d) · {} (30 d)\nBlocked the bot: {}\nBanned: {}\nLanguages: {}\n\nUpdates today: {}\n"
     "Queue now: {} · sending {}/s\nUptime: {} · version {}",
     "📊 Статистика\n\nПользователей: {}\nНовых: {} (24 ч) · {} (7 дн) · {} (30 дн)\nАктивных: {} "
     "(24 ч) · {} (7 дн) · {} (30 дн)\nЗаблокировали бота: {}\nЗабанены: {}\nЯзыки: {}\n\n"
     "Обновлений сегодня: {}\nОчередь сейчас: {} · отправка {}/с\nРаботает: {} · версия {}"},
    {"admin_chart_button", "📈 Chart, 30 days", "📈 График за 30 дней"},
    {"admin_chart_caption", "New and active users, last 30 days (UTC)",
     "Новые и активные пользователи за 30 дней (UTC)"},
    {"admin_chart_new", "new", "новые"},
    {"admin_chart_active", "active", "активные"},
    // Content.
    {"admin_content", "📄 Content\n\nPages: {} · languages: {} · admins: {}",
     "📄 Контент\n\nСтраниц: {} · языков: {} · администраторов: {}"},
    {"admin_content_none", "📄 This bot runs without a spreadsheet: there is nothing to reload.",
     "📄 Бот работает без таблицы: обновлять нечего."},
    {"admin_reload_button", "🔄 Reload content", "🔄 Обновить контент"},
    {"admin_reloading", "Reloading the content…", "Обновляю контент…"},
    {"admin_changes", "What changed: {} page(s) added, {} removed, {} edited.",
     "Что изменилось: страниц добавлено {}, удалено {}, изменено {}."},
    {"admin_changes_none", "No page changed.", "Ни одна страница не изменилась."},
    {"admin_changes_added", "Added: {}", "Добавлены: {}"},
    {"admin_changes_removed", "Removed: {}", "Удалены: {}"},
    {"admin_changes_edited", "Edited: {}", "Изменены: {}"},
    // Users.
    {"admin_users_prompt",
     "👥 Send a user's id, @username or a part of their name. /admin goes back to the menu.",
     "👥 Пришлите id пользователя, @username или часть имени. /admin — назад в меню."},
    {"admin_users_none",
     "Nobody matches “{}”. Try an id, an @username or another part of the name.",
     "Никто не подходит под «{}». Попробуйте id, @username или другую часть имени."},
    {"admin_users_found", "Found {}:", "Найдено {}:"},
    {"admin_user_card",
     "👤 {}\nid {} · {}\nFirst seen: {}\nLast seen: {}\nLanguage: {}\nTags: {}\nBlocked the bot: "
     "{}\nBanned: {}",
     "👤 {}\nid {} · {}\nВпервые: {}\nПоследний раз: {}\nЯзык: {}\nТеги: {}\nЗаблокировал бота: "
     "{}\nЗабанен: {}"},
    {"admin_user_unknown", "The bot has never seen user {}.", "Бот не знает пользователя {}."},
    {"admin_yes", "yes", "да"},
    {"admin_no", "no", "нет"},
    {"admin_none", "none", "нет"},
    {"admin_ban_button", "🚫 Ban", "🚫 Забанить"},
    {"admin_unban_button", "✅ Unban", "✅ Разбанить"},
    {"admin_banned", "User {} is banned: the bot ignores them from now on.",
     "Пользователь {} забанен: бот больше не отвечает ему."},
    {"admin_unbanned", "User {} is unbanned.", "Пользователь {} разбанен."},
    {"admin_tag_add_button", "🏷 Add a tag", "🏷 Добавить тег"},
    {"admin_tag_remove_button", "✖ {}", "✖ {}"},
    {"admin_tag_prompt", "Send the tag to add to user {} (letters, digits, _ and -, up to 32).",
     "Пришлите тег для пользователя {} (буквы, цифры, _ и -, до 32 символов)."},
    {"admin_tag_bad", "“{}” is not a tag: use letters, digits, _ and -, up to 32. Send another.",
     "«{}» не подходит: используйте буквы, цифры, _ и -, до 32 символов. Пришлите другой."},
    {"admin_tag_added", "Tag “{}” added to user {}.", "Тег «{}» добавлен пользователю {}."},
    {"admin_tag_removed", "Tag “{}” removed from user {}.", "Тег «{}» снят с пользователя {}."},
    // Maintenance.
    {"admin_maintenance_on_state",
     "🛠 Maintenance mode is ON: users get the maintenance notice, admins keep working.",
     "🛠 Техническое обслуживание ВКЛЮЧЕНО: "
     "пользователи "
     "получают "
     "уведомление, "
     "администраторы "
     "работают как обычно."},
    {"admin_maintenance_off_state", "🛠 Maintenance mode is off: the bot answers everyone.",
     "🛠 Техническое обслуживание выключено: бот "
     "отвечает "
     "всем."},
    {"admin_maintenance_turn_on", "Turn on", "Включить"},
    {"admin_maintenance_turn_off", "Turn off", "Выключить"},
    {"admin_maintenance_text", "The bot is under maintenance. Please write again later.",
     "Бот на техническом обслуживании. Пожалуйста, напишите позже."},
    // Exports.
    {"admin_exports", "📤 What to export as a spreadsheet (XLSX)?",
     "📤 Что выгрузить в таблицу (XLSX)?"},
    {"admin_export_users", "Users", "Пользователи"},
    {"admin_export_audit", "Audit log", "Журнал действий"},
    {"admin_export_caption", "{}: {} row(s)", "{}: строк {}"},
    // Admins (owner only).
    {"admin_admins",
     "🔑 Admins\n\nOwners from the config or the first-run claim have every right. An admin "
     "listed by @username is bound to the first account that wrote with it; only that account "
     "has the rights afterwards.\n\n{}",
     "🔑 Администраторы\n\nВладельцы из конфигурации или по коду первого запуска имеют все права. "
     "Администратор, указанный через @username, привязывается к первому аккаунту, написавшему с "
     "этим именем; права есть только у этого аккаунта.\n\n{}"},
    {"admin_admins_row_id", "• {} — {} ({})", "• {} — {} ({})"},
    {"admin_admins_row_bound", "• @{} — {}, bound to id {} since {}",
     "• @{} — {}, привязан к id {} с {}"},
    {"admin_admins_row_unbound", "• @{} — {}, not bound yet (nobody wrote with this name)",
     "• @{} — {}, ещё не привязан (никто не писал с этим именем)"},
    {"admin_admins_none", "The Admins sheet lists nobody.", "В листе Admins никого нет."},
    // Backup (owner only).
    {"admin_backup_started", "💾 Taking a backup of the bot's data. The file follows in a moment.",
     "💾 Делаю резервную копию данных бота. Файл придёт через минуту."},
    {"admin_backup_failed", "💾 No backup this time: {}", "💾 Резервная копия не получилась: {}"},
    {"admin_backup_caption",
     "💾 Backup of {}: {} collection(s). It holds your users' data: keep it private. To restore "
     "it on the server: corebot restore FILE",
     "💾 Резервная копия от {}: коллекций {}. В ней данные ваших пользователей: не пересылайте "
     "её. Восстановить на сервере: corebot restore FILE"},
    // First-run ownership.
    {"admin_claimed", "🔑 You are the owner of this bot now. Send /admin to open the panel.",
     "🔑 Теперь вы владелец этого бота. Отправьте /admin, чтобы открыть панель."},
};

}  // namespace

bool russian(const Context& ctx) { return ctx.language().rfind("ru", 0) == 0; }

std::string say(const Context& ctx, std::string_view key) { return phrase(kPhrases, ctx, key); }

std::string format(std::string pattern, const std::vector<std::string>& values) {
  return fill(std::move(pattern), values);
}

std::vector<std::string> all_keys() { return phrase_keys(kPhrases); }

}  // namespace corebot::modules::admin
