#include "sandbox/api_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace corebot::sandbox {

net::HttpResponse ok_response(const boost::json::value& result) {
  // Serialized in place: wrapping `result` in an object first would copy all of it.
  return ok_response_text(boost::json::serialize(result));
}

net::HttpResponse ok_response_text(std::string_view result_json) {
  constexpr std::string_view kHead = R"({"ok":true,"result":)";
  net::HttpResponse response;
  response.status = 200;
  response.body.reserve(kHead.size() + result_json.size() + 1);
  response.body.append(kHead).append(result_json).push_back('}');
  return response;
}

net::HttpResponse error_response(const ApiError& error) {
  boost::json::object body{
      {"ok", false}, {"error_code", error.code}, {"description", error.description}};
  net::HttpResponse response;
  response.status = error.code;
  if (error.retry_after > 0) {
    body["parameters"] = boost::json::object{{"retry_after", error.retry_after}};
    response.headers.emplace_back("retry-after", std::to_string(error.retry_after));
  }
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace corebot::sandbox
