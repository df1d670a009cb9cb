// compile_snapshot(): the core sheets' rules beyond what the column specs say (buttons,
// languages, settings, Telegram's limits), turning validated tables into a ContentSnapshot.
#include <algorithm>
#include <set>

#include "content/buttons.hpp"
#include "content/snapshot.hpp"
#include "content/text.hpp"
#include "content/text_keys.hpp"

namespace corebot::content {

std::vector<SheetSpec> core_sheet_specs() {
  // The help texts are the notes of the starter workbook (`corebot new`, starter/).
  return {
      SheetSpec{.name = "Settings",
                .required = false,
                .columns = {{.name = "key",
                             .type = ColumnType::kText,
                             .required = true,
                             .unique = true,
                             .aliases = {"setting"},
                             .help = {"The setting's name: pick one from the list.",
                                      "Название настройки: выберите из списка.", "start_page"}},
                            {.name = "value",
                             .type = ColumnType::kText,
                             .help = {"The setting's value (see the note of its key).",
                                      "Значение настройки (см. примечание к её ключу).", "start"}}},
                .help = {"A few options of the whole bot: its start page, language, formatting.",
                         "Общие настройки бота: стартовая страница, язык, оформление."}},
      SheetSpec{
          .name = "Pages",
          .required = true,
          .columns = {{.name = "id",
                       .type = ColumnType::kId,
                       .required = true,
                       .unique = true,
                       .max_length = 60,
                       .aliases = {"page"},
                       .help = {"A short name for the page, one word without spaces (letters, "
                                "digits, _ - .). Every page needs its own. /start shows the page "
                                "\"start\".",
                                "Короткое имя страницы, одно слово без пробелов (буквы, цифры, "
                                "_ - .). У каждой страницы своё. /start показывает страницу "
                                "\"start\".",
                                "prices"}},
                      {.name = "text",
                       .type = ColumnType::kText,
                       .required = true,
                       .help = {"What the bot sends on this page (or a key of the Texts sheet). "
                                "Line breaks are kept; at most 4096 characters, 1024 under a "
                                "picture.",
                                "Что бот отправляет на этой странице (или ключ листа Texts). "
                                "Переносы строк сохраняются; не больше 4096 символов, 1024 под "
                                "картинкой.",
                                "Our prices: ..."}},
                      {.name = "media",
                       .type = ColumnType::kText,
                       .help = {"Optional: a picture or file sent with the text, as an https:// "
                                "link or a Telegram file id.",
                                "Необязательно: картинка или файл к тексту — ссылка https:// или "
                                "file id из Telegram.",
                                "https://example.com/photo.jpg"}},
                      {.name = "media type",
                       .type = ColumnType::kEnum,
                       .choices = {"photo", "video", "animation", "document", "audio"},
                       .help = {"What the media is. Empty: the bot guesses from the link "
                                "(.mp4 is a video, .pdf a document), else a photo.",
                                "Что за медиа. Пусто — бот угадает по ссылке (.mp4 — видео, "
                                ".pdf — документ), иначе фото.",
                                "photo"}},
                      {.name = "buttons",
                       .type = ColumnType::kText,
                       .help = {"Buttons under the message: one line per row, each button "
                                "\"Label -> page id or link\", several in a row separated by |.",
                                "Кнопки под сообщением: одна строка ячейки — один ряд, кнопка "
                                "пишется \"Надпись -> id страницы или ссылка\", несколько в "
                                "ряду — через |.",
                                "Prices -> prices | Site -> https://example.com"}},
                      {.name = "new message",
                       .type = ColumnType::kBoolean,
                       .aliases = {"new"},
                       .help = {"yes: a button that opens this page sends a new message instead "
                                "of replacing the old one. Empty means no.",
                                "yes: кнопка, открывающая эту страницу, присылает новое "
                                "сообщение вместо замены старого. Пусто — no.",
                                "yes"}}},
          .help = {"The screens of your bot: text, picture, buttons. One row is one page.",
                   "Экраны бота: текст, картинка, кнопки. Одна строка — одна страница."}},
      SheetSpec{.name = "Texts",
                .required = false,
                .columns = {{.name = "key",
                             .type = ColumnType::kId,
                             .required = true,
                             .unique = true,
                             .help = {"A one-word name of the text. Write it in Pages or Forms "
                                      "instead of words and each user sees it in their language; "
                                      "some keys replace the bot's own texts (back, "
                                      "unknown_command...).",
                                      "Имя текста одним словом. Напишите его в Pages или Forms "
                                      "вместо слов — каждый увидит текст на своём языке; "
                                      "некоторые ключи заменяют тексты самого бота (back, "
                                      "unknown_command...).",
                                      "welcome"}}},
                .extra_columns_allowed = true,
                .help = {"Texts in several languages: a key column, then one column per language "
                         "(en, ru, de...).",
                         "Тексты на нескольких языках: столбец key, затем по столбцу на язык "
                         "(en, ru, de...)."}},
      SheetSpec{.name = "Admins",
                .required = false,
                .columns = {{.name = "user",
                             .type = ColumnType::kTelegramUser,
                             .required = true,
                             .unique = true,
                             .aliases = {"admin", "id", "username"},
                             .help = {"A numeric Telegram user id (ask @userinfobot) or an "
                                      "@username.",
                                      "Числовой id пользователя Telegram (спросите у "
                                      "@userinfobot) или @username.",
                                      "@your_username"}},
                            {.name = "name",
                             .type = ColumnType::kText,
                             .max_length = 100,
                             .help = {"Optional: who this is, for you.",
                                      "Необязательно: кто это, для вас.", "Anna"}},
                            // Empty: admin. Validated like every enum ("Admins!C3: ... — write
                            // one of owner, admin, operator").
                            {.name = "role",
                             .type = ColumnType::kEnum,
                             .choices = {"owner", "admin", "operator"},
                             .help = {"Optional: what this admin may do. owner: everything, "
                                      "including who is admin; admin (the default); operator: "
                                      "statistics and users only.",
                                      "Необязательно: что может этот администратор. owner: всё, "
                                      "включая назначение администраторов; admin (по умолчанию); "
                                      "operator: только статистика и пользователи.",
                                      "admin"}}},
                .help = {"Who may use /admin and /reload, and who receives form requests.",
                         "Кто может пользоваться /admin и /reload и кто получает заявки из "
                         "форм."}},
  };
}

std::vector<SettingSpec> core_settings() {
  return {
      {"bot_name",
       ColumnType::kText,
       {},
       "Your bot's name, for messages and the admin menu.",
       "Имя бота — для сообщений и меню администратора."},
      {"start_page",
       ColumnType::kPageRef,
       {},
       "The id of the page /start shows.",
       "id страницы, которую показывает /start."},
      {"default_language",
       ColumnType::kLanguage,
       {},
       "The language used when a user's language has no text: a column of Texts (en, ru...).",
       "Язык для тех, на чьём языке текста нет: столбец листа Texts (en, ru...)."},
      {"parse_mode",
       ColumnType::kEnum,
       {"none", "HTML", "MarkdownV2"},
       "How bold, italic and links are written in texts: none, HTML or MarkdownV2.",
       "Как в текстах пишутся жирный, курсив и ссылки: none, HTML или MarkdownV2."},
      {"link_previews",
       ColumnType::kBoolean,
       {},
       "yes or no: show previews of links.",
       "yes или no: показывать превью ссылок."},
      {"timezone",
       ColumnType::kText,
       {},
       "Your time zone, e.g. Europe/Lisbon.",
       "Ваш часовой пояс, например Europe/Moscow."},
  };
}

class SnapshotCompiler {
 public:
  static CompileResult compile(Workbook workbook, const CompileOptions& options) {
    auto snap = std::make_shared<ContentSnapshot>();
    snap->workbook_ = std::move(workbook);
    snap->specs_ = core_sheet_specs();
    snap->specs_.insert(snap->specs_.end(), options.sheets.begin(), options.sheets.end());
    snap->validation_ = validate(snap->workbook_, snap->specs_);
    CompileResult result;
    // What the reader noticed (e.g. an assumed encoding) comes first: it may explain the rest.
    for (const ReadWarning& w : snap->workbook_.warnings) {
      result.report.warning(w.sheet, "", w.what, w.fix);
    }
    result.report.merge(snap->validation_.report);
    SnapshotCompiler(*snap, result.report, options).run();
    // Modules' own checks read the compiled content, so they run only on otherwise sound content.
    if (!result.report.has_errors()) {
      for (const auto& check : options.checks) {
        if (!check) continue;
        for (const corebot::ContentProblem& p : check(*snap)) {
          result.report.add(p.error ? Severity::kError : Severity::kWarning, p.sheet, p.cell,
                            p.what, p.fix);
        }
      }
      check_text_keys(*snap, options.text_keys, result.report);
    }
    if (!result.report.has_errors()) result.snapshot = std::move(snap);
    return result;
  }

