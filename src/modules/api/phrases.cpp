#include "corebot/phrases.hpp"

#include "corebot/context.hpp"

namespace corebot {

const Phrase* find_phrase(std::span<const Phrase> table, std::string_view key) {
  for (const Phrase& p : table) {
    if (key == p.key) return &p;
  }
  return nullptr;
}

std::string phrase_in(std::span<const Phrase> table, std::string_view language,
                      std::string_view key) {
  const Phrase* p = find_phrase(table, key);
  if (p == nullptr) return std::string(key);
  return language.starts_with("ru") ? p->ru : p->en;
}

std::string phrase(std::span<const Phrase> table, const Context& ctx, std::string_view key) {
  if (find_phrase(table, key) == nullptr) return std::string(key);
  return ctx.text(key, phrase_in(table, ctx.language(), key));
}

std::vector<std::string> phrase_keys(std::span<const Phrase> table) {
  std::vector<std::string> keys;
  keys.reserve(table.size());
  for (const Phrase& p : table) keys.emplace_back(p.key);
  return keys;
}

std::string fill(std::string pattern, const std::vector<std::string>& values) {
  std::size_t at = 0;
  for (const std::string& v : values) {
    const std::size_t hole = pattern.find("{}", at);
    if (hole == std::string::npos) break;
    pattern.replace(hole, 2, v);
    at = hole + v.size();
  }
  return pattern;
}

}  // namespace corebot
