#include "net/http_fetch.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <utility>

#include "corebot/ascii.hpp"
#include "net/curl_init.hpp"
#include "net/http_types.hpp"

// Design: one easy handle per call, driven by curl_easy_perform on the calling thread. The
// callbacks never let an exception escape into curl (a C library): they record what happened in
// the Transfer and abort the transfer by returning a short count; fetch() turns the record into
// the result afterwards (and rethrows std::bad_alloc once curl is out of the way).

namespace corebot::net {

namespace {

using ascii::iequals;
using ascii::lower;
using ascii::starts_with_icase;
using ascii::trim;

constexpr char kOnlyWebLinks[] = "only http:// and https:// links are supported";
constexpr char kWebProtocols[] = "http,https";
constexpr std::size_t kMaxReasonLength = 100;
// Longer timeouts are cut to this, which keeps the deadline arithmetic far from overflow.
constexpr std::chrono::milliseconds kMaxTimeout = std::chrono::hours(24 * 30);

bool is_web_url(std::string_view url) {
  return starts_with_icase(url, "http://") || starts_with_icase(url, "https://");
}

// "300 ms", "1 s", "1.5 s": the configured value, not a rounded one.
std::string describe_duration(std::chrono::milliseconds duration) {
  const long long ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string fraction = std::to_string(1000 + ms % 1000).substr(1);  // zero-padded, 3 digits
    while (fraction.back() == '0') fraction.pop_back();
    text += "." + fraction;
  }
  return text + " s";
}

// "20 MiB", "1.5 MiB", "64 KiB", "1000 bytes": one decimal at most, rounded down so that "the
// file is larger than ..." stays true.
std::string describe_size(std::size_t bytes) {
  constexpr std::uint64_t kKiB = 1024;
  constexpr std::uint64_t kMiB = 1024 * 1024;
  const auto n = static_cast<std::uint64_t>(bytes);
  auto in_unit = [n](std::uint64_t unit, const char* name) {
    const std::uint64_t tenths = n / unit * 10 + n % unit * 10 / unit;
    std::string text = std::to_string(tenths / 10);
    if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
    return text + " " + name;
  };
  if (n >= kMiB) return in_unit(kMiB, "MiB");
  if (n >= kKiB) return in_unit(kKiB, "KiB");
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// ---------------------------------------------------------------------------------------------
// The transfer.

struct Transfer {
  explicit Transfer(const FetchRequest& r) : request(r) {}

  const FetchRequest& request;
  std::string body;
  char error[CURL_ERROR_SIZE] = {};

  // Why a callback stopped the transfer (curl then reports CURLE_WRITE_ERROR).
  bool too_large = false;
  bool final_answer = false;  // a non-2xx answer that is final; its body is not worth reading
  bool out_of_memory = false;

  // Whether curl is still getting a connection (DNS, TCP, TLS) for the current request, and since
  // when: from the start, and again after each redirect answer, until CURLOPT_PREREQFUNCTION.
  bool connecting = true;
  std::chrono::steady_clock::time_point connect_started;

  // The current response's header block; a new status line starts over.
  int status = 0;
  std::string reason;
  bool headers_done = false;
  std::optional<std::uint64_t> content_length;
  bool encoded = false;  // Content-Encoding other than identity: the length is not the body's
  std::string content_type;
  std::string content_disposition;
  std::string etag;
  std::string last_modified;
  bool has_location = false;

  void start_response(std::string_view status_line) {
    status = 0;
    reason.clear();
    headers_done = false;
    content_length.reset();
    encoded = false;
    content_type.clear();
    content_disposition.clear();
    etag.clear();
    last_modified.clear();
    has_location = false;
    body.clear();

    // "HTTP/1.1 404 Not Found", "HTTP/2 200"
    const std::size_t space = status_line.find(' ');
    if (space == std::string_view::npos) return;
    std::string_view rest = status_line.substr(space + 1);
    const char* begin = rest.data();
    const char* end = begin + std::min<std::size_t>(rest.size(), 3);
    int code = 0;
    const auto parsed = std::from_chars(begin, end, code);
    if (parsed.ec != std::errc() || parsed.ptr != end) return;
    status = code;
    rest.remove_prefix(3);
    for (char c : trim(rest)) {
      // A reason phrase is printable text; anything else is dropped.
      if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) reason.push_back(c);
    }
    if (reason.size() > kMaxReasonLength) reason.clear();
  }

  void add_header(std::string_view line) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-type")) {
      content_type = lower(trim(value.substr(0, value.find(';'))));
    } else if (iequals(name, "content-disposition")) {
      content_disposition = std::string(value);
    } else if (iequals(name, "etag")) {
      etag = std::string(value);
    } else if (iequals(name, "last-modified")) {
      last_modified = std::string(value);
    } else if (iequals(name, "location")) {
      has_location = true;
    } else if (iequals(name, "content-encoding")) {
      encoded = !value.empty() && !iequals(value, "identity");
    } else if (iequals(name, "content-length")) {
      std::uint64_t length = 0;
      const auto parsed = std::from_chars(value.data(), value.data() + value.size(), length);
      if (parsed.ec == std::errc() && parsed.ptr == value.data() + value.size()) {
        content_length = length;
      }
    }
  }

  [[nodiscard]] bool is_success() const { return status >= 200 && status <= 299; }

  // The end of a header block. Returns false to stop the transfer.
  bool end_headers() {
    headers_done = true;
    if (status >= 300 && status <= 399 && has_location) {  // curl follows: a new request
      connecting = true;
      connect_started = std::chrono::steady_clock::now();
    }
    if (is_success()) {
      if (content_length && !encoded) {
        if (*content_length > request.max_bytes) {
          too_large = true;
          return false;
        }
        body.reserve(static_cast<std::size_t>(*content_length));
      }
    } else if (status >= 400 || status == 304) {
      // Final: no authentication is configured, so nothing follows an error status, and an error
      // page is not worth downloading. curl would follow a 304 that carries a Location header
      // (it follows any 3xx with one); a 304 has no body, so stopping here loses nothing.
      final_answer = true;
      return false;
    }
    return true;
  }
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  try {
    const std::string_view line(data, n);
    if (starts_with_icase(line, "HTTP/")) {
      t->start_response(trim(line));
    } else if (trim(line).empty()) {
      if (!t->end_headers()) return 0;
    } else if (!t->headers_done) {  // after the block: trailers, which describe nothing we keep
      t->add_header(line);
    }
  } catch (const std::bad_alloc&) {
    t->out_of_memory = true;
    return 0;
  }
  return n;
}

