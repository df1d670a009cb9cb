// `corebot new NAME`: a folder with a config, a token file, a starter workbook and a README, so an
// owner's first step is one command. The workbook comes from the same declarations `corebot
// check` validates against (content/starter/).
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/bot_content.hpp"
#include "app/bot_modules.hpp"
#include "cli/commands.hpp"
#include "cli/starter_files.hpp"
#include "content/schema.hpp"
#include "content/starter/templates.hpp"

namespace corebot::cli {
namespace {

namespace fs = std::filesystem;

bool looks_like_token(const std::string& token) {
  const auto colon = token.find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < token.size() &&
         token.find_first_not_of("0123456789") == colon &&
         token.find_first_of(" \t\r\n") == std::string::npos;
}

// Asks on the terminal without echoing what is typed.
std::string ask_token() {
  // Echo goes off before the prompt shows, so nothing typed after it is ever shown.
  termios old{};
  const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::cerr << "Bot token from @BotFather (Enter to skip; it is not shown): " << std::flush;
  std::string token;
  std::getline(std::cin, token);
  if (tty) tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  const auto first = token.find_first_not_of(" \t\r");
  const auto last = token.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : token.substr(first, last - first + 1);
}

// The token: COREBOT_TOKEN (or BOT_TOKEN), else asked when a person is at the terminal.
std::string find_token() {
  for (const char* name : {"COREBOT_TOKEN", "BOT_TOKEN"}) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return v;
  }
  return isatty(STDIN_FILENO) ? ask_token() : "";
}

// Written 0600 from the start (never readable by others, not even for a moment).
void write_secret(const fs::path& path, const std::string& secret) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  const std::string line = secret + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int run_new(const NewOptions& options) {
  const fs::path folder = options.name;
  const std::string bot_name = fs::path(options.name).lexically_normal().filename().string();
  std::error_code ec;
  if (options.name.empty() || bot_name.empty() || bot_name == "." || bot_name == "..") {
    std::cerr << "corebot new: \"" << options.name << "\" is not a folder name — give the new "
              << "bot's folder, e.g. corebot new my-bot\n";
    return 2;
  }
  if (fs::exists(fs::symlink_status(folder, ec))) {
    std::cerr << "corebot new: " << folder.string() << " already exists — corebot new never "
              << "overwrites: pick another name, or move the folder away first\n";
    return 2;
  }
  if (!options.admin.empty()) {
    if (auto bad = content::check_value(ColumnType::kTelegramUser, options.admin)) {
      std::cerr << "corebot new: --admin: " << bad->what << " — " << bad->fix << "\n";
      return 2;
    }
  }
  std::optional<content::starter::StarterWorkbook> book;
  try {
    ModuleRegistry registry;
    app::register_content_modules(app::EngineConfig{}, options.modules, registry);
    book = content::starter::starter_workbook(app::content_options(registry), options.template_name,
                                              options.language, bot_name, kVersion);
  } catch (const std::exception& e) {
    std::cerr << "corebot new: " << e.what() << "\n";
    return 2;
  }
  if (!book) {
    std::cerr << "corebot new: there is no template \"" << options.template_name << "\" — the "
              << "templates are " << content::starter::template_summary() << "\n";
    return 2;
  }
  if (!options.admin.empty()) book->rows["Admins"].push_back({{"user", options.admin}});

  const std::string token = find_token();
  if (!token.empty() && !looks_like_token(token)) {
    std::cerr << "corebot new: the token does not look like '<digits>:<secret>' (as @BotFather "
              << "gives it) — copy it again from @BotFather\n";
    return 2;
  }
  if (!fs::create_directory(folder, ec)) {
    std::cerr << "corebot new: cannot create " << folder.string() << ": "
              << (ec ? ec.message() : "it already exists") << " — check the parent folder\n";
    return 2;
  }
  const StarterFiles files = starter_files(options.language, bot_name, !token.empty());
  try {
    content::starter::write_starter_workbook(folder / kWorkbookFile, *book);
    write_text(folder / "bot.toml", files.config);
    write_text(folder / "README.md", files.readme);
    write_text(folder / ".gitignore", "token\nvar/\n");
    if (!token.empty()) write_secret(folder / kTokenFile, token);
  } catch (const std::exception& e) {
    fs::remove_all(folder, ec);  // ours: created above, so nothing of the owner's is lost
    std::cerr << "corebot new: " << e.what() << "\n";
    return 1;
  }
  std::cout << files.summary(folder.string());
  return 0;
}

}  // namespace corebot::cli
