#include "modules/support/texts.hpp"

#include "corebot/phrases.hpp"

namespace corebot::modules::support {
namespace {

// Keys start with support_ so they never clash with an owner's own keys.
constexpr Phrase kPhrases[] = {
    // The customer's side.
    {"support_open",
     "✍️ Write your question here: text, photos, files or voice messages. Our team answers in "
     "this chat.",
     "✍️ Напишите ваш вопрос: текстом, фото, файлом или "
     "голосовым. "
     "Команда "
     "поддержки "
     "ответит "
     "в этом чате."},
    {"support_end_button", "✖ Leave support", "✖ Выйти из поддержки"},
    {"support_left", "You left the support chat. /support brings you back.",
     "Вы вышли из чата поддержки. /support вернёт вас обратно."},
    {"support_sent", "✅ Sent to our team. We will answer here.",
     "✅ Передали команде. Ответим здесь."},
    {"support_unavailable", "Support is not available right now. Please try again later.",
     "Поддержка сейчас недоступна. Попробуйте, пожалуйста, позже."},
    {"support_failed",
     "⚠️ Your message did not reach our team.\nPlease send it again in a minute.",
     "⚠️ Сообщение не дошло до команды.\n"
     "Пожалуйста, отправьте его ещё раз через минуту."},
    {"support_closed", "✅ Your conversation with support is closed. How did we do?",
     "✅ Обращение в поддержку закрыто. Оцените, пожалуйста, нашу помощь:"},
    {"support_thanks", "Thank you! Your rating: {}/5", "Спасибо! Ваша оценка: {}/5"},
    {"support_already_rated", "You have already rated this conversation.",
     "Это обращение вы уже оценили."},
    // The operators' group.
    {"support_card", "👤 {}\n{} · language: {} · id {}\nTags: {}\nWith the bot since {}",
     "👤 {}\n{} · язык: {} · id {}\nТеги: {}\nС ботом с {}"},
    {"support_no_username", "no @username", "без @username"},
    {"support_none", "none", "нет"},
    {"support_header", "💬 {} ({}, id {}). Reply to this message to answer.",
     "💬 {} ({}, id {}). Ответьте на это сообщение, чтобы ответить клиенту."},
    {"support_reopened", "🔄 The customer wrote again: the conversation is open again.",
     "🔄 Клиент написал снова: обращение открыто заново."},
    {"support_closed_note", "✅ Closed by {}. The customer was asked for a rating.",
     "✅ Закрыто: {}. Клиента попросили оценить помощь."},
    {"support_not_delivered", "❗ Not delivered to the customer: {}", "❗ Клиенту не доставлено: {}"},
    {"support_close_how", "Reply to a customer's message with /close to close their conversation.",
     "Чтобы закрыть обращение, ответьте /close на сообщение клиента."},
    // The admin panel's entry and /support_here.
    {"support_menu_entry", "🎧 Support desk", "🎧 Поддержка"},
    {"support_panel", "🎧 Support desk\n\nOperators' group: {} ({})",
     "🎧 Поддержка\n\nГруппа операторов: {} ({})"},
    {"support_panel_none", "none yet", "пока нет"},
    {"support_from_setting", "the group_id setting", "настройка group_id"},
    {"support_from_chat", "chosen with /support_here", "выбрана командой /support_here"},
    {"support_panel_how",
     "To choose the group: add the bot to it as an admin (with the right to manage topics) and "
     "send /support_here there.",
     "Чтобы выбрать группу: добавьте в неё бота администратором (с правом управлять темами) и "
     "отправьте там /support_here."},
    {"support_here_done", "✅ Support conversations now come to this group.",
     "✅ Обращения в поддержку теперь приходят в эту группу."},
    {"support_here_setting",
     "The group is set by group_id in the config or the Settings sheet ({}): change it there.",
     "Группа задана настройкой group_id в конфигурации или на листе Settings ({}): измените её "
     "там."},
};

}  // namespace

std::string say_in(std::string_view language, std::string_view key) {
  return phrase_in(kPhrases, language, key);
}

std::string say(const Context& ctx, std::string_view key) { return phrase(kPhrases, ctx, key); }

std::string format(std::string pattern, const std::vector<std::string>& values) {
  return fill(std::move(pattern), values);
}

std::vector<std::string> all_keys() { return phrase_keys(kPhrases); }

}  // namespace corebot::modules::support
