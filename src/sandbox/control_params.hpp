// Reading the control API's JSON bodies (control_api.cpp, control_payments.cpp): tolerant like a
// test tool should be (numbers may come as strings), strict in what it answers on bad input.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sandbox/api_error.hpp"
#include "sandbox/validator.hpp"

namespace corebot::sandbox::control {

// An integer member (a JSON integer or a numeric string); nullopt when absent or not one.
inline std::optional<std::int64_t> get_int(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_string()) return parse_int64(v->get_string());
  return std::nullopt;
}

// A string member; empty when absent or not a string.
inline std::string get_string(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// 400 "Bad Request: <what>".
inline ApiError invalid(std::string what) {
  return ApiError{400, "Bad Request: " + std::move(what)};
}

}  // namespace corebot::sandbox::control
