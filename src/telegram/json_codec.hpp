// JSON <-> C++ conversions used by the generated Bot API code (types_*.cpp, methods_*.cpp).
// Internal to src/telegram: not part of the generated API's interface.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "telegram/api_base.hpp"

namespace corebot::telegram::api::detail {

using boost::json::object;
using boost::json::value;

// Where a value sits, for error messages.
struct Ctx {
  std::string_view type;
  std::string_view field;
};

[[noreturn]] void fail(Ctx ctx, const std::string& problem);
const object& as_object(const value& v, std::string_view type);

// ---- reading (throws ParseError) ----
void read(const value& v, std::int64_t& out, Ctx ctx);
void read(const value& v, double& out, Ctx ctx);
void read(const value& v, bool& out, Ctx ctx);
void read(const value& v, std::string& out, Ctx ctx);
void read(const value& v, IntegerOrString& out, Ctx ctx);
void read(const value& v, InputFileOrString& out, Ctx ctx);
void read(const value& v, InputFile& out, Ctx ctx);
void read(const value& v, value& out, Ctx ctx);
template <class T>
void read(const value& v, std::shared_ptr<T>& out, Ctx ctx);
template <class T>
void read(const value& v, std::vector<T>& out, Ctx ctx);
template <class... Ts>
void read(const value& v, std::variant<Ts...>& out, Ctx ctx);
template <class T>
requires requires(const value& v) { T::from_json(v); }
void read(const value& v, T& out, Ctx ctx);

template <class T>
void read(const value& v, std::shared_ptr<T>& out, Ctx /*ctx*/) {
  out = std::make_shared<T>(T::from_json(v));
}

template <class T>
void read(const value& v, std::vector<T>& out, Ctx ctx) {
  const auto* arr = v.if_array();
  if (arr == nullptr) fail(ctx, "expected an array");
  out.clear();
  out.reserve(arr->size());
  for (const auto& item : *arr) read(item, out.emplace_back(), ctx);
}

// Alternatives are tried in order; the first that parses wins.
template <class... Ts>
void read(const value& v, std::variant<Ts...>& out, Ctx ctx) {
  bool done = false;
  auto attempt = [&]<class T>(std::in_place_type_t<T>) {
    if (done) return;
    try {
      T item{};
      read(v, item, ctx);
      out = std::move(item);
      done = true;
    } catch (const ParseError&) {
    }
  };
  (attempt(std::in_place_type<Ts>), ...);
  if (!done) fail(ctx, "matches none of the allowed types");
}

template <class T>
requires requires(const value& v) { T::from_json(v); }
void read(const value& v, T& out, Ctx /*ctx*/) { out = T::from_json(v); }

template <class T>
void get_required(const object& o, std::string_view type, std::string_view field, T& out) {
  const value* v = o.if_contains(field);
  if (v == nullptr) fail({type, field}, "missing required field");
  read(*v, out, {type, field});
}

// Absent and null both leave the field empty.
template <class T>
void get_optional(const object& o, std::string_view type, std::string_view field,
                  std::optional<T>& out) {
  const value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return;
  read(*v, out.emplace(), {type, field});
}

template <class T>
void get_optional(const object& o, std::string_view type, std::string_view field,
                  std::shared_ptr<T>& out) {
  const value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return;
  read(*v, out, {type, field});
}

// ---- writing ----
value write(std::int64_t v, Attachments* att);
value write(double v, Attachments* att);
value write(bool v, Attachments* att);
value write(const std::string& v, Attachments* att);
value write(const IntegerOrString& v, Attachments* att);
value write(const InputFileOrString& v, Attachments* att);
value write(const InputFile& v, Attachments* att);
value write(const value& v, Attachments* att);
template <class T>
value write(const std::shared_ptr<T>& v, Attachments* att);
template <class T>
value write(const std::vector<T>& v, Attachments* att);
template <class... Ts>
value write(const std::variant<Ts...>& v, Attachments* att);
template <class T>
requires requires(const T& t, Attachments* a) { t.to_json(a); }
value write(const T& v, Attachments* att);

template <class T>
value write(const std::shared_ptr<T>& v, Attachments* att) {
  if (!v) return nullptr;
  return v->to_json(att);
}

template <class T>
value write(const std::vector<T>& v, Attachments* att) {
  boost::json::array arr;
  arr.reserve(v.size());
  for (const auto& item : v) arr.push_back(write(item, att));
  return arr;
}

template <class... Ts>
value write(const std::variant<Ts...>& v, Attachments* att) {
  return std::visit([att](const auto& alt) { return write(alt, att); }, v);
}

template <class T>
requires requires(const T& t, Attachments* a) { t.to_json(a); }
value write(const T& v, Attachments* att) { return v.to_json(att); }

template <class T>
void put(object& o, std::string_view key, const T& v, Attachments* att) {
  o[key] = write(v, att);
}

template <class T>
void put_optional(object& o, std::string_view key, const std::optional<T>& v, Attachments* att) {
  if (v) o[key] = write(*v, att);
}

template <class T>
void put_optional(object& o, std::string_view key, const std::shared_ptr<T>& v, Attachments* att) {
  if (v) o[key] = v->to_json(att);
}

// A top-level file parameter: an upload goes as its own part named `key`, a string as a field.
void put_upload(object& o, std::string_view key, const InputFileOrString& v, Attachments& att);
void put_upload(object& o, std::string_view key, const InputFile& v, Attachments& att);
template <class T>
void put_upload(object& o, std::string_view key, const std::optional<T>& v, Attachments& att) {
  if (v) put_upload(o, key, *v, att);
}

}  // namespace corebot::telegram::api::detail
