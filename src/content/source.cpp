#include "content/source.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <vector>

#include "content/text.hpp"
#include "core/private_files.hpp"
#include "net/http_fetch.hpp"

namespace corebot::content {
namespace fs = std::filesystem;
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && fold_case(s.substr(0, prefix.size())) == prefix;
}

// The part of a link after "scheme://" up to the path.
std::string_view authority_of(std::string_view url) {
  const size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  url.remove_prefix(start + 3);
  return url.substr(0, url.find_first_of("/?#"));
}

// The path of a link without query or fragment ("/spreadsheets/d/x/edit").
std::string_view path_of(std::string_view url) {
  const std::string_view authority = authority_of(url);
  const size_t at = url.find(authority) + authority.size();
  std::string_view rest = url.substr(at);
  return rest.substr(0, rest.find_first_of("?#"));
}

std::string_view host_of(std::string_view url) {
  std::string_view authority = authority_of(url);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return authority.substr(0, authority.find(':'));
}

std::optional<Format> format_from_content_type(std::string_view type) {
  if (type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
    return Format::kXlsx;
  }
  if (type == "application/vnd.oasis.opendocument.spreadsheet") return Format::kOds;
  if (type == "text/csv" || type == "text/tab-separated-values" || type == "text/plain") {
    return Format::kCsv;
  }
  return std::nullopt;
}

// Google's export links say the format in the query: ".../export?format=xlsx", "?output=csv".
std::optional<Format> format_from_query(std::string_view url) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  const std::string query = fold_case(url.substr(q));
  for (const char* key : {"format=", "output="}) {
    const size_t at = query.find(key);
    if (at == std::string::npos) continue;
    const std::string value = query.substr(at + std::string_view(key).size(), 4);
    if (value.starts_with("xlsx")) return Format::kXlsx;
    if (value.starts_with("ods")) return Format::kOds;
    if (value.starts_with("csv") || value.starts_with("tsv")) return Format::kCsv;
  }
  return std::nullopt;
}

bool looks_like_html(const net::FetchResult& got) {
  if (got.content_type == "text/html" || got.content_type == "application/xhtml+xml") return true;
  std::string_view body = got.body;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' ||
                           body.front() == '\t')) {
    body.remove_prefix(1);
  }
  return starts_with_nocase(body, "<!doctype html") || starts_with_nocase(body, "<html");
}

bool is_google(std::string_view url) {
  const std::string host = fold_case(host_of(url));
  return host == "docs.google.com" || host.ends_with(".google.com") ||
         host.ends_with(".googleusercontent.com");
}

// The name a downloaded CSV's sheet gets (its file name); also what a message calls the file.
std::string download_name(const net::FetchResult& got, std::string_view url) {
  if (!got.file_name.empty()) return fs::path(got.file_name).filename().string();
  const std::string_view path = path_of(got.final_url.empty() ? url : got.final_url);
  const size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.empty() ? std::string(host_of(url)) : std::string(last);
}

// The format of downloaded bytes: a zip's content says what it is better than any header;
// text is whatever the server called it (CSV when it said nothing).
std::optional<Format> choose_format(std::optional<Format> declared, std::string_view bytes) {
  const std::optional<Format> sniffed = sniff_format(bytes);
  if (sniffed && (*sniffed != Format::kCsv || !declared)) return sniffed;
  return declared;
}

// FNV-1a: a stable name for a link's cached copy (std::hash may differ between builds).
std::string stable_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string hash_signature(std::string_view bytes) {
  return std::to_string(bytes.size()) + ":" + std::to_string(std::hash<std::string_view>{}(bytes));
}

}  // namespace

bool is_link(std::string_view source) {
  return starts_with_nocase(source, "http://") || starts_with_nocase(source, "https://");
}

std::string download_url(std::string_view url) {
  url = url.substr(0, url.find('#'));
  const std::string host = fold_case(host_of(url));
  const std::string_view path = path_of(url);
  constexpr std::string_view kSheets = "/spreadsheets/d/";
  if (host != "docs.google.com" || !path.starts_with(kSheets)) return std::string(url);
  std::string_view rest = path.substr(kSheets.size());
  const std::string_view id = rest.substr(0, rest.find('/'));
  rest.remove_prefix(id.size());
  // "/d/e/<id>/pub..." is a published copy, and "/export" already downloads: keep those.
  if (id.empty() || id == "e" || rest.starts_with("/export") || rest.starts_with("/pub")) {
    return std::string(url);
  }
  const std::string_view scheme = url.substr(0, url.find("://"));
  return std::string(scheme) + "://docs.google.com/spreadsheets/d/" + std::string(id) +
         "/export?format=xlsx";
}

std::string display_source(std::string_view source) {
  if (!is_link(source)) return std::string(source);
  const std::string_view authority = authority_of(source);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(source);
  const size_t begin = source.find(authority);
  return std::string(source.substr(0, begin)) + std::string(authority.substr(at + 1)) +
         std::string(source.substr(begin + authority.size()));
}

ContentSource::ContentSource(std::string source, SourceOptions options)
    : source_(std::move(source)), link_(content::is_link(source_)), options_(std::move(options)) {}

SourceRead ContentSource::read(bool only_if_changed) {
  return link_ ? read_url(only_if_changed) : read_file(only_if_changed);
}

