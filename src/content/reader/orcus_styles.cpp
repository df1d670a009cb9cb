#include "content/reader/orcus_styles.hpp"

namespace corebot::content::detail {
namespace {

// Classifies a number format code such as "yyyy-mm-dd", "[h]:mm" or "0.00": letters outside
// quotes, brackets and escapes decide. 'm' alone is ambiguous (month or minute); it counts as
// a date part unless the code also has hours or seconds and no day or year.
NumberFormats::Kind classify(std::string_view code) {
  // LibreOffice saves booleans as numbers formatted "TRUE";"TRUE";"FALSE".
  if (code.find("\"TRUE\"") != std::string_view::npos &&
      code.find("\"FALSE\"") != std::string_view::npos) {
    return NumberFormats::Kind::kBoolean;
  }
  bool date = false, time = false, month = false;
  bool quoted = false, bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '\\' || c == '_' || c == '*') {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[') bracket = true;
    if (c == ']') bracket = false;
    if (bracket) {
      // [h], [mm], [ss]: elapsed time.
      if (c == 'h' || c == 'H' || c == 's' || c == 'S') time = true;
      continue;
    }
    if (c == ';') break;  // the first section decides
    switch (c) {
      case 'd':
      case 'D':
      case 'y':
      case 'Y':
        date = true;
        break;
      case 'h':
      case 'H':
      case 's':
      case 'S':
        time = true;
        break;
      case 'm':
      case 'M':
        month = true;
        break;
      default:
        break;
    }
  }
  if (month && !time) date = true;
  if (date && time) return NumberFormats::Kind::kDateTime;
  if (date) return NumberFormats::Kind::kDate;
  if (time) return NumberFormats::Kind::kTime;
  return NumberFormats::Kind::kNumber;
}

NumberFormats::Kind builtin(size_t id) {
  using K = NumberFormats::Kind;
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 58)) {
    return K::kDate;
  }
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47)) return K::kTime;
  if (id == 22) return K::kDateTime;
  return K::kNumber;
}

}  // namespace

size_t NumberFormats::commit_number_format() {
  custom_[format_id_] = classify(format_code_);
  format_code_.clear();
  return formats_++;
}

size_t NumberFormats::commit_cell_xf() {
  auto it = custom_.find(xf_format_);
  xfs_.push_back(it != custom_.end() ? it->second : builtin(xf_format_));
  xf_format_ = 0;
  return xfs_.size() - 1;
}

NumberFormats::Kind NumberFormats::kind_of_xf(size_t xf) const {
  return xf < xfs_.size() ? xfs_[xf] : Kind::kNumber;
}

}  // namespace corebot::content::detail
