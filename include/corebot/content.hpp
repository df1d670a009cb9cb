// The bot's content as modules see it: pages, texts per language, settings, admins and the rows
// of module sheets, compiled from the owner's spreadsheet (docs/spreadsheet-format.md).
//
// A Content object is immutable and shared read-only between threads; every member function is
// const and thread-safe. A reload builds a new one and swaps it in: a module gets the snapshot of
// its update through Context::content() and sees that one for the whole update, even when a
// reload happens meanwhile.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corebot/role.hpp"

namespace corebot {

// Callback data of a button that opens a page: kPageCallbackPrefix + page id ("p:prices").
inline constexpr std::string_view kPageCallbackPrefix = "p:";

struct Button {
  enum class Kind {
    kPage,    // opens a page; callback_data is "p:<page id>"
    kUrl,     // opens a link; callback_data is empty
    kAction,  // "<prefix>:<argument>" handled by the module that declared `page_buttons`
  };
  std::string text;
  Kind kind = Kind::kPage;
  std::string target;         // page id (lowercase), URL, or the action ("form:request")
  std::string callback_data;  // kPage, kAction: at most 64 bytes; empty for kUrl
};

enum class MediaKind { kNone, kPhoto, kVideo, kAnimation, kDocument, kAudio };

struct Page {
  std::string id;  // as written, ASCII-lowercased (ids are case-insensitive)
  // The text as written. When it is exactly a key of the Texts sheet, modules show that key's
  // text in the user's language instead (Context::localize).
  std::string text;
  std::string media;  // URL or Telegram file_id; empty when none
  MediaKind media_kind = MediaKind::kNone;
  std::vector<std::vector<Button>> keyboard;  // rows of buttons
  // The page asks to be sent as a new message rather than replace the one whose button opened
  // it (column "new message").
  bool new_message = false;
  std::string source;          // "Pages!A3", for messages to owners
  std::string buttons_source;  // "Pages!E3": the buttons cell, for messages about a button
};

struct Admin {
  std::int64_t user_id = 0;  // 0 when given as @username
  std::string username;      // without '@', lowercase; empty when given as an id
  std::string name;
  // The `role` column (owner, admin, operator); kAdmin when empty.
  Role role = Role::kAdmin;
};

// One data row of a module's sheet, with the values of the columns its ContentSheet declared.
struct ContentRow {
  std::string sheet;      // the sheet's name as written in the workbook
  std::uint32_t row = 0;  // 1-based, as spreadsheets number rows
  // Column (spec name, lowercase) -> trimmed value. Absent or empty cells are not listed.
  std::map<std::string, std::string, std::less<>> values;
  // Column (spec name) -> the cell's address ("D4"), for every declared column the sheet has.
  std::map<std::string, std::string, std::less<>> cells;

  // The value of a column; "" when empty.
  [[nodiscard]] std::string_view get(std::string_view column) const {
    auto it = values.find(column);
    return it == values.end() ? std::string_view() : std::string_view(it->second);
  }
  // The address of the row's cell in a column ("D4"); "A<row>" when the sheet lacks the column.
  [[nodiscard]] std::string cell(std::string_view column) const {
    auto it = cells.find(column);
    return it == cells.end() ? "A" + std::to_string(row) : it->second;
  }
};

class Content {
 public:
  virtual ~Content() = default;

  // The page with that id (case-insensitive), or nullptr.
  [[nodiscard]] virtual const Page* page(std::string_view id) const = 0;
  [[nodiscard]] virtual const std::vector<Page>& pages() const = 0;
  // The page /start shows: setting start_page, else page "start", else the first page.
  [[nodiscard]] virtual const Page& start_page() const = 0;

  // Text for a key in a language ("pt-br" falls back to "pt", then the default language).
  // Empty when the key is unknown.
  [[nodiscard]] virtual std::string_view text(std::string_view key,
                                              std::string_view language) const = 0;
  [[nodiscard]] virtual bool has_text(std::string_view key) const = 0;
  // The language columns of Texts, in sheet order; empty without a Texts sheet.
  [[nodiscard]] virtual const std::vector<std::string>& languages() const = 0;
  [[nodiscard]] virtual const std::string& default_language() const = 0;

