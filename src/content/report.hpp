// The validation report: every problem found in a workbook, pinned to a sheet and cell.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace corebot::content {

enum class Severity {
  kError,    // blocks a reload: the previous content keeps serving
  kWarning,  // reported, the content is still used
};

struct Problem {
  Severity severity = Severity::kError;
  std::string sheet;  // "" for problems with the whole file
  std::string cell;   // "B7", or "" for a whole sheet
  std::string what;   // what is wrong, quoting the owner's value
  std::string fix;    // how to fix it (may be empty)

  // "Pages!B7: the button leads to page \"prices\", which does not exist — add ..."
  // A sheet name with spaces or punctuation is quoted as spreadsheets do: 'My sheet'!B7.
  std::string location() const;
  std::string to_string() const;
};

class Report {
 public:
  void add(Severity severity, std::string sheet, std::string cell, std::string what,
           std::string fix = {});
  void error(std::string sheet, std::string cell, std::string what, std::string fix = {}) {
    add(Severity::kError, std::move(sheet), std::move(cell), std::move(what), std::move(fix));
  }
  void warning(std::string sheet, std::string cell, std::string what, std::string fix = {}) {
    add(Severity::kWarning, std::move(sheet), std::move(cell), std::move(what), std::move(fix));
  }
  void merge(const Report& other);

  const std::vector<Problem>& problems() const { return problems_; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return problems_.size() - errors_; }
  bool has_errors() const { return errors_ > 0; }
  bool empty() const { return problems_.empty(); }
  // "2 errors, 1 warning" / "no problems".
  std::string summary() const;
  // One line per problem ("error: <problem>" / "warning: <problem>") then the summary.
  std::string to_string() const;

 private:
  std::vector<Problem> problems_;
  size_t errors_ = 0;
};

}  // namespace corebot::content
