// A blocking HTTP(S) download for content that lives on a web server (a spreadsheet behind a
// Google Sheets "export" link, a file on any server). Runs on the calling thread with its own
// curl handle: call it from a worker, never from the event loop.
//
// Contract: redirects are followed (up to max_redirects, http/https only, also after a
// redirect); the whole transfer is bounded by timeout; a body larger than max_bytes is refused
// without being kept (by Content-Length when the server sends one, otherwise as it streams).
// It never throws (except std::bad_alloc); every failure is FetchResult::error, one sentence
// an owner can act on ("the server answered 404 Not Found", "the download took longer than
// 30 s", "the file is larger than 20 MiB", "too many redirects (more than 5)").
//
// Headers are reported for the last answer only, never for the redirects before it. Proxies come
// from the environment (http_proxy, https_proxy, no_proxy), as curl does by default.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace corebot::net {

struct FetchRequest {
  std::string url;  // http:// or https:// only (scheme case-insensitive, no leading spaces)
  // The whole transfer, redirects included; values below 1 ms count as 1 ms.
  std::chrono::milliseconds timeout{30000};
  // Per connection attempt (DNS, TCP, TLS); 0 or less leaves only `timeout`.
  std::chrono::milliseconds connect_timeout{10000};
  std::size_t max_bytes = 20u << 20;       // of the (decompressed) body
  int max_redirects = 5;                   // negative counts as 0
  std::string user_agent = "corebot/0.1";  // empty: curl sends none
  // Conditional request: sent as If-None-Match / If-Modified-Since when non-empty (a value with
  // CR or LF is not sent); a 304 answer is FetchResult::not_modified. A 304 to an unconditional
  // request is an error.
  std::string if_none_match;
  std::string if_modified_since;
};

struct FetchResult {
  bool ok = false;            // a 2xx answer with its whole body, or a 304
  bool not_modified = false;  // the server answered 304 to a conditional request
  // The last HTTP status received, also when !ok (404; 200 for a body over max_bytes; 302 after
  // too many redirects); 0 when no answer arrived.
  int status = 0;
  // After redirects. When !ok, the last URL tried (for a refused redirect, the refused link).
  std::string final_url;
  std::string body;  // empty when !ok: a refused or broken body is not kept
  // The fields below describe the last answer received, also when !ok (a 404 page's type).
  std::string content_type;  // lower-case, without parameters ("text/csv")
  // From Content-Disposition: filename* (RFC 8187, UTF-8 or ISO-8859-1, decoded to UTF-8) when
  // usable, else filename. A bare name: directories and control characters are stripped.
  std::string file_name;
  std::string etag;           // ETag of the answer, verbatim (quotes, W/), if any
  std::string last_modified;  // Last-Modified of the answer, if any
  std::string error;          // set when !ok: what went wrong, without the URL
};

// Downloads url. Thread-safe: each call uses its own connection.
FetchResult fetch(const FetchRequest& request);

}  // namespace corebot::net
