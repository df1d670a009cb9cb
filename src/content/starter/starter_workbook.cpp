#include "content/starter/starter_workbook.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

#include "content/format_record.hpp"
#include "content/text.hpp"

namespace corebot::content::starter {
namespace {

constexpr lxw_row_t kValidatedRows = 1000;  // drop-downs cover the header's next 1000 rows
constexpr std::size_t kMaxListChars = 255;  // Excel's limit for an inline list
constexpr std::size_t kMaxInputTitle = 32;  // Excel's limits for an input message
constexpr std::size_t kMaxInputMessage = 255;
constexpr double kHowToWidth = 100;  // characters
constexpr const char* kHowToSheet[] = {"How to", "Как пользоваться"};

bool russian(const std::string& language) { return language == "ru"; }

const std::string& in(const std::string& language, const std::string& en, const std::string& ru) {
  return russian(language) && !ru.empty() ? ru : en;
}

// What a column of a type takes, when its declaration has no help (a third party's module).
std::string type_words(ColumnType type, bool ru) {
  switch (type) {
    case ColumnType::kText:
      return ru ? "Любой текст." : "Any text.";
    case ColumnType::kId:
      return ru ? "Одно слово: буквы, цифры, _ - . без пробелов."
                : "One word: letters, digits, _ - . and no spaces.";
    case ColumnType::kInteger:
      return ru ? "Целое число." : "A whole number.";
    case ColumnType::kNumber:
      return ru ? "Число." : "A number.";
    case ColumnType::kBoolean:
      return ru ? "yes или no." : "yes or no.";
    case ColumnType::kUrl:
      return ru ? "Ссылка: https://..." : "A link: https://...";
    case ColumnType::kPageRef:
      return ru ? "id страницы с листа Pages." : "The id of a page of the Pages sheet.";
    case ColumnType::kLanguage:
      return ru ? "Код языка: en, ru, pt-br." : "A language code: en, ru, pt-br.";
    case ColumnType::kEnum:
      return ru ? "Одно из значений списка." : "One of the values in the list.";
    case ColumnType::kTelegramUser:
      return ru ? "Числовой id пользователя Telegram или @username."
                : "A numeric Telegram user id or an @username.";
    case ColumnType::kDateTime:
      return ru ? "Дата и время: 2026-12-07 14:30." : "A date and time: 2026-12-07 14:30.";
  }
  return {};
}

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// s cut to at most `limit` bytes at a character boundary, with "…" when cut. Bytes, not
// characters: the safe reading of Excel's limits on validation texts, whichever libxlsxwriter
// counts, so a long Russian message never makes the whole workbook fail.
std::string shortened(const std::string& s, std::size_t limit) {
  if (s.size() <= limit) return s;
  const std::string ellipsis = "…";
  std::size_t end = limit - ellipsis.size();
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + ellipsis;
}

std::size_t longest_line(const std::string& s) {
  std::size_t best = 0;
  for (std::string_view line : split_lines(s)) best = std::max(best, utf8_length(line));
  return best;
}

// The height (points) of a row whose cells wrap `text` in a column `width` characters wide:
// spreadsheet programs do not grow rows for wrapped text in a file they open, so it is set.
double wrapped_height(const std::string& text, double width) {
  std::size_t lines = 0;
  for (std::string_view line : split_lines(text)) {
    const auto chars = static_cast<double>(utf8_length(line));
    lines += std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(chars * 0.85 / width)));
  }
  return 15.0 * static_cast<double>(std::max<std::size_t>(1, lines));
}

