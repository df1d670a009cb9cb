#include "net/http_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "corebot/ascii.hpp"

namespace corebot::net {

namespace {

using ascii::iequals;
using ascii::trim;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parameters of a header value such as `form-data; name="a"; filename="b.txt"`. Quoted values
// may contain ';' and backslash escapes. Returns nullopt on an unterminated quote.
using Params = std::vector<std::pair<std::string, std::string>>;

std::optional<Params> parse_params(std::string_view s) {
  Params out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ';')) ++i;
    if (i >= s.size()) break;
    const std::size_t name_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ';') ++i;
    std::string name = ascii::lower(trim(s.substr(name_start, i - name_start)));
    std::string value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      if (i < s.size() && s[i] == '"') {
        ++i;
        bool closed = false;
        while (i < s.size()) {
          if (s[i] == '\\' && i + 1 < s.size()) {
            value += s[i + 1];
            i += 2;
          } else if (s[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            value += s[i++];
          }
        }
        if (!closed) return std::nullopt;
      } else {
        const std::size_t value_start = i;
        while (i < s.size() && s[i] != ';') ++i;
        value = std::string(trim(s.substr(value_start, i - value_start)));
      }
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

const std::string* find_param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Content-Disposition file names (RFC 6266, with RFC 8187 for filename*).

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// RFC 8187 ext-value: charset'language'percent-encoded. Returns nullopt for charsets other than
// UTF-8 and ISO-8859-1, and for bytes that are not valid in the charset.
std::optional<std::string> decode_ext_value(std::string_view value) {
  const std::size_t first = value.find('\'');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = value.find('\'', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view charset = trim(value.substr(0, first));
  std::string decoded = url_decode(value.substr(second + 1), /*plus_is_space=*/false);
  if (iequals(charset, "utf-8")) {
    if (!is_valid_utf8(decoded)) return std::nullopt;
    return decoded;
  }
  if (iequals(charset, "iso-8859-1")) return latin1_to_utf8(decoded);
  return std::nullopt;
}

// A name to save the file under: no directories, no control characters, not "." or "..".
std::string bare_file_name(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) out.push_back(c);
  }
  const std::string_view trimmed = trim(out);
  if (trimmed == "." || trimmed == "..") return {};
  return std::string(trimmed);
}

// Parses one part (headers, blank line, data) into `part`. False when malformed.
bool parse_part(std::string_view raw, MultipartPart& part) {
  // Every form-data part needs a Content-Disposition header, so a part without headers is bad.
  const std::size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return false;
  std::string_view headers = raw.substr(0, header_end);
  part.data = std::string(raw.substr(header_end + 4));
  bool has_disposition = false;
  while (!headers.empty()) {
    const std::size_t eol = headers.find("\r\n");
    const std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
    if (line.empty()) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
      const std::size_t semi = value.find(';');
      if (!iequals(trim(value.substr(0, semi)), "form-data")) return false;
      if (semi == std::string_view::npos) return false;
      auto params = parse_params(value.substr(semi + 1));
      if (!params) return false;
      const std::string* field_name = find_param(*params, "name");
      if (field_name == nullptr) return false;
      part.name = *field_name;
      if (const std::string* filename = find_param(*params, "filename")) part.filename = *filename;
      has_disposition = true;
    } else if (iequals(name, "content-type")) {
      part.content_type = std::string(value);
    }
  }
  return has_disposition;
}

}  // namespace

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 305:
      return "Use Proxy";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 423:
      return "Locked";
    case 424:
      return "Failed Dependency";
    case 425:
      return "Too Early";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 451:
      return "Unavailable For Legal Reasons";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    case 507:
      return "Insufficient Storage";
    case 508:
      return "Loop Detected";
    case 511:
      return "Network Authentication Required";
    default:
      return {};
  }
}

std::string file_name_from_disposition(std::string_view header) {
  const std::size_t semi = header.find(';');  // after the type ("attachment", "inline")
  if (semi == std::string_view::npos) return {};
  const auto params = parse_params(header.substr(semi + 1));
  if (!params) return {};
  if (const std::string* extended = find_param(*params, "filename*")) {
    if (auto decoded = decode_ext_value(*extended)) {
      std::string name = bare_file_name(*decoded);
      if (!name.empty()) return name;
    }
  }
  const std::string* plain = find_param(*params, "filename");
  return plain ? bare_file_name(*plain) : std::string();
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (c == '+' && plus_is_space) ? ' ' : c;
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (const char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(url_decode(pair), std::string{});
    } else {
      out.emplace_back(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    }
  }
  return out;
}

std::optional<std::vector<MultipartPart>> parse_multipart(std::string_view content_type,
                                                          std::string_view body) {
  const std::size_t semi = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semi)), "multipart/form-data")) return std::nullopt;
  if (semi == std::string_view::npos) return std::nullopt;
  const auto params = parse_params(content_type.substr(semi + 1));
  if (!params) return std::nullopt;
  const std::string* boundary = find_param(*params, "boundary");
  // RFC 2046 caps boundaries at 70 characters; longer ones only come from broken clients.
  if (boundary == nullptr || boundary->empty() || boundary->size() > 70) return std::nullopt;

  const std::string delimiter = "--" + *boundary;
  const std::string inner_delimiter = "\r\n" + delimiter;

  // The first delimiter may follow a preamble, which is ignored.
  std::size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    const std::size_t found = body.find(inner_delimiter);
    if (found == std::string_view::npos) return std::nullopt;
    pos = found + inner_delimiter.size();
  }

  std::vector<MultipartPart> parts;
  while (true) {
    // `pos` is just past a delimiter: either the closing "--" or the end of the delimiter line.
    if (body.substr(pos, 2) == "--") return parts;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    const std::size_t next = body.find(inner_delimiter, pos);
    if (next == std::string_view::npos) return std::nullopt;  // no closing delimiter
    MultipartPart part;
    if (!parse_part(body.substr(pos, next - pos), part)) return std::nullopt;
    parts.push_back(std::move(part));
    pos = next + inner_delimiter.size();
  }
}

}  // namespace corebot::net
