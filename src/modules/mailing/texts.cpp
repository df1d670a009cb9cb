#include "modules/mailing/texts.hpp"

#include <stdexcept>

namespace corebot::modules::mailing {
namespace {

struct Entry {
  std::string_view key, en, ru;
};

constexpr Entry kTexts[] = {
    {"mailing_ask_message",
     "📨 New mailing. Send me the message to mail: a text (formatting is kept), a photo, video, "
     "document, voice message or an album. /cancel to stop.",
     "📨 Новая рассылка. Пришлите сообщение для рассылки: текст (форматирование сохранится), "
     "фото, видео, документ, голосовое или альбом. /cancel — отмена."},
    {"mailing_preview",
     "☝️ This is how recipients will see it. Add link buttons, or choose who gets it:",
     "☝️ Так сообщение увидят получатели. Добавьте "
     "кнопки-ссылки "
     "или "
     "выберите "
     "получателей:"},
    {"mailing_ask_buttons", "Send the buttons, one per line: Title - https://link",
     "Пришлите кнопки, по одной в строке: Текст - https://ссылка"},
    {"mailing_bad_buttons", "Line {line} is not \"Title - https://link\". Send the buttons again.",
     "Строка {line} не в виде «Текст - https://ссылка». Пришлите кнопки ещё раз."},
    {"mailing_no_buttons_on_album", "An album cannot carry buttons.",
     "К альбому нельзя добавить кнопки."},
    {"mailing_add_buttons", "➕ Link buttons", "➕ Кнопки-ссылки"},
    {"mailing_aud_all", "👥 Everyone", "👥 Все"},
    {"mailing_aud_language", "🌐 By language", "🌐 По языку"},
    {"mailing_aud_tag", "🏷 By tag", "🏷 По тегу"},
    {"mailing_aud_active", "🕒 Active recently", "🕒 Недавно активные"},
    {"mailing_aud_filter", "🔎 Filter", "🔎 Фильтр"},
    {"mailing_aud_me", "🧪 Only me (test)", "🧪 Только мне (тест)"},
    {"mailing_cancel_button", "✖️ Cancel", "✖️ Отмена"},
    {"mailing_ask_language", "Send the language code, e.g. en or ru.",
     "Пришлите код языка, например ru или en."},
    {"mailing_ask_tag", "Send the tag.", "Пришлите тег."},
    {"mailing_ask_days", "Active in how many last days? Send a number.",
     "Активные за сколько последних дней? Пришлите число."},
    {"mailing_ask_filter",
     "Send a filter on user fields as JSON, e.g. {\"language_code\":\"ru\",\"tags\":\"vip\"}.",
     "Пришлите фильтр по полям пользователя в JSON, например "
     "{\"language_code\":\"ru\",\"tags\":\"vip\"}."},
    {"mailing_bad_value", "That does not work: {error}. Send it again.",
     "Не подходит: {error}. Пришлите ещё раз."},
    {"mailing_ask_time",
     "When should it start? Press “Now”, or send a time as YYYY-MM-DD HH:MM (UTC).",
     "Когда начать? Нажмите «Сейчас» или пришлите время как ГГГГ-ММ-ДД ЧЧ:ММ (UTC)."},
    {"mailing_now", "▶️ Now", "▶️ Сейчас"},
    {"mailing_bad_time", "Send the time as YYYY-MM-DD HH:MM (UTC), in the future, or press “Now”.",
     "Пришлите время как ГГГГ-ММ-ДД ЧЧ:ММ (UTC), в будущем, или нажмите «Сейчас»."},
    {"mailing_confirm", "Audience: {audience} — {count} recipient(s) now.\nStart: {when}.\nSend?",
     "Получатели: {audience} — сейчас {count}.\nСтарт: {when}.\nОтправить?"},
    {"mailing_confirm_button", "✅ Send", "✅ Отправить"},
    {"mailing_when_now", "now", "сейчас"},
    {"mailing_discarded", "Mailing discarded.", "Рассылка отменена."},
    {"mailing_expired", "This draft is gone. Send /mailing to start again.",
     "Черновик устарел. Отправьте /mailing, чтобы начать заново."},
    {"mailing_failed_to_start", "The mailing did not start: {error}",
     "Рассылка не запущена: {error}"},
    {"mailing_progress",
     "📨 Mailing {id} — {status}\n{bar} {percent}%\n✅ sent {sent} · ⛔ blocked {blocked} · "
     "⚠️ failed {failed} · ⏳ left {left} of {total}\n{rate}/s · ETA {eta}",
     "📨 Рассылка {id} — {status}\n{bar} {percent}%\n✅ доставлено {sent} · ⛔ заблокировали "
     "{blocked} · ⚠️ ошибки {failed} · ⏳ осталось {left} из "
     "{total}\n{rate}/с "
     "· "
     "ещё "
     "{eta}"},
    {"mailing_scheduled_at", "📨 Mailing {id} — scheduled for {when} (UTC).",
     "📨 Рассылка {id} — запланирована на {when} (UTC)."},
    {"mailing_status_preparing", "preparing", "подготовка"},
    {"mailing_status_scheduled", "scheduled", "запланирована"},
    {"mailing_status_running", "sending", "идёт"},
    {"mailing_status_paused", "paused", "на паузе"},
    {"mailing_status_cancelled", "cancelled", "отменена"},
    {"mailing_status_done", "done", "завершена"},
    {"mailing_pause", "⏸ Pause", "⏸ Пауза"},
    {"mailing_resume", "▶️ Resume", "▶️ Продолжить"},
    {"mailing_cancel_mailing", "⏹ Cancel", "⏹ Отменить"},
    {"mailing_report",
     "📊 Mailing {id} {status}.\nRecipients: {total}\n✅ Sent: {sent}\n⛔ Blocked or gone: "
     "{blocked}\n⚠️ Failed: {failed}\n⏳ Not reached: {left}\nTook {duration}.",
     "📊 Рассылка {id}: {status}.\nПолучателей: {total}\n✅ Доставлено: {sent}\n⛔ Заблокировали "
     "или недоступны: {blocked}\n⚠️ Ошибки: {failed}\n⏳ Не дошло: "
     "{left}\nЗаняло "
     "{duration}."},
    {"mailing_unknown", "No such mailing.", "Такой рассылки нет."},
    {"mailing_menu_entry", "📨 Mailings", "📨 Рассылки"},
    {"mailing_menu", "📨 Mailings. Recent ones are below; press New to compose one.",
     "📨 Рассылки. Последние — ниже; «Новая», чтобы составить."},
    {"mailing_new", "➕ New mailing", "➕ Новая рассылка"},
};

const Entry& entry(std::string_view key) {
  for (const auto& e : kTexts) {
    if (e.key == key) return e;
  }
  throw std::logic_error("mailing: no text '" + std::string(key) + "'");
}

}  // namespace

std::vector<std::string> text_keys() {
  std::vector<std::string> keys;
  for (const auto& e : kTexts) keys.emplace_back(e.key);
  return keys;
}

std::string say(const Content* content, std::string_view language, std::string_view key,
                std::initializer_list<std::pair<std::string_view, std::string>> values) {
  const Entry& e = entry(key);
  std::string text;
  if (content && content->has_text(key)) text = std::string(content->text(key, language));
  if (text.empty()) text = std::string(language.substr(0, 2) == "ru" ? e.ru : e.en);
  for (const auto& [name, value] : values) {
    const std::string mark = "{" + std::string(name) + "}";
    for (auto pos = text.find(mark); pos != std::string::npos;
         pos = text.find(mark, pos + value.size())) {
      text.replace(pos, mark.size(), value);
    }
  }
  return text;
}

}  // namespace corebot::modules::mailing
