// A module's settings: what the owner set for it, from two places.
//   - The config file's table [modules.<name>] (read at start; a key the module did not declare in
//     ModuleInfo::settings is an error that names the file, the key and the keys it accepts).
//   - The Settings sheet of the spreadsheet (live: a reload changes it), for the declared keys.
// A key in the Settings sheet wins over the config file, which wins over the declared default.
// Values are validated against the declared ContentSetting type at load (the config at start,
// the sheet at every reload), so a module reads values it can trust.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace corebot {

class Settings {
 public:
  virtual ~Settings() = default;
  // The value of a declared key as written (trimmed), or nullopt when nobody set it and it has
  // no default.
  [[nodiscard]] virtual std::optional<std::string> get(std::string_view key) const = 0;
  [[nodiscard]] std::string get_or(std::string_view key, std::string_view fallback) const {
    auto v = get(key);
    return v ? *v : std::string(fallback);
  }
  // The whole [modules.<name>] table as JSON, for structured settings (arrays, tables) a sheet
  // cannot hold; empty when the config has none.
  [[nodiscard]] virtual const boost::json::object& config() const = 0;
};

}  // namespace corebot
