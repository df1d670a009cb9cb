// Content for module unit tests, compiled from CSV text the way the engine compiles a workbook:
//   auto content = testing::make_content({{"Pages", "id,text\nstart,Hi\n"}}, registry);
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <utility>

#include "content/module_declarations.hpp"
#include "content/reader/reader.hpp"
#include "content/snapshot.hpp"
#include "corebot/registry.hpp"

namespace corebot::testing {

inline std::shared_ptr<const content::ContentSnapshot> make_content(
    std::initializer_list<std::pair<const char*, const char*>> sheets,
    const ModuleRegistry& registry) {
  content::Workbook wb;
  wb.source = "test";
  for (const auto& [name, csv] : sheets) {
    auto r = content::read_workbook_bytes(csv, content::Format::kCsv, std::string(name) + ".csv");
    EXPECT_TRUE(r.ok()) << r.error;
    if (r.ok()) wb.sheets.push_back(std::move(r.workbook->sheets.front()));
  }
  auto compiled =
      content::compile_snapshot(std::move(wb), content::compile_options(registry.infos()));
  EXPECT_TRUE(compiled.snapshot) << compiled.report.to_string();
  return compiled.snapshot;
}

}  // namespace corebot::testing
