// The compiled, immutable bot content: pages with keyboards, texts per language, settings,
// admins, plus the validated tables of module sheets. Built by compile_snapshot() from a
// workbook; shared read-only between threads (every member function is const and
// thread-safe).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "content/report.hpp"
#include "content/schema.hpp"
#include "content/validate.hpp"
#include "content/workbook.hpp"

namespace corebot::content {

// Telegram's limits the compiler enforces.
inline constexpr size_t kMaxMessageLength = 4096;  // UTF-16 units, message text
inline constexpr size_t kMaxCaptionLength = 1024;  // UTF-16 units, caption under media
inline constexpr size_t kMaxCallbackDataBytes = 64;
inline constexpr size_t kMaxButtonTextLength = 64;  // characters; longer labels get cut
inline constexpr size_t kMaxButtonsPerRow = 8;
inline constexpr size_t kMaxButtonsPerPage = 100;
// Callback data of a button that opens a page: kPageCallbackPrefix + page id.
inline constexpr std::string_view kPageCallbackPrefix = "p:";

struct Button {
  enum class Kind { kPage, kUrl };
  std::string text;
  Kind kind = Kind::kPage;
  std::string target;         // page id (lowercase) or URL
  std::string callback_data;  // kPage: "p:<id>", at most 64 bytes; empty for kUrl
};

enum class MediaKind { kNone, kPhoto, kVideo, kAnimation, kDocument, kAudio };

struct Page {
  std::string id;  // as written, ASCII-lowercased (ids are case-insensitive)
  std::string text;
  std::string media;  // URL or Telegram file_id; empty when none
  MediaKind media_kind = MediaKind::kNone;
  std::vector<std::vector<Button>> keyboard;  // rows of buttons
  std::string source;                         // "Pages!A3", for messages to owners
};

struct Admin {
  int64_t user_id = 0;   // 0 when given as @username
  std::string username;  // without '@', lowercase; empty when given as an id
  std::string name;
};

// A setting a module accepts in the Settings sheet (besides the core ones).
struct SettingSpec {
  std::string key;
  ColumnType type = ColumnType::kText;
  std::vector<std::string> choices;  // kEnum
};

struct CompileOptions {
  std::vector<SheetSpec> sheets;      // sheets modules read, validated with the core ones
  std::vector<SettingSpec> settings;  // settings modules accept
};

class ContentSnapshot {
 public:
  // The page with that id (case-insensitive), or nullptr.
  const Page* page(std::string_view id) const;
  const std::vector<Page>& pages() const { return pages_; }
  // The page /start shows: setting start_page, else page "start", else the first page.
  const Page& start_page() const { return pages_.at(start_index_); }

  // Text for a key in a language ("pt-br" falls back to "pt", then the default language).
  // Empty when the key is unknown.
  std::string_view text(std::string_view key, std::string_view language) const;
  bool has_text(std::string_view key) const;
  const std::vector<std::string>& languages() const { return languages_; }
  const std::string& default_language() const { return default_language_; }

  // A setting's value as written (trimmed); nullopt when absent.
  std::optional<std::string_view> setting(std::string_view key) const;
  // A boolean setting ("yes"/"no"...); fallback when absent.
  bool setting_flag(std::string_view key, bool fallback) const;

  bool is_admin(int64_t user_id, std::string_view username) const;
  const std::vector<Admin>& admins() const { return admins_; }

  // Validated tables of module sheets (and of the core sheets), by sheet name; nullptr when
  // no spec had that name. A table whose sheet is absent has no records.
  const Table* table(std::string_view sheet_name) const { return validation_.table(sheet_name); }
  const std::string& source() const { return workbook_.source; }

 private:
  friend class SnapshotCompiler;
  Workbook workbook_;
  std::vector<SheetSpec> specs_;
  Validation validation_;
  std::vector<Page> pages_;
  std::map<std::string, size_t, std::less<>> page_index_;
  size_t start_index_ = 0;
  std::vector<std::string> languages_;
  std::string default_language_;
  std::map<std::string, std::map<std::string, std::string>, std::less<>> texts_;  // key->lang->text
  std::map<std::string, std::string, std::less<>> settings_;
  std::vector<Admin> admins_;
};

struct CompileResult {
  std::shared_ptr<const ContentSnapshot> snapshot;  // null when report has errors
  Report report;
};

// The SheetSpecs of the core sheets (Settings, Pages, Texts, Admins).
std::vector<SheetSpec> core_sheet_specs();
// The settings the core understands (start_page, default_language, parse_mode, ...).
std::vector<SettingSpec> core_settings();

// Validates and compiles a workbook. Never throws on bad content; the snapshot is null when
// the report has errors.
CompileResult compile_snapshot(Workbook workbook, const CompileOptions& options = {});

}  // namespace corebot::content
