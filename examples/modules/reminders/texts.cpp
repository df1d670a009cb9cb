#include "texts.hpp"

namespace reminders {

namespace {

struct Entry {
  Phrase phrase;
  std::string_view key;
  std::string_view en;
  std::string_view ru;
};

constexpr Entry kEntries[] = {
    {Phrase::kUsage, "reminders_usage",
     "Write it as /remind 10m Buy milk: a number and s, m, h or d, then the text.",
     "Напишите так: /remind 10m Купить молоко — число и s, m, h или d, затем текст."},
    {Phrase::kZero, "reminders_zero", "A reminder needs a delay of at least 1s.",
     "Напоминанию нужна задержка хотя бы 1s."},
    {Phrase::kTooFar, "reminders_too_far", "I can remind you at most 365 days ahead.",
     "Я могу напомнить не позже чем через 365 дней."},
    {Phrase::kTooLong, "reminders_too_long", "A reminder can be at most 1000 characters long.",
     "Напоминание может быть не длиннее 1000 символов."},
    {Phrase::kLimit, "reminders_limit",
     "You already have as many reminders as I keep for one person ({max}). Send /reminders and "
     "/forget one first.",
     "У вас уже столько напоминаний, сколько я храню для одного человека ({max}). Отправьте "
     "/reminders и удалите одно командой /forget."},
    {Phrase::kSet, "reminders_set", "OK, I will remind you in {in}: {text}",
     "Хорошо, напомню через {in}: {text}"},
    {Phrase::kDue, "reminders_due", "⏰ Reminder: {text}", "⏰ Напоминание: {text}"},
    {Phrase::kNone, "reminders_none", "You have no reminders. Set one: /remind 10m Buy milk",
     "У вас нет напоминаний. Поставьте: /remind 10m Купить молоко"},
    {Phrase::kListHead, "reminders_list_head", "Your reminders:", "Ваши напоминания:"},
    {Phrase::kListItem, "reminders_list_item", "{n}. in {in}: {text}", "{n}. через {in}: {text}"},
    {Phrase::kListFoot, "reminders_list_foot", "/forget and a number cancels one: /forget 1",
     "/forget и номер удаляет напоминание: /forget 1"},
    {Phrase::kForgetUsage, "reminders_forget_usage",
     "Write /forget and the number from /reminders, e.g. /forget 2",
     "Напишите /forget и номер из /reminders, например /forget 2"},
    {Phrase::kForgetMissing, "reminders_forget_missing",
     "You have no reminder number {n}. /reminders lists them.",
     "У вас нет напоминания номер {n}. Список — /reminders."},
    {Phrase::kForgotten, "reminders_forgotten", "Forgotten: {text}", "Удалено: {text}"},
    {Phrase::kFailed, "reminders_failed", "Something went wrong on my side. Please try again.",
     "У меня что-то сломалось. Попробуйте ещё раз."},
    {Phrase::kExportCaption, "reminders_export_caption", "Pending reminders: {count}.",
     "Ожидают отправки: {count}."},
    {Phrase::kExportFailed, "reminders_export_failed", "Could not send the file: {error}",
     "Не удалось отправить файл: {error}"},
};

const Entry& entry(Phrase phrase) {
  for (const Entry& e : kEntries) {
    if (e.phrase == phrase) return e;
  }
  return kEntries[0];  // unreachable: every Phrase has an entry (texts_test checks)
}

}  // namespace

std::string_view key_of(Phrase phrase) { return entry(phrase).key; }

std::string say(const corebot::Content* content, std::string_view language, Phrase phrase,
                const std::vector<std::pair<std::string_view, std::string>>& fill) {
  const Entry& e = entry(phrase);
  std::string text;
  if (content && content->has_text(e.key)) {
    text = std::string(content->text(e.key, language));
  } else {
    text = std::string(language.substr(0, 2) == "ru" ? e.ru : e.en);
  }
  for (const auto& [name, value] : fill) {
    const std::string placeholder = "{" + std::string(name) + "}";
    for (auto at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

std::string say(const corebot::Context& ctx, Phrase phrase,
                const std::vector<std::pair<std::string_view, std::string>>& fill) {
  return say(ctx.content(), ctx.language(), phrase, fill);
}

}  // namespace reminders
