// Reading Bot API call parameters the way Telegram's server does: from the query string and from
// a form-encoded, JSON or multipart body, merged (body wins). Values are kept as JSON: strings from
// query/form/multipart, the original JSON values from a JSON body. Multipart parts that carry a
// filename are uploads.
#pragma once

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <variant>

#include "net/http_types.hpp"
#include "sandbox/api_error.hpp"

namespace corebot::sandbox {

struct UploadedFile {
  std::string filename;
  std::string content_type;
  std::string data;
};

struct RawParams {
  boost::json::object values;                 // name -> string (or any JSON value from a JSON body)
  std::map<std::string, UploadedFile> files;  // multipart part name -> upload
};

// Returns the parameters, or a 400 when the body cannot be read (malformed JSON or multipart).
[[nodiscard]] std::variant<RawParams, ApiError> read_params(const net::HttpRequest& request);

// The same parameters as one JSON object for the call log: uploads appear as
// {"upload":{"filename":..,"size":..}}.
[[nodiscard]] boost::json::object params_for_log(RawParams params);

}  // namespace corebot::sandbox
