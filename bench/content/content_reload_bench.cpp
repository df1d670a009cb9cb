// Content reload benchmark: how long a bot takes to re-read, validate and swap a big workbook.
//
//   content_reload_bench [rows=5000] [runs=30]
//
// Writes a workbook with `rows` pages (each with text, two button rows and a link), 300 texts
// in two languages, 200 form questions and a few admins, as XLSX (libxlsxwriter) and as a CSV
// folder, then times ContentHolder::load() on each: read + validate + compile (with every
// content module's declarations, as the engine does) + atomic swap. Prints min / median / p95.
// The "in-process" rows read without the child process (reader/isolated_read.hpp) that the
// engine uses, to show what crash isolation costs in the same run.
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/bot_content.hpp"
#include "app/bot_modules.hpp"
#include "content/content_holder.hpp"

namespace fs = std::filesystem;
using corebot::content::ContentHolder;

namespace {

using Table = std::vector<std::vector<std::string>>;

struct Workbook {
  std::vector<std::pair<std::string, Table>> sheets;
};

Workbook make(int rows) {
  Workbook wb;
  Table settings = {{"key", "value"}, {"start_page", "p0"}, {"default_language", "en"}};
  Table pages = {{"id", "text", "buttons"}};
  for (int i = 0; i < rows; ++i) {
    const std::string next = "p" + std::to_string((i + 1) % rows);
    const std::string other = "p" + std::to_string((i * 7 + 3) % rows);
    pages.push_back({"p" + std::to_string(i),
                     "Page " + std::to_string(i) +
                         ": a paragraph of text of a realistic length, about what an owner "
                         "writes for one screen of a bot, with a line break\nand a second line.",
                     "Next -> " + next + " | Other -> " + other + "\nApply -> form:f" +
                         std::to_string(i % 20) + " | Site -> https://example.com/" +
                         std::to_string(i)});
  }
  Table texts = {{"key", "en", "ru"}};
  for (int i = 0; i < 300; ++i) {
    texts.push_back(
        {"t" + std::to_string(i), "Text " + std::to_string(i), "Текст " + std::to_string(i)});
  }
  Table forms = {{"form", "field", "question", "type", "options"}};
  for (int i = 0; i < 200; ++i) {
    const bool choice = i % 5 == 0;
    forms.push_back({"f" + std::to_string(i % 20), "q" + std::to_string(i),
                     "Question " + std::to_string(i) + "?", choice ? "choice" : "text",
                     choice ? "A | B | C" : ""});
  }
  Table admins = {{"user", "name"}, {"123456789", "Owner"}, {"@some_admin", "Helper"}};
  wb.sheets = {{"Settings", settings},
               {"Pages", pages},
               {"Texts", texts},
               {"Forms", forms},
               {"Admins", admins}};
  return wb;
}

void write_xlsx(const Workbook& wb, const fs::path& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  for (const auto& [name, table] : wb.sheets) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, name.c_str());
    for (size_t r = 0; r < table.size(); ++r) {
      for (size_t c = 0; c < table[r].size(); ++c) {
        worksheet_write_string(sheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c),
                               table[r][c].c_str(), nullptr);
      }
    }
  }
  workbook_close(book);
}

void write_csv(const Workbook& wb, const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& [name, table] : wb.sheets) {
    std::ofstream out(dir / (name + ".csv"));
    for (const auto& row : table) {
      for (size_t c = 0; c < row.size(); ++c) {
        std::string v = row[c];
        std::string quoted = "\"";
        for (char ch : v) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        out << (c ? "," : "") << quoted << "\"";
      }
      out << "\n";
    }
  }
}

void measure(const char* label, const fs::path& source, int runs,
             const corebot::content::CompileOptions& options, bool isolated = true) {
  ContentHolder holder(options);
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto report =
        isolated ? holder.load(source) : holder.load(corebot::content::read_workbook(source));
    const auto end = std::chrono::steady_clock::now();
    if (report.has_errors()) {
      std::fprintf(stderr, "%s: %s\n", label, report.to_string().c_str());
      std::exit(1);
    }
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  const std::string size = fs::is_directory(source)
                               ? std::string("(folder)")
                               : std::to_string(fs::file_size(source) / 1024) + " KiB";
  std::printf("%-16s %9s  min %7.1f ms  median %7.1f ms  p95 %7.1f ms  (%d runs, %zu pages)\n",
              label, size.c_str(), ms.front(), ms[ms.size() / 2],
              ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], runs,
              holder.current()->pages().size());
}

}  // namespace

int main(int argc, char** argv) {
  const int rows = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 30;
  const fs::path dir =
      fs::temp_directory_path() / ("corebot-content-bench-" + std::to_string(rows));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Workbook wb = make(rows);
  write_xlsx(wb, dir / "bot.xlsx");
  write_csv(wb, dir / "csv");

  corebot::ModuleRegistry registry;
  corebot::app::register_content_modules({}, {}, registry);
  const auto options = corebot::app::content_options(registry);
  std::printf("content reload: %d pages + 300 texts x 2 languages + 200 form questions\n", rows);
  measure("xlsx", dir / "bot.xlsx", runs, options);
  measure("xlsx in-process", dir / "bot.xlsx", runs, options, false);
  measure("csv", dir / "csv", runs, options);
  measure("csv in-process", dir / "csv", runs, options, false);
  fs::remove_all(dir);
  return 0;
}