  // A setting's value as written (trimmed); nullopt when absent.
  [[nodiscard]] virtual std::optional<std::string_view> setting(std::string_view key) const = 0;
  // The address of a setting's value cell in the Settings sheet ("B4"), for a module's own
  // checks of what a setting holds ("Settings!B4: ..."); empty when absent or unknown.
  [[nodiscard]] virtual std::string setting_cell(std::string_view key) const {
    (void)key;
    return {};
  }

  // Whether the user is listed in Admins (by id, or by @username ignoring case), whatever the
  // role. The engine's role check (Context::role()) also binds @usernames to the first account
  // that wrote with them; this one does not.
  [[nodiscard]] virtual bool is_admin(std::int64_t user_id, std::string_view username) const = 0;
  [[nodiscard]] virtual const std::vector<Admin>& admins() const = 0;

  // The rows of a sheet a module declared (ModuleInfo::sheets), in sheet order; empty when the
  // sheet is absent or no module declared it.
  [[nodiscard]] virtual const std::vector<ContentRow>& rows(std::string_view sheet) const = 0;
};

// --- What a module declares about the content it reads (ModuleInfo) ---------------------------

enum class ColumnType {
  kText,          // any text
  kId,            // a single word: letters (any script), digits, '_', '-', '.'; no spaces
  kInteger,       // a whole number
  kNumber,        // any number ("3.5"; a decimal comma "3,5" is accepted too)
  kBoolean,       // yes/no, true/false, on/off, 1/0 (any case)
  kUrl,           // http://, https:// or tg:// link
  kPageRef,       // the id of a page in the Pages sheet
  kLanguage,      // an ISO 639-1 code, optionally with a region: "en", "pt-br"
  kEnum,          // one of ContentColumn::choices (case-insensitive)
  kTelegramUser,  // a numeric Telegram user id or an @username
  kDateTime,  // a date and time "2026-12-07 14:30" (":SS" and a 'T' accepted: a date cell's text)
};

// Words for owners about a sheet, a column or a setting, in English and Russian. `corebot new`
// writes them into the starter workbook as the header cells' notes (and the "How to" sheet), so
// the workbook explains itself; the engine never reads them.
struct ContentHelp {
  std::string en;       // what to write there, one or two short sentences
  std::string ru;       // the same in Russian
  std::string example;  // a value to copy ("photo", "request"); "" when none fits
};

struct ContentColumn {
  std::string name;  // the header owners write; matched case-insensitively, '_' same as ' '
  ColumnType type = ColumnType::kText;
  bool required = false;             // the column must exist and every row needs a value
  bool unique = false;               // no two rows may hold the same value
  std::size_t max_length = 0;        // in characters; 0 means no limit
  std::vector<std::string> choices;  // kEnum only
  std::vector<std::string> aliases;  // other headers accepted for this column
  ContentHelp help;                  // the header's note in the starter workbook
};

// A sheet a module reads. The engine validates it with the core sheets; an error in it blocks a
// reload exactly like an error in Pages.
struct ContentSheet {
  std::string name;
  bool required = false;
  std::vector<ContentColumn> columns;
  ContentHelp help;  // what the sheet is for (help.example unused), on the "How to" sheet
};

// A key a module accepts in the Settings sheet.
// A setting a module accepts: a key of the Settings sheet and of its config table
// [modules.<name>] (see settings.hpp).
struct ContentSetting {
  std::string key;
  ColumnType type = ColumnType::kText;
  std::vector<std::string> choices;  // kEnum
  std::string default_value;         // what Settings::get gives when nobody set it; "" = none
  std::string description;           // one line for owners: what it does, with an example
  // The key holds an array or a table, not a value: only the config file can give it (the
  // module reads it through Settings::config() and checks it in start()).
  bool structured = false;
  std::string description_ru;  // `description` in Russian, for the starter workbook's notes
};

// A problem a module's own check finds in otherwise valid content ("Forms!D4: ...").
struct ContentProblem {
  bool error = true;  // false: a warning, the content is still used
  std::string sheet;
  std::string cell;  // "D4"; empty for the whole sheet
  std::string what;  // what is wrong, quoting the owner's value
  std::string fix;   // how to fix it
};

// Cross-row rules a column spec cannot say. Runs on the compiled content before it goes live;
// must not block or keep references to `content`.
using ContentCheck = std::function<std::vector<ContentProblem>(const Content& content)>;

}  // namespace corebot
