#include "content/reader/ods_merges.hpp"

#include <orcus/zip_archive.hpp>
#include <orcus/zip_archive_stream.hpp>

#include <array>
#include <cstdint>
#include <vector>

#include "content/reader/builder.hpp"

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

void put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// One stored entry: its local header and data go to `body`, its directory record to `directory`.
void add_entry(std::string& body, std::string& directory, std::string_view name,
               std::string_view data) {
  if (body.size() > 0xFFFF'FFFFu - data.size() - 1024) {
    throw ReadFailure("it unpacks to more than 4 GiB");
  }
  const uint32_t crc = zip_crc32(data);
  const auto size = static_cast<uint32_t>(data.size());
  const auto offset = static_cast<uint32_t>(body.size());
  constexpr uint32_t kVersion = 20;
  // The fields local headers and directory records share, from "flags" to "name length".
  auto common = [&](std::string& out) {
    constexpr uint32_t kDate = (1 << 5) | 1;  // 1980-01-01: the time is not needed
    put16(out, 0);                            // flags
    put16(out, 0);                            // method: stored
    put16(out, 0);                            // time
    put16(out, kDate);
    put32(out, crc);
    put32(out, size);  // compressed
    put32(out, size);
    put16(out, static_cast<uint32_t>(name.size()));
  };
  put32(body, 0x04034b50);
  put16(body, kVersion);
  common(body);
  put16(body, 0);  // extra
  body.append(name);
  body.append(data);

  put32(directory, 0x02014b50);
  put16(directory, kVersion);  // made by
  put16(directory, kVersion);  // needed
  common(directory);
  put16(directory, 0);  // extra
  put16(directory, 0);  // comment
  put16(directory, 0);  // disk
  put16(directory, 0);  // internal attributes
  put32(directory, 0);  // external attributes
  put32(directory, offset);
  directory.append(name);
}

}  // namespace

uint32_t zip_crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : data)
    crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::optional<std::string> uncover_merged_cells(std::string_view ods) {
  orcus::zip_archive_stream_blob stream(reinterpret_cast<const uint8_t*>(ods.data()), ods.size());
  orcus::zip_archive archive(&stream);
  archive.load();
  std::vector<unsigned char> buffer;
  if (!archive.read_file_entry("content.xml", buffer)) return std::nullopt;
  std::string content(buffer.begin(), buffer.end());
  if (!rename_covered_cells(content)) return std::nullopt;

  std::string body;
  std::string directory;
  const size_t count = archive.get_file_entry_count();
  for (size_t i = 0; i < count; ++i) {
    const std::string_view name = archive.get_file_entry_name(i);
    if (name == "content.xml") {
      add_entry(body, directory, name, content);
      continue;
    }
    buffer.clear();
    if (!archive.read_file_entry(name, buffer) && !name.ends_with('/')) {
      throw ReadFailure("the zip entry " + std::string(name) + " cannot be read");
    }
    add_entry(body, directory, name,
              std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
  }
  const auto directory_offset = static_cast<uint32_t>(body.size());
  body.append(directory);
  put32(body, 0x06054b50);
  put16(body, 0);
  put16(body, 0);
  put16(body, static_cast<uint32_t>(count));
  put16(body, static_cast<uint32_t>(count));
  put32(body, static_cast<uint32_t>(directory.size()));
  put32(body, directory_offset);
  put16(body, 0);  // comment
  return body;
}

}  // namespace corebot::content::detail
