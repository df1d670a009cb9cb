#include "sandbox/control_guard.hpp"

#include "corebot/ascii.hpp"

namespace corebot::sandbox {
namespace {

// "host:port", "[::1]:port" or "host" -> the host, lower-case.
std::string host_of(std::string_view authority) {
  if (authority.starts_with("[")) {
    const auto end = authority.find(']');
    return ascii::lower(authority.substr(0, end == std::string_view::npos ? end : end + 1));
  }
  return ascii::lower(authority.substr(0, authority.find(':')));
}

bool local(std::string_view host, std::string_view listen_host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         (!listen_host.empty() && host == ascii::lower(listen_host));
}

}  // namespace

std::optional<std::string> control_refusal(const net::HttpRequest& request,
                                           std::string_view listen_host) {
  const auto host = request.header("host");
  if (!host || !local(host_of(*host), listen_host)) {
    return "the control API answers only requests for 127.0.0.1 or localhost (Host: " +
           std::string(host.value_or("none")) + ")";
  }
  if (const auto origin = request.header("origin")) {
    const auto scheme_end = origin->find("://");
    const std::string origin_host =
        scheme_end == std::string_view::npos ? "" : host_of(origin->substr(scheme_end + 3));
    if (!local(origin_host, listen_host)) {
      return "the control API refuses requests from other web pages (Origin: " +
             std::string(*origin) + ")";
    }
  }
  if (!request.body.empty()) {
    const std::string type = ascii::lower(request.header("content-type").value_or(""));
    if (!type.starts_with("application/json")) {
      return "the control API takes JSON bodies only: send Content-Type: application/json";
    }
  }
  return std::nullopt;
}

}  // namespace corebot::sandbox