int on_connected(void* user, char* /*remote_ip*/, char* /*local_ip*/, int /*remote_port*/,
                 int /*local_port*/) noexcept {
  static_cast<Transfer*>(user)->connecting = false;
  return CURL_PREREQFUNC_OK;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (!t->is_success()) {
    // The body of an answer curl does not follow (a 3xx without Location): final, unwanted.
    t->final_answer = true;
    return 0;
  }
  if (n > t->request.max_bytes || t->body.size() > t->request.max_bytes - n) {
    t->too_large = true;
    std::string().swap(t->body);
    return 0;
  }
  try {
    t->body.append(data, n);
  } catch (const std::bad_alloc&) {
    t->out_of_memory = true;
    return 0;
  }
  return n;
}

std::string curl_text(const Transfer& t, CURLcode code) {
  std::string_view text = t.error[0] != '\0' ? std::string_view(t.error) : curl_easy_strerror(code);
  return std::string(trim(text));
}

std::string status_error(const Transfer& t, int status) {
  std::string text = "the server answered " + std::to_string(status);
  std::string_view reason = status == t.status ? std::string_view(t.reason) : std::string_view();
  if (reason.empty()) reason = reason_phrase(status);
  if (!reason.empty()) text += " " + std::string(reason);
  return text;
}

std::string transfer_error(const Transfer& t, CURLcode code, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds connect_timeout,
                           std::chrono::steady_clock::time_point started) {
  const std::string detail = " (" + curl_text(t, code) + ")";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      // Whichever deadline came first fired. (Not "elapsed < timeout": curl's millisecond timers
      // may fire a fraction of a millisecond early by our clock.)
      if (t.connecting && connect_timeout.count() > 0 &&
          t.connect_started + connect_timeout < started + timeout) {
        return "cannot connect to the server within " + describe_duration(connect_timeout);
      }
      return "the download took longer than " + describe_duration(timeout);
    case CURLE_TOO_MANY_REDIRECTS:
      return "too many redirects (more than " +
             std::to_string(std::max(t.request.max_redirects, 0)) + ")";
    case CURLE_UNSUPPORTED_PROTOCOL:
      if (t.status >= 300 && t.status <= 399 && t.has_location) {
        return std::string("the server redirected to a link that is not a web page (") +
               kOnlyWebLinks + ")";
      }
      return "the server's answer is not valid HTTP" + detail;
    case CURLE_URL_MALFORMAT:
      return "the link is not a valid URL" + detail;
    case CURLE_COULDNT_RESOLVE_HOST:
      return "cannot find the server" + detail;
    case CURLE_COULDNT_CONNECT:
      return "cannot connect to the server" + detail;
    case CURLE_PEER_FAILED_VERIFICATION:
      return "the server's TLS certificate is not valid" + detail;
    case CURLE_SSL_CONNECT_ERROR:
      return "cannot establish a secure connection to the server" + detail;
    case CURLE_GOT_NOTHING:
      return "the server closed the connection without answering";
    case CURLE_WEIRD_SERVER_REPLY:
      return "the server's answer is not valid HTTP" + detail;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "the connection broke during the download" + detail;
    case CURLE_BAD_CONTENT_ENCODING:
      return "the server sent a compressed body that cannot be decoded" + detail;
    case CURLE_OUT_OF_MEMORY:
      return "out of memory";
    default:
      return "the download failed" + detail;
  }
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

