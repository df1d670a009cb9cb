#include "manifest.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace corebot::script {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxFiles = 200;
constexpr std::uintmax_t kMaxFileBytes = 1u << 20;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    std::ostringstream out;
    out << file_ << ":" << node.source().begin.line << ":" << node.source().begin.column << ": "
        << what;
    throw ManifestError(out.str());
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw ManifestError(file_ + ": " + what);
  }

  // Refuses keys besides `known`.
  void only(const toml::table& table, std::initializer_list<const char*> known,
            const std::string& where) const {
    for (const auto& [key, node] : table) {
      bool ok = false;
      for (const char* k : known) ok = ok || key.str() == k;
      if (!ok) {
        std::string list;
        for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(node, "unknown key '" + std::string(key.str()) + "' in " + where +
                       " — the keys are: " + list);
      }
    }
  }
  std::string string(const toml::table& t, const char* key, bool required,
                     const std::string& fallback = "") const {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) fail("'" + std::string(key) + "' is missing — add " + key + " = \"...\"");
      return fallback;
    }
    auto v = node->value_exact<std::string>();
    if (!v) fail(*node, "'" + std::string(key) + "' must be a string");
    return *v;
  }
  bool boolean(const toml::table& t, const char* key) const {
    const toml::node* node = t.get(key);
    if (!node) return false;
    auto v = node->value_exact<bool>();
    if (!v) fail(*node, "'" + std::string(key) + "' must be true or false");
    return *v;
  }
  std::vector<std::string> strings(const toml::table& t, const char* key) const {
    std::vector<std::string> out;
    const toml::node* node = t.get(key);
    if (!node) return out;
    const toml::array* a = node->as_array();
    if (!a) fail(*node, "'" + std::string(key) + "' must be an array of strings");
    for (const auto& item : *a) {
      auto v = item.value_exact<std::string>();
      if (!v) fail(item, "'" + std::string(key) + "' must be an array of strings");
      out.push_back(*v);
    }
    return out;
  }
  std::vector<const toml::table*> tables(const toml::table& t, const char* key) const {
    std::vector<const toml::table*> out;
    const toml::node* node = t.get(key);
    if (!node) return out;
    const toml::array* a = node->as_array();
    if (!a) fail(*node, "'" + std::string(key) + "' must be an array of tables ([[" + key + "]])");
    for (const auto& item : *a) {
      if (!item.as_table()) fail(item, "each of '" + std::string(key) + "' must be a table");
      out.push_back(item.as_table());
    }
    return out;
  }
  ColumnType type(const toml::table& t) const {
    static const std::map<std::string, ColumnType> kTypes = {
        {"text", ColumnType::kText},
        {"id", ColumnType::kId},
        {"integer", ColumnType::kInteger},
        {"number", ColumnType::kNumber},
        {"boolean", ColumnType::kBoolean},
        {"url", ColumnType::kUrl},
        {"language", ColumnType::kLanguage},
        {"enum", ColumnType::kEnum},
        {"telegram_user", ColumnType::kTelegramUser},
        {"datetime", ColumnType::kDateTime}};
    const std::string name = string(t, "type", false, "text");
    auto it = kTypes.find(name);
    if (it == kTypes.end()) {
      fail(*t.get("type"), "unknown type '" + name +
                               "' — use text, id, integer, number, boolean, url, language, enum, "
                               "telegram_user or datetime");
    }
    return it->second;
  }

 private:
  std::string file_;
};

}  // namespace

