#include "sandbox/params.hpp"

#include <boost/json/parse.hpp>

#include "corebot/ascii.hpp"

namespace corebot::sandbox {
namespace {

void add_pairs(boost::json::object& into,
               const std::vector<std::pair<std::string, std::string>>& pairs) {
  for (const auto& [name, value] : pairs) into[name] = boost::json::string(value);
}

}  // namespace

std::variant<RawParams, ApiError> read_params(const net::HttpRequest& request) {
  RawParams params;
  add_pairs(params.values, net::parse_query(request.query));
  if (request.body.empty()) return params;

  const std::string type = ascii::lower(request.header("content-type").value_or(""));
  if (type.starts_with("application/json")) {
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(request.body, ec);
    if (ec || !body.is_object()) return bad_request("can't parse JSON object");
    if (params.values.empty()) {
      params.values = std::move(body.as_object());  // the usual case: no query parameters
    } else {
      for (auto& [name, value] : body.as_object()) params.values[name] = std::move(value);
    }
  } else if (type.starts_with("multipart/form-data")) {
    auto parts = net::parse_multipart(request.header("content-type").value_or(""), request.body);
    if (!parts) return bad_request("can't parse multipart/form-data body");
    for (auto& part : *parts) {
      if (part.filename.empty()) {
        params.values[part.name] = boost::json::string(part.data);
      } else {
        params.files[part.name] = UploadedFile{std::move(part.filename),
                                               std::move(part.content_type), std::move(part.data)};
      }
    }
  } else {
    // Form-encoded, or no content type at all: Telegram reads both as a form.
    add_pairs(params.values, net::parse_query(request.body));
  }
  return params;
}

boost::json::object params_for_log(RawParams params) {
  boost::json::object out = std::move(params.values);
  for (const auto& [name, file] : params.files) {
    out[name] = boost::json::object{
        {"upload", boost::json::object{{"filename", file.filename},
                                       {"size", static_cast<std::uint64_t>(file.data.size())}}}};
  }
  return out;
}

}  // namespace corebot::sandbox
