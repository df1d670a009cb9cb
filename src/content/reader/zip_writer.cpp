#include "content/reader/zip_writer.hpp"

#include <array>

#include "content/reader/builder.hpp"

namespace corebot::content::detail {
namespace {

void put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
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

void StoredZipWriter::add(std::string_view name, std::string_view data) {
  if (body_.size() + directory_.size() > 0xFFFF'FFFFu - data.size() - 2 * name.size() - 1024 ||
      count_ == 0xFFFF) {
    throw ReadFailure("it unpacks to more than 4 GiB");
  }
  const uint32_t crc = zip_crc32(data);
  const auto size = static_cast<uint32_t>(data.size());
  const auto offset = static_cast<uint32_t>(body_.size());
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
  put32(body_, 0x04034b50);
  put16(body_, kVersion);
  common(body_);
  put16(body_, 0);  // extra
  body_.append(name);
  body_.append(data);

  put32(directory_, 0x02014b50);
  put16(directory_, kVersion);  // made by
  put16(directory_, kVersion);  // needed
  common(directory_);
  put16(directory_, 0);  // extra
  put16(directory_, 0);  // comment
  put16(directory_, 0);  // disk
  put16(directory_, 0);  // internal attributes
  put32(directory_, 0);  // external attributes
  put32(directory_, offset);
  directory_.append(name);
  ++count_;
}

std::string StoredZipWriter::finish() && {
  const auto directory_offset = static_cast<uint32_t>(body_.size());
  std::string out = std::move(body_);
  out.append(directory_);
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, count_);
  put16(out, count_);
  put32(out, static_cast<uint32_t>(directory_.size()));
  put32(out, directory_offset);
  put16(out, 0);  // comment
  return out;
}

}  // namespace corebot::content::detail
