#include "content/reader/ods_merges.hpp"

#include <orcus/zip_archive.hpp>
#include <orcus/zip_archive_stream.hpp>

#include <vector>

#include "content/reader/builder.hpp"
#include "content/reader/zip_writer.hpp"

namespace corebot::content::detail {
namespace {

constexpr std::string_view kCovered = "table:covered-table-cell";
constexpr std::string_view kCell = "table:table-cell";

// Renames the element wherever it opens or closes a tag; returns false when there is none.
bool rename_covered_cells(std::string& xml) {
  bool any = false;
  for (size_t at = xml.find(kCovered); at != std::string::npos; at = xml.find(kCovered, at)) {
    const bool tag =
        (at >= 1 && xml[at - 1] == '<') || (at >= 2 && xml.compare(at - 2, 2, "</") == 0);
    if (!tag) {
      at += kCovered.size();
      continue;
    }
    xml.replace(at, kCovered.size(), kCell);
    at += kCell.size();
    any = true;
  }
  return any;
}

}  // namespace

std::optional<std::string> uncover_merged_cells(std::string_view ods) {
  orcus::zip_archive_stream_blob stream(reinterpret_cast<const uint8_t*>(ods.data()), ods.size());
  orcus::zip_archive archive(&stream);
  archive.load();
  std::vector<unsigned char> buffer;
  if (!archive.read_file_entry("content.xml", buffer)) return std::nullopt;
  std::string content(buffer.begin(), buffer.end());
  if (!rename_covered_cells(content)) return std::nullopt;

  StoredZipWriter zip;
  const size_t count = archive.get_file_entry_count();
  for (size_t i = 0; i < count; ++i) {
    const std::string_view name = archive.get_file_entry_name(i);
    if (name == "content.xml") {
      zip.add(name, content);
      continue;
    }
    buffer.clear();
    if (!archive.read_file_entry(name, buffer) && !name.ends_with('/')) {
      throw ReadFailure("the zip entry " + std::string(name) + " cannot be read");
    }
    zip.add(name, std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
  }
  return std::move(zip).finish();
}

}  // namespace corebot::content::detail
