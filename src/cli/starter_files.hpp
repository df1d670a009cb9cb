// The text files `corebot new` writes beside the starter workbook: the config, a short README in
// the owner's language, and what the command prints at the end.
#pragma once

#include <string>

namespace corebot::cli {

inline constexpr const char* kWorkbookFile = "bot.xlsx";
inline constexpr const char* kTokenFile = "token";  // 0600; bot.toml's telegram.token_file

struct StarterFiles {
  std::string config;  // bot.toml
  std::string readme;  // README.md
  // The closing message: what was made and the next steps.
  std::string summary(const std::string& folder) const;
  std::string language;
  bool has_token = false;
};

// language: "en" or "ru". has_token: the token file is written (else the README and the summary
// say how to add it).
StarterFiles starter_files(const std::string& language, const std::string& bot_name,
                           bool has_token);

}  // namespace corebot::cli
