#include "sandbox/validator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "corebot/ascii.hpp"

namespace corebot::sandbox {
namespace json = boost::json;
namespace {

using telegram::spec::Field;

bool has_type(const Field& field, std::string_view type) {
  return std::find(field.types.begin(), field.types.end(), type) != field.types.end();
}

// What Telegram says when a required parameter is missing.
ApiError missing(std::string_view name) {
  if (name == "chat_id") return bad_request("chat_id is empty");
  if (name == "text") return bad_request("message text is empty");
  if (name == "user_id") return bad_request("invalid user_id specified");
  if (name == "message_id") return bad_request("message identifier is not specified");
  if (name == "callback_query_id") {
    return bad_request("query is too old and response timeout expired or query ID is invalid");
  }
  static constexpr std::string_view kMedia[] = {"photo", "document", "audio",     "video",
                                                "voice", "sticker",  "animation", "video_note"};
  if (std::find(std::begin(kMedia), std::end(kMedia), name) != std::end(kMedia)) {
    return bad_request("there is no " + std::string(name) + " in the request");
  }
  return bad_request("parameter \"" + std::string(name) + "\" is required");
}

ApiError wrong_type(std::string_view name, std::string_view type) {
  return bad_request("parameter \"" + std::string(name) + "\" must be of type " +
                     std::string(type));
}

ApiError unparsable_json(std::string_view name) {
  if (name == "reply_markup") return bad_request("can't parse reply keyboard markup JSON object");
  if (name == "entities" || name == "caption_entities") {
    return bad_request("can't parse entities JSON object");
  }
  return bad_request("can't parse " + std::string(name) + " JSON object");
}

std::optional<std::int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_string()) return parse_int64(v.get_string());
  return std::nullopt;
}

std::optional<double> as_double(const json::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_string();
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<bool> as_bool(const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_int64() && (v.get_int64() == 0 || v.get_int64() == 1)) return v.get_int64() == 1;
  if (!v.is_string()) return std::nullopt;
  const std::string s = ascii::lower(v.get_string());
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

std::string as_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return json::serialize(v);
}

bool is_empty(const json::value& v) {
  return v.is_null() || (v.is_string() && v.get_string().empty());
}

// Object-typed and array-typed fields: the JSON value itself, or a string holding it.
std::optional<json::value> as_json(const json::value& v, bool want_array) {
  json::value parsed;
  if (v.is_string()) {
    json::error_code ec;
    parsed = json::parse(v.get_string(), ec);
    if (ec) return std::nullopt;
  } else {
    parsed = v;
  }
  if (want_array ? !parsed.is_array() : !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::variant<json::value, ApiError> convert(const Field& field, const json::value& v,
                                            const RawParams& params) {
  const std::string_view name = field.name;
  if (has_type(field, "InputFile")) {
    if (v.is_string() && v.get_string().starts_with("attach://")) {
      std::string part(v.get_string().subview(9));
      if (!params.files.contains(part)) return missing(name);
      return json::value(json::object{{"upload", part}});
    }
  }
  if (has_type(field, "Integer")) {
    if (auto i = as_int(v)) return json::value(*i);
    if (has_type(field, "String") && v.is_string()) return json::value(v.get_string());
    return wrong_type(name, "Integer");
  }
  if (has_type(field, "Float")) {
    if (auto d = as_double(v)) return json::value(*d);
    return wrong_type(name, "Float");
  }
  if (has_type(field, "Boolean")) {
    if (auto b = as_bool(v)) return json::value(*b);
    return wrong_type(name, "Boolean");
  }
  if (has_type(field, "String") || has_type(field, "InputFile")) {
    if (v.is_object() || v.is_array()) return wrong_type(name, "String");
    return json::value(as_text(v));
  }
  // Object or array types ("Array of MessageEntity", "InlineKeyboardMarkup", ...).
  const bool want_array = field.types.front().starts_with("Array of");
  if (auto parsed = as_json(v, want_array)) return std::move(*parsed);
  return unparsable_json(name);
}

}  // namespace

std::optional<std::int64_t> parse_int64(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

const telegram::spec::Method* find_method(std::string_view name) {
  return telegram::spec::find_method(name);
}

std::variant<json::object, ApiError> validate_params(const telegram::spec::Method& method,
                                                     const RawParams& params) {
  json::object out;
  out.reserve(params.values.size() + params.files.size());  // at most one entry each
  for (const Field& field : method.fields) {
    const std::string_view key = field.name;
    const json::value* value = params.values.if_contains(key);
    const bool uploaded = has_type(field, "InputFile") && params.files.contains(std::string(key));
    if (uploaded && (value == nullptr || is_empty(*value))) {
      out[key] = json::object{{"upload", key}};
      continue;
    }
    if (value == nullptr || is_empty(*value)) {
      if (field.required) return missing(field.name);
      continue;
    }
    auto converted = convert(field, *value, params);
    if (auto* error = std::get_if<ApiError>(&converted)) return std::move(*error);
    out[key] = std::move(std::get<json::value>(converted));
  }
  return out;
}

}  // namespace corebot::sandbox
