#include "store/path.hpp"

#include <charconv>

#include "corebot/store.hpp"

namespace corebot::store {
namespace json = boost::json;

Path parse_path(std::string_view dotted) {
  auto fail = [&](std::string_view why) {
    throw StoreError(StoreErrorKind::kInvalidArgument, "", "",
                     "invalid path '" + std::string(dotted) + "': " + std::string(why));
  };
  if (dotted.empty()) fail("empty");
  Path path;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    const std::string_view part = dotted.substr(start, dot - start);
    if (part.empty()) fail("empty component");
    if (part.front() == '$') fail("a component starts with '$'");
    path.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return path;
}

std::string join_path(const Path& path) {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

std::optional<std::size_t> array_index(std::string_view component) {
  if (component.empty() || component.size() > 9) return std::nullopt;
  std::size_t index = 0;
  const auto [ptr, ec] =
      std::from_chars(component.data(), component.data() + component.size(), index);
  if (ec != std::errc() || ptr != component.data() + component.size()) return std::nullopt;
  return index;
}

namespace {

void collect(const json::value& v, const Path& path, std::size_t i, Resolved& out) {
  if (i == path.size()) {
    out.values.push_back(&v);
    return;
  }
  if (const auto* obj = v.if_object()) {
    if (const auto* child = obj->if_contains(path[i])) {
      collect(*child, path, i + 1, out);
    } else {
      out.missing = true;
    }
    return;
  }
  if (const auto* arr = v.if_array()) {
    if (const auto index = array_index(path[i])) {
      if (*index < arr->size()) collect((*arr)[*index], path, i + 1, out);
    }
    for (const auto& element : *arr) {
      if (element.is_object()) collect(element, path, i, out);
    }
    return;
  }
  out.missing = true;
}

}  // namespace

Resolved resolve(const json::object& doc, const Path& path) {
  Resolved out;
  const auto* first = doc.if_contains(path.front());
  if (first == nullptr) {
    out.missing = true;
    return out;
  }
  collect(*first, path, 1, out);
  return out;
}

const json::value* find_exact(const json::object& doc, const Path& path) {
  const json::value* current = doc.if_contains(path.front());
  for (std::size_t i = 1; current != nullptr && i < path.size(); ++i) {
    if (const auto* obj = current->if_object()) {
      current = obj->if_contains(path[i]);
    } else if (const auto* arr = current->if_array()) {
      const auto index = array_index(path[i]);
      current = (index && *index < arr->size()) ? &(*arr)[*index] : nullptr;
    } else {
      current = nullptr;
    }
  }
  return current;
}

namespace {

bool touches(const json::value& v, const Path& path, std::size_t i) {
  if (v.is_array()) return true;
  if (i == path.size()) return false;
  const auto* obj = v.if_object();
  if (obj == nullptr) return false;
  const auto* child = obj->if_contains(path[i]);
  return child != nullptr && touches(*child, path, i + 1);
}

}  // namespace

bool touches_array(const json::object& doc, const Path& path) {
  const auto* first = doc.if_contains(path.front());
  return first != nullptr && touches(*first, path, 1);
}

}  // namespace corebot::store
