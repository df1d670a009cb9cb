// Writing a zip archive with every entry stored (not compressed), for the workarounds that hand
// liborcus a repaired copy of a package (ods_merges, xlsx_package). Stored entries keep the
// rewrite fast and the result small enough: it lives only in the reader's child process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace corebot::content::detail {

class StoredZipWriter {
 public:
  // Appends an entry; throws ReadFailure when the archive would pass 4 GiB (no ZIP64).
  void add(std::string_view name, std::string_view data);
  // The whole archive: the entries, their central directory and its end record.
  std::string finish() &&;

 private:
  std::string body_;
  std::string directory_;
  uint32_t count_ = 0;
};

// The CRC-32 of a zip entry (IEEE 802.3), exposed for tests.
uint32_t zip_crc32(std::string_view data);

}  // namespace corebot::content::detail