std::string ContentSource::file_signature() const {
  std::error_code ec;
  std::string sig;
  auto add = [&](const fs::path& p) {
    const auto size = fs::file_size(p, ec);
    const auto time = fs::last_write_time(p, ec);
    sig += p.filename().string() + ":" + std::to_string(ec ? 0 : size) + ":" +
           std::to_string(time.time_since_epoch().count()) + ";";
  };
  if (fs::is_directory(source_, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source_, ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) add(f);
  } else {
    add(source_);
  }
  return sig;
}

SourceRead ContentSource::read_file(bool only_if_changed) {
  SourceRead out;
  // Taken before reading: a file that changes while it is read is read again at the next poll.
  std::string signature = file_signature();
  if (only_if_changed && signature == last_signature_) {
    out.unchanged = true;
    return out;
  }
  last_signature_ = std::move(signature);
  const fs::path path(source_);
  const std::string name = path.filename().empty() ? source_ : path.filename().string();
  out.result =
      read_isolated([&] { return read_workbook(path, options_.limits); }, name, options_.isolation);
  return out;
}

SourceRead ContentSource::read_url(bool only_if_changed) {
  SourceRead out;
  const std::string shown = display_source(source_);
  auto fail = [&](const std::string& what, const std::string& fix) {
    out.result.error = shown + ": " + what;
    out.result.fix = fix;
    return out;
  };
  net::FetchRequest request;
  request.url = download_url(source_);
  request.timeout = options_.download_timeout;
  request.max_bytes = options_.limits.max_file_bytes;
  request.max_redirects = options_.max_redirects;
  if (only_if_changed) {
    request.if_none_match = etag_;
    request.if_modified_since = last_modified_;
  }
  net::FetchResult got = net::fetch(request);
  if (got.not_modified && only_if_changed) {
    out.unchanged = true;
    return out;
  }
  if (!got.ok) {
    std::string fix = "check that the link opens in a browser and that this machine can reach it";
    if (got.status == 401 || got.status == 403 || (got.status == 404 && is_google(source_))) {
      fix =
          "the file is not public: in Google Sheets choose Share → General access → \"Anyone "
          "with the link\"; on another server, allow downloads without signing in";
    }
    return fail("cannot download the spreadsheet: " + got.error, fix);
  }
  if (looks_like_html(got)) {
    if (is_google(got.final_url) || is_google(source_)) {
      return fail("the link returned a web page, not a spreadsheet (Google asks to sign in)",
                  "share the sheet: in Google Sheets choose Share → General access → \"Anyone "
                  "with the link\" (Viewer), then reload");
    }
    return fail("the link returned a web page, not a spreadsheet",
                "use a link that downloads the .xlsx, .ods or .csv file itself");
  }
  etag_ = got.etag;
  last_modified_ = got.last_modified;
  std::string signature = hash_signature(got.body);
  if (only_if_changed && signature == last_signature_) {
    out.unchanged = true;
    return out;
  }
  last_signature_ = std::move(signature);

  std::optional<Format> declared = format_from_content_type(got.content_type);
  if (!declared && !got.file_name.empty()) declared = format_from_extension(got.file_name);
  if (!declared) declared = format_from_extension(std::string(path_of(got.final_url)));
  if (!declared) declared = format_from_query(got.final_url);
  if (!declared) declared = format_from_query(request.url);
  const std::optional<Format> format = choose_format(declared, got.body);
  if (!format) {
    return fail("the download is not a spreadsheet (neither XLSX, ODS nor CSV)",
                "use a link to an .xlsx, .ods or .csv file");
  }
  out.result = parse(got.body, *format, download_name(got, source_));
  last_download_ = std::move(got.body);
  return out;
}

ReadResult ContentSource::parse(std::string_view bytes, Format format,
                                const std::string& csv_name) const {
  const std::string shown = display_source(source_);
  const std::string name = format == Format::kCsv ? csv_name : shown;
  ReadResult result =
      read_isolated([&] { return read_workbook_bytes(bytes, format, name, options_.limits); }, name,
                    options_.isolation);
  if (result.workbook) result.workbook->source = shown;
  return result;
}

std::filesystem::path ContentSource::cache_file() const {
  if (!link_ || options_.cache_dir.empty()) return {};
  return options_.cache_dir / ("content-" + stable_hash(download_url(source_)) + ".cache");
}

std::string ContentSource::remember_good() {
  const fs::path file = cache_file();
  if (file.empty() || last_download_.empty()) return {};
  // The copy may hold people's data (the Admins sheet): the bot's alone, written durably.
  if (std::string error = core::create_private_directories(file.parent_path()); !error.empty()) {
    return error;
  }
  if (std::string error = core::write_private_file(file, last_download_); !error.empty()) {
    return error;
  }
  last_download_.clear();
  last_download_.shrink_to_fit();
  return {};
}

SourceRead ContentSource::read_cached() {
  SourceRead out;
  const fs::path file = cache_file();
  std::ifstream in(file, std::ios::binary);
  if (file.empty() || !in) {
    out.result.error = display_source(source_) + ": no copy of an earlier download";
    return out;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::optional<Format> format = choose_format(std::nullopt, bytes);
  if (!format) {
    out.result.error = file.string() + ": the copy of an earlier download is damaged";
    return out;
  }
  std::string csv_name(path_of(source_).substr(path_of(source_).rfind('/') + 1));
  out.result = parse(bytes, *format, csv_name.empty() ? "Sheet1" : csv_name);
  return out;
}

}  // namespace corebot::content