 private:
  SnapshotCompiler(ContentSnapshot& snap, Report& report, const CompileOptions& options)
      : s_(snap), report_(report), options_(options) {}

  void run() {
    collect_page_ids();
    compile_settings();
    compile_pages();
    compile_texts();
    check_translation_lengths();
    compile_admins();
    collect_module_rows();
  }

  // Module sheets (those after the core specs) as plain rows for corebot::Content::rows().
  void collect_module_rows() {
    const size_t core = core_sheet_specs().size();
    for (size_t i = core; i < s_.validation_.tables.size(); ++i) {
      const Table& t = s_.validation_.tables[i];
      auto& rows = s_.rows_[fold_case(t.spec().name)];
      if (t.sheet() == nullptr) continue;
      for (const Record& r : t.records()) {
        if (!r.valid) continue;
        corebot::ContentRow row;
        row.sheet = t.sheet_name();
        row.row = r.row + 1;
        for (const ColumnSpec& c : t.spec().columns) {
          if (!t.column(c.name)) continue;
          row.cells[c.name] = t.address(r, c.name);
          const std::string_view v = t.value(r, c.name);
          if (!v.empty()) row.values[c.name] = std::string(v);
        }
        rows.push_back(std::move(row));
      }
    }
  }

  void collect_page_ids() {
    const Table* pages = s_.table("Pages");
    if (pages == nullptr) return;
    for (const Record& r : pages->records()) {
      const std::string id = fold_case(pages->value(r, "id"));
      if (!id.empty()) page_ids_.insert(id);
    }
  }

