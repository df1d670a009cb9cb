#include "store/document.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "corebot/store.hpp"
#include "store/path.hpp"

namespace corebot::store {
namespace json = boost::json;

namespace {

[[noreturn]] void invalid(std::string message) {
  throw StoreError(StoreErrorKind::kInvalidArgument, "", "", std::move(message));
}

void check_field_names(const json::value& v, int depth) {
  if (depth > 100) invalid("the document nests deeper than 100 levels");
  if (const auto* obj = v.if_object()) {
    for (const auto& [key, child] : *obj) {
      if (key.starts_with('$')) {
        invalid("field names may not start with '$' ('" + std::string(key) + "')");
      }
      check_field_names(child, depth + 1);
    }
  } else if (const auto* arr = v.if_array()) {
    for (const auto& child : *arr) check_field_names(child, depth + 1);
  }
}

json::value canonical(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::trunc(d) == d && std::fabs(d) < 9.0e18) return static_cast<std::int64_t>(d);
      return v;
    }
    case json::kind::uint64:
      if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(v.get_uint64());
      }
      return v;
    case json::kind::object: {
      json::object out;
      for (const auto& [key, child] : v.get_object()) out.emplace(key, canonical(child));
      return out;
    }
    case json::kind::array: {
      json::array out;
      for (const auto& child : v.get_array()) out.push_back(canonical(child));
      return out;
    }
    default:
      return v;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
        hex_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
    } else if (in[i] == '%') {
      invalid("bad percent-encoding in store URI");
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace

void check_collection_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 120 && name.front() != '.' && name.front() != '-';
  for (const char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-');
  }
  if (!ok) {
    throw StoreError(StoreErrorKind::kInvalidArgument, std::string(name), "",
                     "invalid collection name: use 1-120 of [A-Za-z0-9_.-]");
  }
}

std::string new_object_id() {
  static const std::uint64_t process_random = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  static std::atomic<std::uint32_t> counter{static_cast<std::uint32_t>(process_random >> 40)};
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x%010llx%06x", static_cast<unsigned>(seconds),
                static_cast<unsigned long long>(process_random & 0xffffffffffULL),
                static_cast<unsigned>(counter.fetch_add(1) & 0xffffff));
  return buf;
}

std::string serialize_document(const json::object& doc, std::size_t max_bytes) {
  std::string text = json::serialize(doc);
  if (text.size() > max_bytes) {
    throw StoreError(StoreErrorKind::kTooLarge, "", "",
                     "document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                         std::to_string(max_bytes));
  }
  return text;
}

std::string prepare_document(json::object& doc, std::size_t max_bytes) {
  if (const auto* id = doc.if_contains("_id")) {
    if (id->is_array()) invalid("'_id' may not be an array");
  } else {
    json::object with_id;
    with_id.reserve(doc.size() + 1);
    with_id.emplace("_id", new_object_id());
    for (auto& [key, value] : doc) with_id.emplace(key, std::move(value));
    doc = std::move(with_id);
  }
  check_field_names(doc, 0);
  return serialize_document(doc, max_bytes);
}

std::string id_key(const json::value& id) { return json::serialize(canonical(id)); }

void check_index_path(const std::string& dotted) {
  for (const auto& part : parse_path(dotted)) {
    bool ok = !array_index(part).has_value();
    for (const char c : part) {
      ok = ok &&
           ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
    }
    if (!ok) invalid("index path '" + dotted + "': use non-numeric [A-Za-z0-9_] components");
  }
}

std::string spec_prefix(std::size_t index) { return "spec " + std::to_string(index) + ": "; }

StoreUri parse_store_uri(std::string_view uri) {
  StoreUri out;
  const auto colon = uri.find("://");
  if (colon == std::string_view::npos)
    invalid("store URI without a scheme: '" + std::string(uri) + "'");
  out.scheme = std::string(uri.substr(0, colon));
  if (out.scheme == "mongodb" || out.scheme == "mongodb+srv") {
    out.path = std::string(uri);
    return out;
  }
  std::string_view rest = uri.substr(colon + 3);
  const auto question = rest.find('?');
  const std::string_view query =
      question == std::string_view::npos ? "" : rest.substr(question + 1);
  out.path = percent_decode(rest.substr(0, question));
  if (out.path.empty()) invalid("store URI without a path: '" + std::string(uri) + "'");
  std::size_t start = 0;
  while (start < query.size()) {
    const auto amp = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, amp - start);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      invalid("store URI parameter without a value: '" + std::string(pair) + "'");
    }
    out.params[percent_decode(pair.substr(0, eq))] = percent_decode(pair.substr(eq + 1));
    start = amp + 1;
  }
  return out;
}

}  // namespace corebot::store