// A libxlsxwriter writer with the storage its C structs point into (they take char*).
class Writer {
 public:
  Writer(const std::filesystem::path& file, const StarterWorkbook& spec)
      : file_(file.string()), spec_(spec), ru_(russian(spec.language)) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    book_ = workbook_new_opt(file_.c_str(), &options);
    if (book_ == nullptr) fail("cannot create the file");
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_font_color(header_, LXW_COLOR_WHITE);
    format_set_bg_color(header_, 0x2F5597);
    format_set_border(header_, LXW_BORDER_THIN);
    format_set_align(header_, LXW_ALIGN_VERTICAL_CENTER);
    wrap_ = workbook_add_format(book_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
    title_ = workbook_add_format(book_);
    format_set_bold(title_);
    format_set_font_size(title_, 14);
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
    format_set_text_wrap(bold_);
    format_set_align(bold_, LXW_ALIGN_VERTICAL_TOP);
  }
  ~Writer() {
    // Only after a failure (write() hands the workbook to workbook_close): free it unwritten.
    if (book_ != nullptr) lxw_workbook_free(book_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void write() {
    write_how_to();
    for (const SheetSpec& sheet : spec_.sheets) write_sheet(sheet);
    write_record();
    lxw_doc_properties properties{};
    properties.title = keep(spec_.bot_name);
    properties.comments = keep("corebot new " + spec_.generator_version);
    workbook_set_properties(book_, &properties);
    lxw_workbook* book = book_;
    book_ = nullptr;
    check(workbook_close(book));
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("cannot write " + file_ + ": " + why);
  }
  void check(lxw_error error) const {
    if (error != LXW_NO_ERROR) fail(lxw_strerror(error));
  }
  // A char* that lives as long as the writer (libxlsxwriter copies most strings, not all).
  char* keep(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back().data();
  }
  lxw_worksheet* add_sheet(const std::string& name) {
    lxw_worksheet* sheet = workbook_add_worksheet(book_, name.c_str());
    if (sheet == nullptr) fail("cannot add the sheet \"" + name + "\"");
    return sheet;
  }

  void note(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::string& text) {
    lxw_comment_options options{};
    options.author = keep("corebot");
    options.width = 330;
    std::size_t lines = 0;
    for (std::string_view line : split_lines(text)) lines += 1 + utf8_length(line) / 48;
    options.height = static_cast<uint16_t>(std::min<std::size_t>(400, 12 + 16 * lines));
    check(worksheet_write_comment_opt(sheet, row, col, text.c_str(), &options));
  }

  // A drop-down of `choices` on rows 1..kValidatedRows of a column (or one cell when last_row
  // equals row). stop: anything else is refused; otherwise only warned about.
  void drop_down(lxw_worksheet* sheet, lxw_row_t row, lxw_row_t last_row, lxw_col_t col,
                 const std::vector<std::string>& choices, const std::string& title,
                 const std::string& message, bool stop) {
    if (choices.empty() || joined(choices, ",").size() > kMaxListChars) return;
    auto* list = &lists_.emplace_back();
    for (const std::string& c : choices) list->push_back(keep(c));
    list->push_back(nullptr);
    lxw_data_validation v{};
    v.validate = LXW_VALIDATION_TYPE_LIST;
    v.value_list = list->data();
    v.ignore_blank = LXW_VALIDATION_ON;
    v.show_input = LXW_VALIDATION_ON;
    v.input_title = keep(shortened(title, kMaxInputTitle));
    v.input_message = keep(shortened(message, kMaxInputMessage));
    v.show_error = LXW_VALIDATION_ON;
    v.error_type = stop ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_WARNING;
    v.error_title = keep(shortened(title, kMaxInputTitle));
    v.error_message = keep(shortened(
        (ru_ ? "Выберите из списка: " : "Pick one from the list: ") + joined(choices), 255));
    check(worksheet_data_validation_range(sheet, row, col, last_row, col, &v));
  }

  std::string pick_message(const std::vector<std::string>& choices) const {
    return (ru_ ? "Выберите из списка: " : "Pick one from the list: ") + joined(choices) + ".";
  }

  void write_how_to() {
    lxw_worksheet* sheet = add_sheet(kHowToSheet[ru_ ? 1 : 0]);
    worksheet_set_column(sheet, 0, 0, kHowToWidth, wrap_);
    lxw_row_t row = 0;
    const std::string name = spec_.bot_name.empty() ? "Corebot" : spec_.bot_name;
    check(worksheet_write_string(sheet, row++, 0,
                                 (name + (ru_ ? ": как вести бота в этой таблице"
                                              : ": how to run your bot from this workbook"))
                                     .c_str(),
                                 title_));
    row++;
    const std::vector<std::string> steps =
        ru_ ? std::vector<std::string>{
                  "1. Каждый лист — часть бота (список ниже). Первая строка листа — названия "
                  "столбцов, не меняйте их; данные пишите ниже.",
                  "2. Наведите мышь на название столбца (красный уголок): примечание скажет, что "
                  "писать, и даст пример. Где значения фиксированы, в ячейке есть выпадающий "
                  "список.",
                  "3. Впишите себя в лист Admins (@username или числовой id) — тогда бот "
                  "послушается вас в /admin и /reload.",
                  "4. Правка → сохраните файл → отправьте боту /reload. Проверить без бота: "
                  "corebot check <файл>.",
                  "5. Если в таблице ошибка, бот назовёт ячейку (Pages!D4 — лист Pages, ячейка "
                  "D4) и продолжит показывать прежнее содержимое, пока вы её не исправите.",
                  "Подробно: docs/spreadsheet-format.md."}
            : std::vector<std::string>{
                  "1. Each sheet is a part of your bot (the list is below). A sheet's first row "
                  "holds the column names: keep them, write your data below.",
                  "2. Point at a column name (the red corner): its note says what to write there, "
                  "with an example. Where only some values are allowed, the cell has a drop-down "
                  "list.",
                  "3. Put yourself in the Admins sheet (@username or numeric id): then the bot "
                  "obeys your /admin and /reload.",
                  "4. Edit → save the file → send /reload to your bot. To check without the bot: "
                  "corebot check <file>.",
                  "5. If something is wrong, the bot names the cell (Pages!D4 is sheet Pages, "
                  "cell D4) and keeps showing the previous content until you fix it.",
                  "More: docs/spreadsheet-format.md."};
    for (const std::string& step : steps) {
      check(worksheet_set_row(sheet, row, wrapped_height(step, kHowToWidth), nullptr));
      check(worksheet_write_string(sheet, row++, 0, step.c_str(), wrap_));
    }
    row++;
    check(worksheet_write_string(sheet, row++, 0, ru_ ? "Листы" : "Sheets", bold_));
    for (const SheetSpec& spec : spec_.sheets) {
      const std::string line = spec.name +
                               (spec.required ? (ru_ ? " (обязательный)" : " (needed)") : "") +
                               " — " + in(spec_.language, spec.help.en, spec.help.ru);
      check(worksheet_set_row(sheet, row, wrapped_height(line, kHowToWidth), nullptr));
      check(worksheet_write_string(sheet, row++, 0, line.c_str(), wrap_));
    }
    worksheet_activate(sheet);
  }

  std::size_t column_width(const SheetSpec& spec, const std::string& column, ColumnType type) {
    std::size_t width = utf8_length(column) + 4;  // room for the drop-down arrow
    auto rows = spec_.rows.find(spec.name);
    if (rows != spec_.rows.end()) {
      for (const ExampleRow& r : rows->second) {
        if (auto v = r.find(column); v != r.end())
          width = std::max(width, longest_line(v->second) + 2);
      }
    }
    const bool long_text = type == ColumnType::kText;
    return std::clamp<std::size_t>(width, 10, long_text ? 45 : 30);
  }

  void write_sheet(const SheetSpec& spec) {
    lxw_worksheet* sheet = add_sheet(spec.name);
    // The Texts sheet's language columns are not declared (extra columns): one per language.
    std::vector<ColumnSpec> columns = spec.columns;
    if (spec.extra_columns_allowed && fold_case(spec.name) == "texts") {
      for (const std::string& code : spec_.text_languages) {
        columns.push_back(ColumnSpec{
            .name = code,
            .help = {
                "The texts in the language \"" + code +
                    "\" (add a column per language: en, ru, de...).",
                "Тексты на языке \"" + code + "\" (на каждый язык — свой столбец: en, ru, de...).",
                ""}});
      }
    }
    check(worksheet_set_row(sheet, 0, 20, nullptr));
    std::vector<double> widths;
    for (lxw_col_t c = 0; c < columns.size(); ++c) {
      const ColumnSpec& column = columns[c];
      const double width = static_cast<double>(column_width(spec, column.name, column.type));
      widths.push_back(width);
      check(worksheet_set_column(sheet, c, c, width, wrap_));
      check(worksheet_write_string(sheet, 0, c, column.name.c_str(), header_));
      note(sheet, 0, c, column_note(column, spec_.language));
      const auto choices = column_choices(column.type, column.choices);
      if (fold_case(spec.name) == "settings" && column.name == "key") {
        std::vector<std::string> keys;
        for (const SettingSpec& s : spec_.settings) keys.push_back(s.key);
        drop_down(sheet, 1, kValidatedRows, c, keys, column.name, pick_message(keys), false);
      } else {
        drop_down(sheet, 1, kValidatedRows, c, choices, column.name, pick_message(choices), true);
      }
    }
    worksheet_freeze_panes(sheet, 1, 0);
    auto rows = spec_.rows.find(spec.name);
    if (rows == spec_.rows.end()) return;
    lxw_row_t r = 1;
    for (const ExampleRow& example : rows->second) {
      double height = 15;
      for (const auto& [name, value] : example) {
        auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const ColumnSpec& c) { return c.name == name; });
        if (it == columns.end()) {
          throw std::logic_error("starter template: sheet " + spec.name + " has no column \"" +
                                 name + "\"");
        }
        const auto c = static_cast<lxw_col_t>(it - columns.begin());
        check(worksheet_write_string(sheet, r, c, value.c_str(), nullptr));
        height = std::max(height, wrapped_height(value, widths[c]));
      }
      check(worksheet_set_row(sheet, r, height, nullptr));
      if (fold_case(spec.name) == "settings") explain_setting(sheet, r, example);
      ++r;
    }
  }

