#include "telegram/json_codec.hpp"

#include <limits>

namespace corebot::telegram::api::detail {

void fail(Ctx ctx, const std::string& problem) {
  throw ParseError(std::string(ctx.type), std::string(ctx.field), problem);
}

const object& as_object(const value& v, std::string_view type) {
  const auto* o = v.if_object();
  if (o == nullptr) fail({type, {}}, "expected an object");
  return *o;
}

void read(const value& v, std::int64_t& out, Ctx ctx) {
  if (const auto* i = v.if_int64()) {
    out = *i;
  } else if (const auto* u = v.if_uint64();
             u != nullptr &&
             *u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out = static_cast<std::int64_t>(*u);
  } else {
    fail(ctx, "expected an integer");
  }
}

void read(const value& v, double& out, Ctx ctx) {
  if (!v.is_number()) fail(ctx, "expected a number");
  out = v.to_number<double>();
}

void read(const value& v, bool& out, Ctx ctx) {
  const auto* b = v.if_bool();
  if (b == nullptr) fail(ctx, "expected a boolean");
  out = *b;
}

void read(const value& v, std::string& out, Ctx ctx) {
  const auto* s = v.if_string();
  if (s == nullptr) fail(ctx, "expected a string");
  out.assign(s->data(), s->size());
}

void read(const value& v, IntegerOrString& out, Ctx ctx) {
  if (v.is_string()) {
    out = std::string(v.get_string());
    return;
  }
  std::int64_t i = 0;
  read(v, i, {ctx.type, ctx.field});
  out = i;
}

void read(const value& v, InputFileOrString& out, Ctx ctx) {
  std::string s;
  read(v, s, ctx);
  out = std::move(s);
}

void read(const value& /*v*/, InputFile& /*out*/, Ctx ctx) {
  fail(ctx, "an InputFile cannot be read from JSON");
}

void read(const value& v, value& out, Ctx /*ctx*/) { out = v; }

value write(std::int64_t v, Attachments* /*att*/) { return v; }
value write(double v, Attachments* /*att*/) { return v; }
value write(bool v, Attachments* /*att*/) { return v; }
value write(const std::string& v, Attachments* /*att*/) { return boost::json::string(v); }

value write(const IntegerOrString& v, Attachments* /*att*/) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return boost::json::string(std::get<std::string>(v));
}

value write(const InputFileOrString& v, Attachments* att) {
  if (const auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
  return write(std::get<InputFile>(v), att);
}

// Without an Attachments sink (plain to_json) a file is referenced by its filename only.
value write(const InputFile& v, Attachments* att) {
  if (att == nullptr) return boost::json::string("attach://" + v.filename);
  return boost::json::string("attach://" + att->add(v));
}

value write(const value& v, Attachments* /*att*/) { return v; }

void put_upload(object& o, std::string_view key, const InputFileOrString& v, Attachments& att) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    o[key] = boost::json::string(*s);
  } else {
    att.add_named(std::string(key), std::get<InputFile>(v));
  }
}

void put_upload(object& /*o*/, std::string_view key, const InputFile& v, Attachments& att) {
  att.add_named(std::string(key), v);
}

}  // namespace corebot::telegram::api::detail
