// Where a bot's spreadsheet comes from: a local .xlsx/.ods/.csv file, a folder of CSV files, or
// an http(s) link (a Google Sheets sheet, a file on any web server). ContentSource fetches the
// bytes, parses them in a child process (reader/isolated_read.hpp) and tells whether anything
// changed since the last read, for polling.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "content/reader/isolated_read.hpp"
#include "content/reader/reader.hpp"

namespace corebot::content {

struct SourceOptions {
  ReadLimits limits;  // limits.max_file_bytes bounds a download too
  IsolationOptions isolation;
  std::chrono::milliseconds download_timeout{30000};  // the whole download, redirects included
  int max_redirects = 5;
  // Where a link's last good download is kept (one file per link, see remember_good()); empty:
  // nowhere. Files and folders are never copied.
  std::filesystem::path cache_dir;
};

// True for an http:// or https:// link (any case).
bool is_link(std::string_view source);
// The link to download: a Google Sheets link as copied from the browser's address bar
// (".../spreadsheets/d/<id>/edit#gid=0", ".../view", ".../d/<id>") becomes its XLSX export link
// (".../spreadsheets/d/<id>/export?format=xlsx"); export and publish links and any other link are
// kept (without a #fragment).
std::string download_url(std::string_view url);
// The source as messages and logs show it: a link without user:password@.
std::string display_source(std::string_view source);

struct SourceRead {
  ReadResult result;       // the workbook, or the error with a fix
  bool unchanged = false;  // read(true) found the source as the previous read left it
};

class ContentSource {
 public:
  explicit ContentSource(std::string source, SourceOptions options = {});

  const std::string& source() const { return source_; }
  bool is_link() const { return link_; }

  // Reads the whole workbook. With only_if_changed, returns unchanged = true without parsing
  // when the source is as the previous read saw it: a file's (or each CSV's) size and mtime; for
  // a link, a 304 to If-None-Match / If-Modified-Since or the very same bytes. Every read,
  // failed or not, becomes "the previous read", so a broken file is reported once, not at every
  // poll; a failed download is not (it is retried at the next poll).
  // Blocks on I/O and the child process: call it off the event loop. One read at a time.
  SourceRead read(bool only_if_changed = false);

  // The content the last read() returned compiled without errors: a link's bytes are kept in
  // cache_dir (written to a temporary file, then renamed), so a start while the link is down or
  // broken can use them. Does nothing for files or without cache_dir; a write failure is
  // returned as a message (the bot goes on without a copy), empty on success.
  std::string remember_good();
  // The copy remember_good() kept for this link, read like a download; an error when there is
  // none. For a start that cannot use the link.
  SourceRead read_cached();
  // The file remember_good() writes for this link (empty for files or without cache_dir).
  std::filesystem::path cache_file() const;

 private:
  SourceRead read_file(bool only_if_changed);
  SourceRead read_url(bool only_if_changed);
  std::string file_signature() const;
  // Reads downloaded bytes in the child process; csv_name names a CSV's one sheet.
  ReadResult parse(std::string_view bytes, Format format, const std::string& csv_name) const;

  const std::string source_;
  const bool link_;
  const SourceOptions options_;
  std::string last_signature_;  // file: names, sizes, mtimes; link: size and hash of the bytes
  std::string etag_;
  std::string last_modified_;
  std::string last_download_;  // the bytes the last read_url() parsed, for remember_good()
};

}  // namespace corebot::content
