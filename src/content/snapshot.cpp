#include "content/snapshot.hpp"

#include "content/text.hpp"

namespace corebot::content {

const Page* ContentSnapshot::page(std::string_view id) const {
  auto it = page_index_.find(fold_case(trim(id)));
  return it == page_index_.end() ? nullptr : &pages_[it->second];
}

std::string_view ContentSnapshot::text(std::string_view key, std::string_view language) const {
  auto it = texts_.find(fold_case(key));
  if (it == texts_.end()) return {};
  const auto& by_lang = it->second;
  const std::string lang = fold_case(language);
  if (auto l = by_lang.find(lang); l != by_lang.end()) return l->second;
  if (const size_t dash = lang.find('-'); dash != std::string::npos) {
    if (auto l = by_lang.find(lang.substr(0, dash)); l != by_lang.end()) return l->second;
  }
  if (auto l = by_lang.find(default_language_); l != by_lang.end()) return l->second;
  return {};
}

bool ContentSnapshot::has_text(std::string_view key) const {
  return texts_.find(fold_case(key)) != texts_.end();
}

std::optional<std::string_view> ContentSnapshot::setting(std::string_view key) const {
  auto it = settings_.find(key);
  if (it == settings_.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string ContentSnapshot::setting_cell(std::string_view key) const {
  auto it = setting_cells_.find(key);
  return it == setting_cells_.end() ? std::string() : it->second;
}

bool ContentSnapshot::setting_flag(std::string_view key, bool fallback) const {
  const auto v = setting(key);
  if (!v) return fallback;
  return parse_boolean(*v).value_or(fallback);
}

bool ContentSnapshot::is_admin(int64_t user_id, std::string_view username) const {
  const std::string name =
      fold_case(!username.empty() && username[0] == '@' ? username.substr(1) : username);
  for (const Admin& a : admins_) {
    if (a.user_id != 0 && a.user_id == user_id) return true;
    if (!a.username.empty() && a.username == name) return true;
  }
  return false;
}

const std::vector<corebot::ContentRow>& ContentSnapshot::rows(std::string_view sheet) const {
  static const std::vector<corebot::ContentRow> kNone;
  auto it = rows_.find(fold_case(trim(sheet)));
  return it == rows_.end() ? kNone : it->second;
}

}  // namespace corebot::content