  void compile_settings() {
    const Table* t = s_.table("Settings");
    if (t == nullptr || t->sheet() == nullptr) return;
    std::vector<SettingSpec> known = core_settings();
    known.insert(known.end(), options_.settings.begin(), options_.settings.end());
    std::string names;
    for (const auto& k : known) names += (names.empty() ? "" : ", ") + k.key;
    for (const Record& r : t->records()) {
      const std::string key = normalize_header(t->value(r, "key"));
      if (key.empty()) continue;
      std::string underscored = key;
      std::replace(underscored.begin(), underscored.end(), ' ', '_');
      const std::string_view value = t->value(r, "value");
      auto spec = std::find_if(known.begin(), known.end(),
                               [&](const SettingSpec& k) { return k.key == underscored; });
      if (spec == known.end()) {
        report_.warning(t->sheet_name(), t->address(r, "key"),
                        "unknown setting \"" + excerpt(t->value(r, "key")) + "\" is ignored",
                        "check the spelling; the known settings are " + names);
        continue;
      }
      if (!value.empty()) {
        std::optional<CheckFailure> failure = check_value(spec->type, value, spec->choices);
        if (!failure && spec->type == ColumnType::kPageRef &&
            page_ids_.count(fold_case(value)) == 0) {
          failure = CheckFailure{"page \"" + excerpt(value) + "\" does not exist",
                                 "add a page with this id to the Pages sheet or correct the id"};
        }
        if (failure) {
          report_.error(t->sheet_name(), t->address(r, "value"), failure->what, failure->fix);
          continue;
        }
      }
      s_.settings_[underscored] = std::string(value);
      settings_cells_[underscored] = t->address(r, "value");
      s_.setting_cells_[underscored] = t->address(r, "value");
    }
  }

  static MediaKind media_kind(std::string_view type, std::string_view media) {
    const std::string t = fold_case(type);
    if (t == "video") return MediaKind::kVideo;
    if (t == "animation") return MediaKind::kAnimation;
    if (t == "document") return MediaKind::kDocument;
    if (t == "audio") return MediaKind::kAudio;
    if (t == "photo") return MediaKind::kPhoto;
    std::string m = fold_case(media);
    m = m.substr(0, m.find('?'));
    auto ends = [&](std::string_view ext) {
      return m.size() >= ext.size() && m.compare(m.size() - ext.size(), ext.size(), ext) == 0;
    };
    if (ends(".mp4") || ends(".mov") || ends(".webm")) return MediaKind::kVideo;
    if (ends(".gif")) return MediaKind::kAnimation;
    if (ends(".mp3") || ends(".ogg") || ends(".m4a")) return MediaKind::kAudio;
    if (ends(".pdf") || ends(".zip") || ends(".docx") || ends(".xlsx")) return MediaKind::kDocument;
    return MediaKind::kPhoto;
  }

  static bool is_file_id(std::string_view v) {
    return v.size() >= 20 && std::all_of(v.begin(), v.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
           });
  }

