// Prints a spreadsheet as JSON, read with the project's own reader (the one that reads owners'
// workbooks): {"<sheet>": [["A1", "B1"], ["A2", ...]], ...}, every cell as the text the reader
// gives ("" for empty). Integration tests read the admin panel's exports back with it.
#include <boost/json.hpp>

#include <iostream>

#include "content/reader/reader.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: xlsx_dump FILE\n";
    return 2;
  }
  auto result = corebot::content::read_workbook(argv[1]);
  if (!result.ok()) {
    std::cerr << result.error << "\n";
    return 1;
  }
  boost::json::object out;
  for (const auto& sheet : result.workbook->sheets) {
    boost::json::array rows;
    for (const auto& row : sheet.rows()) {
      while (rows.size() < row.index) rows.emplace_back(boost::json::array{});
      boost::json::array cells;
      for (const auto& cell : row.cells) {
        while (cells.size() < cell.col) cells.emplace_back("");
        cells.emplace_back(cell.text);
      }
      rows.emplace_back(std::move(cells));
    }
    out[sheet.name()] = std::move(rows);
  }
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
