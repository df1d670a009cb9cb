#include "modules/forms/content_check.hpp"

#include <map>
#include <string>

#include "corebot/ascii.hpp"
#include "corebot/utf8.hpp"
#include "modules/forms/answers.hpp"
#include "modules/forms/fields.hpp"

namespace corebot::modules::forms {
namespace {

// An option is a button label: the same limit as labels of Pages buttons.
constexpr std::size_t kMaxOptionCharacters = 64;

}  // namespace

ContentSheet forms_sheet() {
  // The help texts are the notes of the starter workbook (`corebot new`).
  return ContentSheet{
      .name = kSheet,
      .required = false,
      .columns = {{.name = "form",
                   .type = ColumnType::kId,
                   .required = true,
                   .max_length = 40,
                   .help = {"The form's id, one word; a Pages button \"Label -> form:<id>\" "
                            "starts it. The rows of one form are its questions, in order.",
                            "id формы одним словом; её запускает кнопка Pages "
                            "\"Надпись -> form:<id>\". Строки одной формы — её вопросы по "
                            "порядку.",
                            "request"}},
                  {.name = "field",
                   .type = ColumnType::kId,
                   .required = true,
                   .max_length = 30,
                   .help = {"The answer's name, one word, different within the form.",
                            "Имя ответа одним словом, в пределах формы не повторяется.", "phone"}},
                  {.name = "question",
                   .type = ColumnType::kText,
                   .required = true,
                   .max_length = 4000,
                   .help = {"What the bot asks (or a key of Texts).",
                            "Что спрашивает бот (или ключ листа Texts).", "Your phone number?"}},
                  {.name = "type",
                   .type = ColumnType::kEnum,
                   .choices = field_type_names(),
                   .help = {"The kind of answer; empty means text. choice shows the options as "
                            "buttons, phone offers a button that shares the number.",
                            "Вид ответа; пусто — text. choice показывает варианты кнопками, "
                            "phone предлагает кнопку «отправить номер».",
                            "phone"}},
                  {.name = "options",
                   .type = ColumnType::kText,
                   .help = {"For a choice question: the choices, separated by | (at most 20).",
                            "Для вопроса choice: варианты через | (не больше 20).",
                            "Morning | Evening"}},
                  {.name = "required",
                   .type = ColumnType::kBoolean,
                   .help = {"no adds a Skip button; empty means yes.",
                            "no добавляет кнопку «Пропустить»; пусто — yes.", "no"}},
                  {.name = "label",
                   .type = ColumnType::kText,
                   .max_length = 60,
                   .help = {"The answer's name in the summary and in the request admins get; "
                            "empty: the field.",
                            "Название ответа в итоге и в заявке для администраторов; пусто — "
                            "field.",
                            "Phone"}}},
      .help = {"Questions of forms users fill in (requests, sign-ups): one row per question.",
               "Вопросы анкет, которые заполняют пользователи (заявки, записи): одна строка — "
               "один вопрос."}};
}

std::vector<ContentProblem> check_forms(const Content& content) {
  std::vector<ContentProblem> problems;
  std::map<std::string, std::map<std::string, std::string>> seen;  // form -> field -> cell
  for (const ContentRow& row : content.rows(kSheet)) {
    const std::string form = ascii::lower(row.get("form"));
    const std::string field = ascii::lower(row.get("field"));
    auto [it, fresh] = seen[form].emplace(field, row.cell("field"));
    if (!fresh) {
      problems.push_back({true, row.sheet, row.cell("field"),
                          "the field \"" + field + "\" appears twice in form \"" + form +
                              "\" (also in " + it->second + ")",
                          "give every question of a form its own field name"});
    }
    // The column's max_length already limits the name to 30 characters; in bytes, a Cyrillic
    // name weighs twice, which matters only where it travels in callback data.
    const auto type = parse_field_type(row.get("type"));
    if (type == FieldType::kChoice) {
      const std::size_t bytes = answer_data(field, kMaxOptions - 1).size();
      if (bytes > kMaxCallbackDataBytes) {
        problems.push_back({true, row.sheet, row.cell("field"),
                            "the field name \"" + field +
                                "\" makes the buttons of this choice question carry " +
                                std::to_string(bytes) + " bytes; Telegram allows " +
                                std::to_string(kMaxCallbackDataBytes),
                            "use a shorter field name (letters outside A-Z count twice)"});
      }
    }
    const auto options = split_options(row.get("options"));
    if (type == FieldType::kChoice && options.empty()) {
      problems.push_back({true, row.sheet, row.cell("options"),
                          "the choice question \"" + field + "\" has no options",
                          "write the options, one per line or separated by |"});
    }
    if (options.size() > kMaxOptions) {
      problems.push_back({true, row.sheet, row.cell("options"),
                          "the question \"" + field + "\" has " + std::to_string(options.size()) +
                              " options; at most 20 fit",
                          "keep the list shorter"});
    }
    for (const auto& o : options) {
      if (utf8::length(o) > kMaxOptionCharacters) {
        problems.push_back({true, row.sheet, row.cell("options"),
                            "an option of \"" + field + "\" is " + std::to_string(utf8::length(o)) +
                                " characters long; a button shows at most " +
                                std::to_string(kMaxOptionCharacters),
                            "shorten the option"});
        break;
      }
    }
    if (type != FieldType::kChoice && !options.empty()) {
      problems.push_back({false, row.sheet, row.cell("options"),
                          "options are used only by choice questions; \"" + field + "\" is " +
                              std::string(row.get("type").empty() ? "text" : row.get("type")),
                          "set the type to choice, or clear the options"});
    }
  }
  const std::string prefix = std::string(kCallbackPrefix) + ":";
  for (const Page& page : content.pages()) {
    for (const auto& r : page.keyboard) {
      for (const auto& b : r) {
        if (b.kind != Button::Kind::kAction || b.target.rfind(prefix, 0) != 0) continue;
        const std::string form = b.target.substr(prefix.size());
        if (seen.count(form)) continue;
        const auto bang = page.buttons_source.find('!');
        problems.push_back({true, page.buttons_source.substr(0, bang),
                            bang == std::string::npos ? "" : page.buttons_source.substr(bang + 1),
                            "button \"" + b.text + "\" of page \"" + page.id + "\" starts form \"" +
                                form + "\", which is not in the Forms sheet",
                            "add the form's questions to Forms or correct the id"});
      }
    }
  }
  return problems;
}

std::vector<std::string> text_keys(const Content& content) {
  if (!has_forms(content)) return {};
  std::vector<std::string> keys = {
      "form_cancel",    "form_summary",      "form_confirm", "form_redo",    "form_done",
      "form_cancelled", "form_closed",       "form_error",   "form_gone",    "form_stale",
      "form_nothing",   "form_confirm_hint", "form_empty",   "stale_button", "menu"};
  std::map<FieldType, std::vector<std::string>> by_type = {
      {FieldType::kText, {"form_too_long"}},
      {FieldType::kNumber, {"form_bad_number"}},
      {FieldType::kPhone,
       {"form_bad_phone", "form_share_phone", "form_phone_hint", "form_saved", "form_menu_hint"}},
      {FieldType::kEmail, {"form_bad_email"}},
      {FieldType::kChoice, {"form_bad_choice"}},
      {FieldType::kDate, {"form_bad_date"}},
      {FieldType::kPhoto, {"form_bad_photo", "form_photo"}}};
  bool optional = false;
  for (const ContentRow& row : content.rows(kSheet)) {
    const Field field = field_of(row);
    if (auto it = by_type.find(field.type); it != by_type.end()) {
      keys.insert(keys.end(), it->second.begin(), it->second.end());
      by_type.erase(it);
    }
    optional = optional || !field.required;
  }
  if (optional) keys.insert(keys.end(), {"form_skip", "form_skipped"});
  return keys;
}

}  // namespace corebot::modules::forms
