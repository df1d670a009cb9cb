#include "sandbox/api_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace corebot::sandbox {

net::HttpResponse ok_response(const boost::json::value& result) {
  net::HttpResponse response;
  response.status = 200;
  response.body = boost::json::serialize(boost::json::object{{"ok", true}, {"result", result}});
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
