#include "cli/starter_files.hpp"

namespace corebot::cli {

StarterFiles starter_files(const std::string& language, const std::string& bot_name,
                           bool has_token) {
  StarterFiles files;
  files.language = language;
  files.has_token = has_token;
  files.config =
      "# " + bot_name +
      ": corebot run --config bot.toml (every key: docs/configuration.md)\n"
      "[telegram]\n"
      "# The token from @BotFather, on the first line of this file (chmod 600; never put it in\n"
      "# the workbook). BOT_TOKEN in the environment overrides it.\n"
      "token_file = \"" +
      std::string(kTokenFile) +
      "\"\n\n"
      "[content]\n"
      "source = \"" +
      std::string(kWorkbookFile) +
      "\"  # relative to this file\n"
      "poll_interval = 5       # reload when the file changes (0: only on /reload)\n\n"
      "[store]\n"
      "uri = \"sqlite://var/bot.db\"  # relative to the folder you run the bot from\n";
  const std::string token_step_en =
      has_token ? "The bot's token is in `token` (only you can read it; keep it out of git)."
                : "Put the token from @BotFather on the first line of a file `token` here "
                  "(`chmod 600 token`), or set `BOT_TOKEN` when you run the bot.";
  const std::string token_step_ru =
      has_token ? "Токен бота лежит в файле `token` (читать его можете только вы; не кладите его в "
                  "git)."
                : "Положите токен от @BotFather первой строкой в файл `token` здесь "
                  "(`chmod 600 token`) или задайте `BOT_TOKEN` при запуске.";
  if (language == "ru") {
    files.readme =
        "# " + bot_name +
        "\n\n"
        "Бот на Corebot. Всё, что он показывает, — в таблице `bot.xlsx`.\n\n"
        "1. Откройте `bot.xlsx` (Excel, LibreOffice, Google Таблицы) и прочитайте лист "
        "«Как пользоваться». У каждого столбца есть примечание (наведите мышь на название), а где "
        "значения фиксированы — выпадающий список.\n"
        "2. Впишите себя в лист Admins (`@username` или числовой id).\n"
        "3. " +
        token_step_ru +
        "\n"
        "4. Проверьте таблицу: `corebot check bot.xlsx`.\n"
        "5. Запустите из этой папки: `corebot run --config bot.toml`.\n"
        "6. Дальше: правка → сохранить → отправить боту `/reload`.\n\n"
        "Формат таблицы: docs/spreadsheet-format.md в репозитории Corebot; настройки: "
        "docs/configuration.md.\n";
  } else {
    files.readme =
        "# " + bot_name +
        "\n\n"
        "A Corebot bot. Everything it shows is in the workbook `bot.xlsx`.\n\n"
        "1. Open `bot.xlsx` (Excel, LibreOffice, Google Sheets) and read its \"How to\" sheet. "
        "Every column has a note (point at its name), and columns with fixed values have a "
        "drop-down list.\n"
        "2. Put yourself in the Admins sheet (`@username` or numeric id).\n"
        "3. " +
        token_step_en +
        "\n"
        "4. Check the workbook: `corebot check bot.xlsx`.\n"
        "5. Run it from this folder: `corebot run --config bot.toml`.\n"
        "6. From then on: edit → save → send `/reload` to the bot.\n\n"
        "The workbook's format: docs/spreadsheet-format.md in the Corebot repository; the "
        "config: docs/configuration.md.\n";
  }
  return files;
}

std::string StarterFiles::summary(const std::string& folder) const {
  const bool ru = language == "ru";
  std::string out = (ru ? "Создано: " : "Created ") + folder + "/ (bot.xlsx, bot.toml, README.md" +
                    (has_token ? ", token" : "") + ")\n";
  out += ru ? "Дальше:\n" : "Next:\n";
  out += "  cd " + folder + "\n";
  if (!has_token) {
    out += ru ? "  # токен от @BotFather — первой строкой в файл token (chmod 600)\n"
              : "  # put the token from @BotFather on the first line of a file named token "
                "(chmod 600)\n";
  }
  out += "  corebot check bot.xlsx\n  corebot run --config bot.toml\n";
  return out;
}

}  // namespace corebot::cli
