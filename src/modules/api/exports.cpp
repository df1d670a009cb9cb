// corebot/exports.hpp on libxlsxwriter. libxlsxwriter 1.1.4 (Debian 12) writes to a file only, so
// the workbook goes to a private temporary file that is read back and removed.
#include "corebot/exports.hpp"

#include <xlsxwriter.h>
#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>

#include <unistd.h>

namespace corebot {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCellText = 32767;
constexpr std::size_t kMaxSheetName = 31;

// Cuts UTF-8 text at a character boundary at most `max` bytes long.
std::string cut_utf8(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

std::string sheet_name(const std::string& wanted, std::set<std::string>& used) {
  std::string name;
  for (char c : wanted) name += std::string_view("[]:*?/\\").find(c) == std::string::npos ? c : '_';
  if (name.empty()) name = "Sheet";
  name = cut_utf8(name, kMaxSheetName);
  std::string unique = name;
  for (int n = 2; used.count(unique) > 0; ++n) {
    const std::string suffix = " " + std::to_string(n);
    unique = cut_utf8(name, kMaxSheetName - suffix.size()) + suffix;
  }
  used.insert(unique);
  return unique;
}

struct TempFile {
  std::string path;
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/corebot-export-XXXXXX";
    const int fd = ::mkstemp(pattern.data());  // 0600
    if (fd < 0) throw std::runtime_error("export: cannot create a temporary file in " + pattern);
    ::close(fd);
    path = pattern;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

void check(lxw_error error, const char* what) {
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("export: ") + what + ": " + lxw_strerror(error));
  }
}

}  // namespace

std::string write_xlsx(const std::vector<ExportSheet>& sheets) {
  TempFile file;
  lxw_workbook* workbook = workbook_new(file.path.c_str());
  if (workbook == nullptr) throw std::runtime_error("export: cannot start a workbook");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  std::set<std::string> used;
  std::vector<ExportSheet> all = sheets;
  if (all.empty()) all.push_back(ExportSheet{"Sheet", {}, {}});
  for (const ExportSheet& sheet : all) {
    const std::string name = sheet_name(sheet.name, used);
    lxw_worksheet* ws = workbook_add_worksheet(workbook, name.c_str());
    lxw_row_t row = 0;
    if (!sheet.columns.empty()) {
      for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
        worksheet_write_string(ws, row, static_cast<lxw_col_t>(c),
                               cut_utf8(sheet.columns[c], kMaxCellText).c_str(), bold);
      }
      ++row;
    }
    for (const auto& cells : sheet.rows) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        if (const auto* s = std::get_if<std::string>(&cells[c])) {
          if (!s->empty())
            worksheet_write_string(ws, row, col, cut_utf8(*s, kMaxCellText).c_str(), nullptr);
        } else if (const auto* d = std::get_if<double>(&cells[c])) {
          worksheet_write_number(ws, row, col, *d, nullptr);
        } else if (const auto* b = std::get_if<bool>(&cells[c])) {
          worksheet_write_boolean(ws, row, col, *b ? 1 : 0, nullptr);
        }
      }
      ++row;
    }
  }
  check(workbook_close(workbook), "cannot write the workbook");
  std::ifstream in(file.path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw std::runtime_error("export: the workbook came out empty");
  return bytes;
}

ExportSheet documents_sheet(std::string name, const std::vector<json::object>& documents) {
  ExportSheet sheet;
  sheet.name = std::move(name);
  std::map<std::string, std::size_t, std::less<>> index;
  auto column = [&](std::string_view key) {
    auto it = index.find(key);
    if (it != index.end()) return it->second;
    index.emplace(std::string(key), sheet.columns.size());
    sheet.columns.emplace_back(key);
    return sheet.columns.size() - 1;
  };
  column("_id");
  for (const json::object& doc : documents) {
    std::vector<ExportCell> row(sheet.columns.size());
    for (const auto& [key, value] : doc) {
      const std::size_t c = column(key);
      if (row.size() <= c) row.resize(c + 1);
      if (value.is_string()) {
        row[c] = std::string(value.get_string());
      } else if (value.is_int64()) {
        row[c] = static_cast<double>(value.get_int64());
      } else if (value.is_uint64()) {
        row[c] = static_cast<double>(value.get_uint64());
      } else if (value.is_double()) {
        row[c] = value.get_double();
      } else if (value.is_bool()) {
        row[c] = value.get_bool();
      } else if (!value.is_null()) {
        row[c] = json::serialize(value);
      }
    }
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

}  // namespace corebot
