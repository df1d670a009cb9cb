// Plain HTTP request/response values shared by the server and the client. No Asio here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corebot::net {

// Header names are stored lower-case.
using Headers = std::vector<std::pair<std::string, std::string>>;

// Returns the first value of header `name` (case-insensitive), or nullopt.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path plus optional "?query"
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?'
  Headers headers;
  std::string body;
  std::string remote_address;  // the peer's IP address, without the port
  std::uint16_t remote_port = 0;

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra headers
  std::string body;
  // Fault injection: close the connection without answering.
  bool drop_connection = false;
};

// The standard reason phrase of an HTTP status ("Not Found"); empty for a code without one.
std::string_view reason_phrase(int status);

// The file name a Content-Disposition value names: filename* (RFC 8187, UTF-8 or ISO-8859-1)
// when present and decodable, else filename; a bare name (no directories, no control
// characters, not "." or ".."); empty when there is none.
std::string file_name_from_disposition(std::string_view header);

// Decodes "a=1&b=x%20y" into pairs ('+' means space). Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
std::string url_decode(std::string_view s, bool plus_is_space = true);
std::string url_encode(std::string_view s);

// One part of a multipart/form-data body.
struct MultipartPart {
  std::string name;
  std::string filename;  // empty for plain fields
  // Empty means text/plain for fields and application/octet-stream for files.
  std::string content_type;
  std::string data;
};

// Parses a multipart/form-data body given the Content-Type header value. Returns nullopt when
// the body or the boundary is malformed.
std::optional<std::vector<MultipartPart>> parse_multipart(std::string_view content_type,
                                                          std::string_view body);

}  // namespace corebot::net
