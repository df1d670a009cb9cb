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
// Pages, buttons and admins are the public structs modules read (corebot/content.hpp).
using corebot::kPageCallbackPrefix;
using Button = corebot::Button;
using MediaKind = corebot::MediaKind;
using Page = corebot::Page;
using Admin = corebot::Admin;

// A setting a module accepts in the Settings sheet (besides the core ones).
struct SettingSpec {
  std::string key;
  ColumnType type = ColumnType::kText;
  std::vector<std::string> choices;  // kEnum
  std::string description;           // for owners, in English (the starter workbook's notes)
  std::string description_ru;        // the same in Russian
};

struct CompileOptions {
  std::vector<SheetSpec> sheets;      // sheets modules read, validated with the core ones
  std::vector<SettingSpec> settings;  // settings modules accept
  // Callback prefixes buttons may lead to: "Label -> form:request" when "form" is listed.
  std::vector<std::string> button_prefixes;
  // Modules' cross-row checks, run on the compiled snapshot; their errors block the load.
  std::vector<corebot::ContentCheck> checks;
  // The Texts keys each module will use with the compiled content (ModuleInfo::text_keys): a key
  // missing from a Texts sheet with a language other than English is a warning.
  std::vector<std::function<std::vector<std::string>(const corebot::Content&)>> text_keys;
};

// The compiled content; implements the read-only interface modules see (corebot::Content).
class ContentSnapshot final : public corebot::Content {
 public:
  // The page with that id (case-insensitive), or nullptr.
  const Page* page(std::string_view id) const override;
  const std::vector<Page>& pages() const override { return pages_; }
  // The page /start shows: setting start_page, else page "start", else the first page.
  const Page& start_page() const override { return pages_.at(start_index_); }

  // Text for a key in a language ("pt-br" falls back to "pt", then the default language).
  // Empty when the key is unknown.
  std::string_view text(std::string_view key, std::string_view language) const override;
  bool has_text(std::string_view key) const override;
  const std::vector<std::string>& languages() const override { return languages_; }
  const std::string& default_language() const override { return default_language_; }

  // A setting's value as written (trimmed); nullopt when absent.
  std::optional<std::string_view> setting(std::string_view key) const override;
  // A boolean setting ("yes"/"no"...); fallback when absent.
  bool setting_flag(std::string_view key, bool fallback) const;
  std::string setting_cell(std::string_view key) const override;

  bool is_admin(int64_t user_id, std::string_view username) const override;
  const std::vector<Admin>& admins() const override { return admins_; }
  // Rows of the module sheets (CompileOptions::sheets), by sheet name (case-insensitive).
  const std::vector<corebot::ContentRow>& rows(std::string_view sheet) const override;

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
  std::map<std::string, std::string, std::less<>> setting_cells_;  // key -> "B4"
  std::vector<Admin> admins_;
  std::map<std::string, std::vector<corebot::ContentRow>, std::less<>> rows_;  // lowercase name
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