  void compile_pages() {
    const Table* t = s_.table("Pages");
    if (t == nullptr || t->sheet() == nullptr) return;
    if (t->records().empty() && t->column("id")) {
      report_.error(t->sheet_name(), "", "there are no pages",
                    "add at least one page: an id (e.g. start) and its text");
      return;
    }
    for (const Record& r : t->records()) {
      Page page;
      page.id = fold_case(t->value(r, "id"));
      page.text = std::string(trim(t->cell(r, "text").text));
      page.media = std::string(t->value(r, "media"));
      page.source = t->sheet_name() + "!" + t->address(r, "id");
      page.buttons_source = t->sheet_name() + "!" + t->address(r, "buttons");
      page.new_message = parse_boolean(t->value(r, "new message")).value_or(false);
      bool ok = r.valid;
      if (!page.media.empty()) {
        const std::string lower = fold_case(page.media.substr(0, 8));
        if (!(lower.rfind("https://", 0) == 0 || lower.rfind("http://", 0) == 0) ||
            !is_url(page.media)) {
          if (!is_file_id(page.media)) {
            report_.error(
                t->sheet_name(), t->address(r, "media"),
                "media \"" + excerpt(page.media) + "\" is neither a link nor a Telegram file id",
                "put a https:// link to the picture or file, or a file_id");
            ok = false;
          }
        }
        page.media_kind = media_kind(t->value(r, "media type"), page.media);
      }
      const size_t limit = page.media.empty() ? kMaxMessageLength : kMaxCaptionLength;
      const size_t length = utf16_length(page.text);
      if (length > limit) {
        report_.error(t->sheet_name(), t->address(r, "text"),
                      "the text is " + std::to_string(length) + " characters long; Telegram " +
                          "allows " + std::to_string(limit) +
                          (page.media.empty() ? "" : " under a picture or file"),
                      "shorten it or split it into two pages");
        ok = false;
      }
      if (!parse_buttons(*t, r, page)) ok = false;
      if (ok && !page.id.empty()) {
        s_.page_index_.emplace(page.id, s_.pages_.size());
        s_.pages_.push_back(std::move(page));
      }
    }
    if (s_.pages_.empty()) return;
    auto start = s_.settings_.find("start_page");
    const std::string wanted = start != s_.settings_.end() ? fold_case(start->second) : "start";
    if (auto it = s_.page_index_.find(wanted); it != s_.page_index_.end()) {
      s_.start_index_ = it->second;
    }
  }

  // The page's keyboard from its "buttons" cell (buttons.hpp); false when the cell has problems.
  bool parse_buttons(const Table& t, const Record& r, Page& page) {
    ButtonRows parsed = parse_button_cell(t.cell(r, "buttons").text,
                                          ButtonTargets{page_ids_, options_.button_prefixes});
    for (ButtonProblem& p : parsed.problems) {
      report_.error(t.sheet_name(), t.address(r, "buttons"), std::move(p.what), std::move(p.fix));
    }
    page.keyboard = std::move(parsed.rows);
    return parsed.problems.empty();
  }

  void compile_texts() {
    const Table* t = s_.table("Texts");
    const auto setting = s_.settings_.find("default_language");
    if (t == nullptr || t->sheet() == nullptr) {
      s_.default_language_ = setting != s_.settings_.end() ? fold_case(setting->second) : "en";
      return;
    }
    std::vector<std::pair<uint32_t, std::string>> languages;  // column, code
    for (const auto& [col, header] : t->extra_columns()) {
      const std::string code = fold_case(header);
      const std::string where = cell_address(t->header_row(), col);
      if (!is_language_code(code)) {
        report_.error(t->sheet_name(), where, "unknown language code \"" + excerpt(header) + "\"",
                      "name each text column with a two-letter language code such as en, ru, "
                      "de or es (optionally with a region: pt-br)");
        continue;
      }
      auto dup = std::find_if(languages.begin(), languages.end(),
                              [&](const auto& l) { return l.second == code; });
      if (dup != languages.end()) {
        report_.error(t->sheet_name(), where,
                      "the language \"" + code + "\" appears twice (also in " +
                          cell_address(t->header_row(), dup->first) + ")",
                      "delete or rename one of the columns");
        continue;
      }
      languages.emplace_back(col, code);
      s_.languages_.push_back(code);
    }
    if (languages.empty()) {
      report_.error(t->sheet_name(), "", "there are no language columns",
                    "add a column per language next to \"key\", e.g. en, ru");
      return;
    }
    s_.default_language_ = languages.front().second;
    if (setting != s_.settings_.end() && !setting->second.empty()) {
      const std::string wanted = fold_case(setting->second);
      if (std::find(s_.languages_.begin(), s_.languages_.end(), wanted) == s_.languages_.end()) {
        report_.error("Settings", settings_cells_["default_language"],
                      "the default language \"" + wanted + "\" has no column in Texts",
                      "add a \"" + wanted + "\" column to Texts or pick one of its languages");
      } else {
        s_.default_language_ = wanted;
      }
    }
    const uint32_t default_col =
        std::find_if(languages.begin(), languages.end(), [&](const auto& l) {
          return l.second == s_.default_language_;
        })->first;
    for (const Record& r : t->records()) {
      const std::string key = fold_case(t->value(r, "key"));
      if (key.empty()) continue;
      auto& by_lang = s_.texts_[key];
      for (const auto& [col, code] : languages) {
        const Cell& c = t->sheet()->at(r.row, col);
        const std::string_view v = trim(c.text);
        if (c.kind == CellKind::kError) {
          report_error_cell(report_, t->sheet_name(), c);
        } else if (!v.empty()) {
          by_lang[code] = std::string(v);
          text_cells_[key][code] = c.address();
        } else if (col == default_col) {
          report_.error(
              t->sheet_name(), c.address(),
              "the text for \"" + key + "\" in the default language (" + code + ") is empty",
              "write it: the other languages fall back to it");
        } else {
          report_.warning(t->sheet_name(), c.address(), "no " + code + " text for \"" + key + "\"",
                          "the " + s_.default_language_ +
                              " text is shown instead; add a "
                              "translation if you want one");
        }
      }
    }
  }