  // An example row of Settings: its key gets the setting's description as a note, its value a
  // drop-down when the setting takes fixed choices.
  void explain_setting(lxw_worksheet* sheet, lxw_row_t row, const ExampleRow& example) {
    auto key = example.find("key");
    if (key == example.end()) return;
    auto setting = std::find_if(spec_.settings.begin(), spec_.settings.end(),
                                [&](const SettingSpec& s) { return s.key == key->second; });
    if (setting == spec_.settings.end()) return;
    const std::string text = in(spec_.language, setting->description, setting->description_ru);
    if (!text.empty()) note(sheet, row, 0, text);
    if (setting->type == ColumnType::kPageRef) {
      page_drop_down(sheet, row, 1, setting->key);
      return;
    }
    // Languages: the owner may add a language column later, so another code is only warned of.
    const bool language = setting->type == ColumnType::kLanguage;
    const std::vector<std::string> choices =
        language ? spec_.text_languages : column_choices(setting->type, setting->choices);
    drop_down(sheet, row, row, 1, choices, setting->key, pick_message(choices), !language);
  }

  // A drop-down of the example pages' ids; an id of a page added later is only warned about.
  // (Not a formula over the Pages column: libxlsxwriter 1.1.4 leaks a list formula's copy.)
  void page_drop_down(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::string& key) {
    std::vector<std::string> ids;
    for (const auto& [name, rows] : spec_.rows) {
      if (fold_case(name) != "pages") continue;
      for (const ExampleRow& r : rows) {
        if (auto id = r.find("id"); id != r.end()) ids.push_back(id->second);
      }
    }
    drop_down(sheet, row, row, col, ids, key,
              ru_ ? "id страницы с листа Pages." : "The id of a page of the Pages sheet.", false);
  }

