// An error answer of the Bot API, and the JSON bodies Telegram sends for success and failure.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace corebot::sandbox {

struct ApiError {
  int code = 400;           // error_code and HTTP status
  std::string description;  // e.g. "Bad Request: chat not found"
  int retry_after = 0;      // > 0 only for 429: parameters.retry_after and the Retry-After header
};

inline ApiError bad_request(std::string what) { return {400, "Bad Request: " + std::move(what)}; }

// {"ok":true,"result":<result>} with status 200.
net::HttpResponse ok_response(const boost::json::value& result);
// The same around a result already serialized (`result_json` must be one JSON value).
net::HttpResponse ok_response_text(std::string_view result_json);
// {"ok":false,"error_code":N,"description":"..."[,"parameters":{"retry_after":N}]} with status N.
net::HttpResponse error_response(const ApiError& error);

}  // namespace corebot::sandbox