  // Telegram's limits apply to the text a user finally gets. A page text or button label that is
  // a Texts key (Context::localize) is sent in every language, so each translation must fit
  // where the key is used; any other Texts text (form questions, the bot's own texts) is a
  // message of its own.
  void check_translation_lengths() {
    const Table* t = s_.table("Texts");
    if (t == nullptr) return;
    std::set<std::string> reported;  // one problem per cell
    auto check = [&](std::string_view value, size_t limit, bool utf16, const std::string& where) {
      // The cheap tests first: most page texts are sentences, not keys.
      const std::string_view key_text = trim(value);
      if (key_text.empty() || s_.texts_.empty() ||
          key_text.find_first_of(" \n\t") != std::string_view::npos || utf8_length(key_text) > 60) {
        return;
      }
      auto texts = s_.texts_.find(fold_case(key_text));
      if (texts == s_.texts_.end()) return;
      for (const auto& [code, text] : texts->second) {
        const size_t length = utf16 ? utf16_length(text) : utf8_length(text);
        const std::string& cell = text_cells_[texts->first][code];
        if (length <= limit || !reported.insert(cell).second) continue;
        report_.error(t->sheet_name(), cell,
                      "the " + code + " text of \"" + texts->first + "\" is " +
                          std::to_string(length) + " characters long; " + where +
                          ", where Telegram allows " + std::to_string(limit),
                      "shorten it");
      }
    };
    for (const Page& page : s_.pages_) {
      check(page.text, page.media.empty() ? kMaxMessageLength : kMaxCaptionLength, true,
            "page \"" + page.id + "\" shows it" +
                (page.media.empty() ? "" : " under a picture or file"));
      for (const auto& row : page.keyboard) {
        for (const Button& b : row) {
          check(b.text, kMaxButtonTextLength, false,
                "it labels a button of page \"" + page.id + "\"");
        }
      }
    }
    for (const auto& [key, by_lang] : s_.texts_)
      check(key, kMaxMessageLength, true, "it is sent as a message");
  }

  void compile_admins() {
    const Table* t = s_.table("Admins");
    if (t == nullptr || t->sheet() == nullptr) return;
    for (const Record& r : t->records()) {
      if (!r.valid) continue;
      const std::string_view user = t->value(r, "user");
      if (user.empty()) continue;
      Admin a;
      a.name = std::string(t->value(r, "name"));
      if (auto role = parse_role(fold_case(t->value(r, "role")))) a.role = *role;
      if (user[0] == '@') {
        a.username = fold_case(user.substr(1));
      } else {
        a.user_id = std::stoll(std::string(user));
      }
      s_.admins_.push_back(std::move(a));
    }
  }

  ContentSnapshot& s_;
  Report& report_;
  const CompileOptions& options_;
  std::set<std::string> page_ids_;
  std::map<std::string, std::string> settings_cells_;
  std::map<std::string, std::map<std::string, std::string>> text_cells_;  // key -> language -> B7
};

CompileResult compile_snapshot(Workbook workbook, const CompileOptions& options) {
  return SnapshotCompiler::compile(std::move(workbook), options);
}

}  // namespace corebot::content