  void write_record() {
    lxw_worksheet* sheet = add_sheet(std::string(kRecordSheet));
    lxw_row_t r = 0;
    for (const auto& row :
         declaration_record(spec_.sheets, spec_.settings, spec_.generator_version)) {
      for (lxw_col_t c = 0; c < row.size(); ++c) {
        check(worksheet_write_string(sheet, r, c, row[c].c_str(), nullptr));
      }
      ++r;
    }
    worksheet_hide(sheet);
  }

  std::string file_;
  const StarterWorkbook& spec_;
  bool ru_;
  lxw_workbook* book_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* wrap_ = nullptr;
  lxw_format* title_ = nullptr;
  lxw_format* bold_ = nullptr;
  std::deque<std::string> strings_;
  std::deque<std::vector<char*>> lists_;
};

}  // namespace

std::vector<std::string> column_choices(ColumnType type, const std::vector<std::string>& choices) {
  if (type == ColumnType::kEnum) return choices;
  if (type == ColumnType::kBoolean) return {"yes", "no"};
  return {};
}

std::string column_note(const ColumnSpec& column, const std::string& language) {
  const bool ru = russian(language);
  std::string text = in(language, column.help.en, column.help.ru);
  if (text.empty()) text = type_words(column.type, ru);
  if (!column.help.example.empty()) {
    text += (ru ? "\nПример: " : "\nExample: ") + column.help.example;
  }
  const auto choices = column_choices(column.type, column.choices);
  if (!choices.empty()) text += (ru ? "\nЗначения: " : "\nValues: ") + joined(choices) + ".";
  if (column.required) {
    text += column.unique
                ? (ru ? "\nОбязательно, без повторов." : "\nRequired, each one different.")
                : (ru ? "\nОбязательно." : "\nRequired.");
  } else if (column.unique) {
    text += ru ? "\nБез повторов." : "\nEach one different.";
  }
  if (column.max_length > 0) {
    text += (ru ? "\nНе больше " : "\nAt most ") + std::to_string(column.max_length) +
            (ru ? " символов." : " characters.");
  }
  return text;
}

void write_starter_workbook(const std::filesystem::path& file, const StarterWorkbook& workbook) {
  Writer writer(file, workbook);
  writer.write();
}

}  // namespace corebot::content::starter