Manifest read_manifest(const fs::path& dir) {
  const fs::path path = dir / "module.toml";
  const std::string file = path.string();
  if (!fs::exists(path)) {
    throw ManifestError(file +
                        ": not found — a Lua module's folder needs a module.toml "
                        "(`corebot module new NAME` writes one)");
  }
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    std::ostringstream out;
    out << file << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    throw ManifestError(out.str());
  }
  Reader r(file);
  r.only(root,
         {"name", "version", "api_version", "main", "permissions", "callback_prefix",
          "update_kinds", "commands", "settings", "sheets", "admin_menu"},
         "module.toml");
  Manifest m;
  m.info.name = r.string(root, "name", true);
  static const std::regex kName("[a-z0-9_]+");
  if (!std::regex_match(m.info.name, kName)) {
    r.fail(*root.get("name"),
           "the name '" + m.info.name + "' must be lowercase letters, digits and '_' (\"quiz\")");
  }
  m.info.version = r.string(root, "version", true);
  if (const toml::node* v = root.get("api_version")) {
    auto n = v->value_exact<std::int64_t>();
    if (!n) r.fail(*v, "'api_version' must be a whole number");
    if (*n != kModuleApiVersion) {
      r.fail(*v, "the module needs module API version " + std::to_string(*n) +
                     ", this engine has " + std::to_string(kModuleApiVersion) +
                     " — update the module (docs/modules.md lists what changed)");
    }
    m.info.api_version = static_cast<int>(*n);
  } else {
    r.fail("'api_version' is missing — add api_version = " + std::to_string(kModuleApiVersion));
  }
  m.main = r.string(root, "main", false, "main.lua");
  m.info.callback_prefix = r.string(root, "callback_prefix", false);
  m.info.update_kinds = r.strings(root, "update_kinds");
  for (const auto& p : r.strings(root, "permissions")) {
    if (p != "store" && p != "send" && p != "users" && p != "jobs") {
      r.fail(*root.get("permissions"), "unknown permission '" + p +
                                           "' — the permissions are \"store\", \"send\", "
                                           "\"users\" and \"jobs\"");
    }
    m.permissions.insert(p);
  }
  for (const toml::table* t : r.tables(root, "commands")) {
    r.only(*t, {"name", "description"}, "[[commands]]");
    m.info.commands.push_back({r.string(*t, "name", true), r.string(*t, "description", false), {}});
  }
  for (const toml::table* t : r.tables(root, "settings")) {
    r.only(*t, {"key", "type", "default", "description", "choices"}, "[[settings]]");
    ContentSetting s;
    s.key = r.string(*t, "key", true);
    s.type = r.type(*t);
    s.default_value = r.string(*t, "default", false);
    s.description = r.string(*t, "description", false);
    s.choices = r.strings(*t, "choices");
    m.info.settings.push_back(std::move(s));
  }
  for (const toml::table* t : r.tables(root, "sheets")) {
    r.only(*t, {"name", "required", "columns"}, "[[sheets]]");
    ContentSheet sheet;
    sheet.name = r.string(*t, "name", true);
    sheet.required = r.boolean(*t, "required");
    for (const toml::table* c : r.tables(*t, "columns")) {
      r.only(*c, {"name", "type", "required", "unique", "choices"}, "a sheet's columns");
      ContentColumn col;
      col.name = r.string(*c, "name", true);
      col.type = r.type(*c);
      col.required = r.boolean(*c, "required");
      col.unique = r.boolean(*c, "unique");
      col.choices = r.strings(*c, "choices");
      sheet.columns.push_back(std::move(col));
    }
    m.info.sheets.push_back(std::move(sheet));
  }
  for (const toml::table* t : r.tables(root, "admin_menu")) {
    r.only(*t, {"title", "callback_data", "role", "titles"}, "[[admin_menu]]");
    AdminMenuEntry e;
    e.title = r.string(*t, "title", true);
    e.callback_data = r.string(*t, "callback_data", true);
    if (m.info.callback_prefix.empty() ||
        e.callback_data.rfind(m.info.callback_prefix + ":", 0) != 0) {
      r.fail(*t->get("callback_data"),
             "the admin_menu entry's callback_data '" + e.callback_data + "' must start with '" +
                 (m.info.callback_prefix.empty() ? std::string("<callback_prefix>")
                                                 : m.info.callback_prefix) +
                 ":' — set callback_prefix and start callback_data with it");
    }
    const std::string role = r.string(*t, "role", false, "admin");
    auto parsed = parse_role(role);
    if (!parsed) {
      r.fail(*t->get("role"), "unknown role '" + role + "' — use operator, admin or owner");
    }
    e.role = *parsed;
    if (const toml::node* titles = t->get("titles")) {
      const toml::table* tt = titles->as_table();
      if (!tt)
        r.fail(*titles, "'titles' must be a table of language = \"title\" ({ ru = \"...\" })");
      for (const auto& [lang, node] : *tt) {
        auto v = node.value_exact<std::string>();
        if (!v) r.fail(node, "each of 'titles' must be a string");
        e.titles[std::string(lang.str())] = *v;
      }
    }
    m.info.admin_menu.push_back(std::move(e));
  }
  return m;
}

std::map<std::string, std::string> read_lua_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec) throw ManifestError(dir.string() + ": cannot open the folder: " + ec.message());
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".lua") continue;
    const fs::path real = fs::canonical(it->path(), ec);
    const std::string rel = real.lexically_relative(root).generic_string();
    if (ec || rel.empty() || rel.rfind("..", 0) == 0) {
      throw ManifestError(it->path().string() +
                          ": leads outside the module's folder — keep the "
                          "module's files inside it");
    }
    if (files.size() >= kMaxFiles) {
      throw ManifestError(dir.string() + ": more than " + std::to_string(kMaxFiles) +
                          " Lua files — a module keeps its code small");
    }
    if (it->file_size() > kMaxFileBytes) {
      throw ManifestError(it->path().string() +
                          ": larger than 1 MiB — split it or keep data in "
                          "the store");
    }
    std::ifstream in(real, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[rel] = text.str();
  }
  if (ec) throw ManifestError(dir.string() + ": cannot read the folder: " + ec.message());
  return files;
}

std::string fingerprint(const fs::path& dir) {
  std::string out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto ext = it->path().extension();
    if (ext != ".lua" && it->path().filename() != "module.toml") continue;
    // The text itself, not the modification time: two saves within one clock tick still differ.
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    out += it->path().generic_string() + ":" +
           std::to_string(std::hash<std::string>{}(text.str())) + ";";
  }
  return out;
}

}  // namespace corebot::script
