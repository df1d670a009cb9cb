#include "content/check.hpp"

#include <filesystem>

#include "content/format_record.hpp"
#include "content/source.hpp"

namespace corebot::content {
namespace {

std::string count(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

int check_content(const std::string& path, std::ostream& out, const CompileOptions& options) {
  const std::string shown = display_source(path);
  ContentSource source(path);
  ReadResult read = source.read().result;
  if (!read.ok()) {
    // Only a fix the reader chose: "the bot keeps its content" means nothing to `check`.
    out << "error: " << read.error << (read.fix.empty() ? "" : " — " + read.fix) << "\n"
        << shown << ": 1 error, 0 warnings\n";
    return 1;
  }
  // A workbook `corebot new` wrote remembers the declarations of its day: say what is new since.
  std::vector<SheetSpec> sheets = core_sheet_specs();
  sheets.insert(sheets.end(), options.sheets.begin(), options.sheets.end());
  std::vector<SettingSpec> settings = core_settings();
  settings.insert(settings.end(), options.settings.begin(), options.settings.end());
  const std::vector<std::string> notes = upgrade_notes(*read.workbook, sheets, settings);
  const CompileResult compiled = compile_snapshot(std::move(*read.workbook), options);
  const Report& report = compiled.report;
  for (const Problem& p : report.problems()) {
    out << (p.severity == Severity::kError ? "error: " : "warning: ") << p.to_string() << "\n";
  }
  for (const std::string& note : notes) out << "note: " << note << "\n";
  if (compiled.snapshot) {
    const ContentSnapshot& s = *compiled.snapshot;
    out << shown << ": OK, " << count(s.pages().size(), "page") << ", "
        << count(s.languages().size(), "language") << ", " << count(s.admins().size(), "admin");
    if (report.warning_count() > 0) out << ", " << count(report.warning_count(), "warning");
    out << "\n";
    return 0;
  }
  out << shown << ": " << report.summary() << " — the bot would keep its current content\n";
  return 1;
}

}  // namespace corebot::content