FetchResult fetch(const FetchRequest& request) {
  FetchResult result;
  if (!is_web_url(request.url)) {
    result.error = kOnlyWebLinks;
    return result;
  }
  if (!detail::curl_global_init_once()) {
    result.error = "the download could not start (curl_global_init failed)";
    return result;
  }
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) throw std::bad_alloc();

  Transfer t(request);
  const std::chrono::milliseconds timeout =
      std::clamp(request.timeout, std::chrono::milliseconds(1), kMaxTimeout);
  const std::chrono::milliseconds connect_timeout = std::min(request.connect_timeout, kMaxTimeout);

  std::unique_ptr<curl_slist, ListDeleter> headers;
  auto add_header = [&](std::string_view name, const std::string& value) {
    if (value.empty() || has_line_break(value)) return;  // CR/LF would inject headers
    const std::string line = std::string(name) + ": " + value;
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended == nullptr) throw std::bad_alloc();
    (void)headers.release();  // appending returns the same head (or the new one for the first)
    headers.reset(appended);
  };
  add_header("If-None-Match", request.if_none_match);
  add_header("If-Modified-Since", request.if_modified_since);

  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy.get(), option, value);
  };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_ERRORBUFFER, t.error);
  set(CURLOPT_NOSIGNAL, 1L);  // signals would hit arbitrary threads; we are multithreaded
  set(CURLOPT_PROTOCOLS_STR, kWebProtocols);
  set(CURLOPT_REDIR_PROTOCOLS_STR, kWebProtocols);
  set(CURLOPT_FOLLOWLOCATION, 1L);
  set(CURLOPT_MAXREDIRS, static_cast<long>(std::max(request.max_redirects, 0)));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (connect_timeout.count() > 0) {
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
  }
  set(CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  set(CURLOPT_PREREQFUNCTION, &on_connected);
  set(CURLOPT_PREREQDATA, static_cast<void*>(&t));
  if (!request.user_agent.empty()) set(CURLOPT_USERAGENT, request.user_agent.c_str());
  if (headers) set(CURLOPT_HTTPHEADER, headers.get());
  if (code != CURLE_OK) {
    if (code == CURLE_OUT_OF_MEMORY) throw std::bad_alloc();
    result.error = "the download could not start (" + std::string(curl_easy_strerror(code)) + ")";
    return result;
  }

  const auto started = std::chrono::steady_clock::now();
  t.connect_started = started;
  code = curl_easy_perform(easy.get());
  if (t.out_of_memory || code == CURLE_OUT_OF_MEMORY) throw std::bad_alloc();

  long status = 0;
  if (curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) status = 0;
  result.status = status != 0 ? static_cast<int>(status) : t.status;
  char* effective_url = nullptr;
  if (curl_easy_getinfo(easy.get(), CURLINFO_EFFECTIVE_URL, &effective_url) == CURLE_OK &&
      effective_url != nullptr) {
    result.final_url = effective_url;
  } else {
    result.final_url = request.url;
  }
  result.content_type = std::move(t.content_type);
  result.file_name = file_name_from_disposition(t.content_disposition);
  result.etag = std::move(t.etag);
  result.last_modified = std::move(t.last_modified);

  if (t.too_large) {
    result.error = "the file is larger than " + describe_size(request.max_bytes);
  } else if (code != CURLE_OK && !t.final_answer) {
    result.error = transfer_error(t, code, timeout, connect_timeout, started);
  } else if (result.status >= 200 && result.status <= 299) {
    result.ok = true;
    result.body = std::move(t.body);
  } else if (result.status == 304 &&
             (!request.if_none_match.empty() || !request.if_modified_since.empty())) {
    result.ok = true;
    result.not_modified = true;
  } else if (result.status == 0) {
    result.error = "the server's answer is not valid HTTP";
  } else {
    result.error = status_error(t, result.status);
  }
  return result;
}

}  // namespace corebot::net
