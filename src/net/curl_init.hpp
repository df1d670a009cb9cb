// Process-wide libcurl initialisation, shared by every part of net/ that uses curl. Internal to
// net/ (it includes <curl/curl.h>).
#pragma once

#include <curl/curl.h>

namespace corebot::net::detail {

// Calls curl_global_init exactly once per process (the first caller wins; later and concurrent
// callers wait for it) and reports whether it succeeded. An inline function has one static for
// the whole program, so every translation unit shares the same initialisation.
inline bool curl_global_init_once() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  return code == CURLE_OK;
}

}  // namespace corebot::net::detail
