// ASCII text helpers for protocol tokens and identifiers (HTTP header names, form and page ids,
// parse modes): only the bytes 'A'..'Z' change case and only space, tab, CR and LF count as
// space, so UTF-8 text passes through untouched and nothing depends on the C locale.
// Header-only; shared by the engine and the built-in modules.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace corebot::ascii {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `s` with 'A'..'Z' lowered; other bytes unchanged.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// `s` without spaces, tabs, CRs and LFs at either end.
constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Equal but for the case of 'A'..'Z'.
constexpr bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

constexpr bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace corebot::ascii
