#include "content/report.hpp"

namespace corebot::content {
namespace {

bool needs_quotes(const std::string& sheet) {
  for (char c : sheet) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.')) {
      return true;
    }
  }
  return false;
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string Problem::location() const {
  if (sheet.empty()) return cell;
  std::string out;
  if (needs_quotes(sheet)) {
    out = "'";
    for (char c : sheet) out += c == '\'' ? std::string("''") : std::string(1, c);
    out += "'";
  } else {
    out = sheet;
  }
  if (!cell.empty()) out += "!" + cell;
  return out;
}

std::string Problem::to_string() const {
  std::string out = location();
  if (!out.empty()) out += ": ";
  out += what;
  if (!fix.empty()) out += " — " + fix;
  return out;
}

void Report::add(Severity severity, std::string sheet, std::string cell, std::string what,
                 std::string fix) {
  if (severity == Severity::kError) ++errors_;
  problems_.push_back(
      Problem{severity, std::move(sheet), std::move(cell), std::move(what), std::move(fix)});
}

void Report::merge(const Report& other) {
  for (const Problem& p : other.problems_) add(p.severity, p.sheet, p.cell, p.what, p.fix);
}

std::string Report::summary() const {
  if (problems_.empty()) return "no problems";
  return plural(error_count(), "error") + ", " + plural(warning_count(), "warning");
}

std::string Report::to_string() const {
  std::string out;
  for (const Problem& p : problems_) {
    out += p.severity == Severity::kError ? "error: " : "warning: ";
    out += p.to_string();
    out += '\n';
  }
  out += summary();
  out += '\n';
  return out;
}

}  // namespace corebot::content
