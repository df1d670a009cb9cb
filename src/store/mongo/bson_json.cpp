#include "store/mongo/bson_json.hpp"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "corebot/store.hpp"

namespace corebot::store::mongo {
namespace json = boost::json;

namespace {

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "", std::move(message));
}

void append_object(bson_t* doc, const json::object& obj, int depth);

void append_value(bson_t* doc, std::string_view key, const json::value& v, int depth) {
  if (depth > 120) invalid("the document nests too deeply");
  if (key.find('\0') != std::string_view::npos) invalid("a field name holds a NUL byte");
  const char* k = key.data();
  const int len = static_cast<int>(key.size());
  bool ok = true;
  switch (v.kind()) {
    case json::kind::null:
      ok = bson_append_null(doc, k, len);
      break;
    case json::kind::bool_:
      ok = bson_append_bool(doc, k, len, v.get_bool());
      break;
    case json::kind::int64:
      ok = bson_append_int64(doc, k, len, v.get_int64());
      break;
    case json::kind::uint64:
      if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        ok = bson_append_int64(doc, k, len, static_cast<std::int64_t>(v.get_uint64()));
      } else {
        ok = bson_append_double(doc, k, len, static_cast<double>(v.get_uint64()));
      }
      break;
    case json::kind::double_:
      ok = bson_append_double(doc, k, len, v.get_double());
      break;
    case json::kind::string: {
      const auto& s = v.get_string();
      ok = bson_append_utf8(doc, k, len, s.data(), static_cast<int>(s.size()));
      break;
    }
    case json::kind::array: {
      bson_t child;
      ok = bson_append_array_begin(doc, k, len, &child);
      std::size_t i = 0;
      for (const auto& element : v.get_array()) {
        append_value(&child, std::to_string(i++), element, depth + 1);
      }
      ok = ok && bson_append_array_end(doc, &child);
      break;
    }
    case json::kind::object: {
      bson_t child;
      ok = bson_append_document_begin(doc, k, len, &child);
      append_object(&child, v.get_object(), depth + 1);
      ok = ok && bson_append_document_end(doc, &child);
      break;
    }
  }
  if (!ok) {
    throw StoreError(StoreErrorKind::kTooLarge, "", "", "the document exceeds the BSON size limit");
  }
}

void append_object(bson_t* doc, const json::object& obj, int depth) {
  for (const auto& [key, value] : obj) append_value(doc, key, value, depth);
}

std::string iso_date(std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

std::string base64(const std::uint8_t* data, std::uint32_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (std::uint32_t i = 0; i < size; i += 3) {
    std::uint32_t n = static_cast<std::uint32_t>(data[i]) << 16;
    if (i + 1 < size) n |= static_cast<std::uint32_t>(data[i + 1]) << 8;
    if (i + 2 < size) n |= data[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[n & 63] : '=';
  }
  return out;
}

json::array array_of(const bson_iter_t* iter) {
  bson_iter_t child;
  json::array out;
  if (!bson_iter_recurse(iter, &child)) return out;
  while (bson_iter_next(&child)) out.push_back(value_of(&child));
  return out;
}

json::object object_of(const bson_iter_t* iter) {
  bson_iter_t child;
  json::object out;
  if (!bson_iter_recurse(iter, &child)) return out;
  while (bson_iter_next(&child)) out[bson_iter_key(&child)] = value_of(&child);
  return out;
}

}  // namespace

BsonPtr make_bson() { return BsonPtr(bson_new()); }

BsonPtr to_bson(const json::object& doc) {
  BsonPtr out = make_bson();
  append_object(out.get(), doc, 0);
  return out;
}

void append_json(bson_t* doc, std::string_view key, const json::value& value) {
  append_value(doc, key, value, 0);
}

json::value value_of(const bson_iter_t* iter) {
  switch (bson_iter_type(iter)) {
    case BSON_TYPE_DOUBLE:
      return bson_iter_double(iter);
    case BSON_TYPE_INT32:
      return static_cast<std::int64_t>(bson_iter_int32(iter));
    case BSON_TYPE_INT64:
      return bson_iter_int64(iter);
    case BSON_TYPE_BOOL:
      return bson_iter_bool(iter);
    case BSON_TYPE_UTF8:
    case BSON_TYPE_CODE:
    case BSON_TYPE_SYMBOL: {
      std::uint32_t len = 0;
      const char* s = bson_iter_type(iter) == BSON_TYPE_UTF8   ? bson_iter_utf8(iter, &len)
                      : bson_iter_type(iter) == BSON_TYPE_CODE ? bson_iter_code(iter, &len)
                                                               : bson_iter_symbol(iter, &len);
      return json::string(std::string_view(s, len));
    }
    case BSON_TYPE_CODEWSCOPE: {
      std::uint32_t len = 0;
      std::uint32_t scope_len = 0;
      const std::uint8_t* scope = nullptr;
      const char* s = bson_iter_codewscope(iter, &len, &scope_len, &scope);
      return json::string(std::string_view(s, len));
    }
    case BSON_TYPE_DOCUMENT:
      return object_of(iter);
    case BSON_TYPE_ARRAY:
      return array_of(iter);
    case BSON_TYPE_OID: {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(iter), hex);
      return json::string(hex);
    }
    case BSON_TYPE_DATE_TIME:
      return json::string(iso_date(bson_iter_date_time(iter)));
    case BSON_TYPE_DECIMAL128: {
      bson_decimal128_t dec;
      bson_iter_decimal128(iter, &dec);
      char text[BSON_DECIMAL128_STRING];
      bson_decimal128_to_string(&dec, text);
      return json::string(text);
    }
    case BSON_TYPE_BINARY: {
      bson_subtype_t subtype;
      std::uint32_t len = 0;
      const std::uint8_t* data = nullptr;
      bson_iter_binary(iter, &subtype, &len, &data);
      return json::string(base64(data, len));
    }
    case BSON_TYPE_TIMESTAMP: {
      std::uint32_t seconds = 0;
      std::uint32_t increment = 0;
      bson_iter_timestamp(iter, &seconds, &increment);
      return static_cast<std::int64_t>((static_cast<std::uint64_t>(seconds) << 32) | increment);
    }
    case BSON_TYPE_REGEX: {
      const char* options = nullptr;
      const char* pattern = bson_iter_regex(iter, &options);
      return json::string("/" + std::string(pattern) + "/" + (options ? options : ""));
    }
    default:  // null, undefined, min/max key, DBPointer
      return nullptr;
  }
}

json::object to_json(const bson_t* doc) {
  json::object out;
  bson_iter_t iter;
  if (!bson_iter_init(&iter, doc)) return out;
  while (bson_iter_next(&iter)) out[bson_iter_key(&iter)] = value_of(&iter);
  return out;
}

}  // namespace corebot::store::mongo
