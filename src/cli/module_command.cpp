// `corebot module new NAME`: writes a working Lua module skeleton with an end-to-end test.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "cli/commands.hpp"
#include "corebot/module.hpp"

#ifndef COREBOT_SOURCE_DIR
#define COREBOT_SOURCE_DIR "."
#endif

namespace corebot::cli {

namespace {

std::string manifest(const std::string& name) {
  return "# A Lua module (docs/modules.md, \"Lua modules\"). List its parent folder in the bot's\n"
         "# config: [scripts] dirs = [\"...\"]\n"
         "name = \"" +
         name +
         "\"\n"
         "version = \"0.1.0\"\n"
         "api_version = " +
         std::to_string(kModuleApiVersion) +
         "\n"
         "permissions = [\"store\"]\n"
         "callback_prefix = \"" +
         name +
         "\"\n\n"
         "[[commands]]\n"
         "name = \"" +
         name +
         "\"\n"
         "description = \"Say hello\"\n\n"
         "[[settings]]\n"
         "key = \"greeting\"\n"
         "type = \"text\"\n"
         "default = \"Hello\"\n"
         "description = \"The first word of the answer (greeting = \\\"Hi\\\")\"\n";
}

std::string main_lua(const std::string& name) {
  return "-- The module's handlers: commands by name, on_callback for \"" + name +
         ":...\" buttons,\n"
         "-- on_update for the rest. The API: docs/modules.md, \"The Lua API\".\n"
         "return {\n"
         "  commands = {\n"
         "    " +
         name +
         " = function(ctx)\n"
         "      -- Waits for the store without blocking the bot.\n"
         "      store.insert(\"visits\", { user = ctx.user_id, at = bot.now() })\n"
         "      local n = store.count(\"visits\", { user = ctx.user_id })\n"
         "      ctx:reply(settings.get(\"greeting\") .. \"! Visit number \" .. n .. \".\",\n"
         "                { reply_markup = { inline_keyboard = {\n"
         "                  { { text = \"Again\", callback_data = \"" +
         name +
         ":again\" } } } } })\n"
         "    end,\n"
         "  },\n"
         "  on_callback = function(ctx)\n"
         "    ctx.session.presses = (ctx.session.presses or 0) + 1\n"
         "    ctx:answer(\"Pressed \" .. ctx.session.presses .. \" times\")\n"
         "  end,\n"
         "}\n";
}

std::string test_py(const std::string& name) {
  return "\"\"\"End-to-end test of the " + name +
         " module: the real corebot binary against the sandbox.\n\n"
         "Run: COREBOT_BIN=.../corebot SANDBOX_BIN=.../corebot-sandbox python3 test_" +
         name +
         ".py\n\"\"\"\n"
         "import os\nimport sys\nimport tempfile\nimport unittest\n\n"
         "sys.path.insert(0, os.environ.get(\"COREBOT_HARNESS\", \"" COREBOT_SOURCE_DIR
         "/tests/integration\"))\n"
         "from harness import Bot, Sandbox, bot_messages, wait_for  # noqa: E402\n\n"
         "HERE = os.path.dirname(os.path.abspath(__file__))\n\n\n"
         "class ModuleTest(unittest.TestCase):\n"
         "    def test_it_answers_and_counts_visits(self):\n"
         "        sandbox = Sandbox(\"--limits\", \"off\")\n"
         "        self.addCleanup(sandbox.close)\n"
         "        config = os.path.join(sandbox.dir.name, \"bot.toml\")\n"
         "        with open(config, \"w\") as f:\n"
         "            f.write(f'[scripts]\\ndirs = [\"{HERE}\"]\\n')\n"
         "        bot = Bot(sandbox, \"--config\", config)\n"
         "        self.addCleanup(bot.close)\n"
         "        for visit in (1, 2):\n"
         "            sandbox.message(1001, \"/" +
         name +
         "\")\n"
         "            wait_for(lambda: [m for m in bot_messages(sandbox.chat(1001))\n"
         "                              if m.get(\"text\") == f\"Hello! Visit number {visit}.\"],\n"
         "                     f\"visit {visit}\")\n\n\n"
         "if __name__ == \"__main__\":\n"
         "    unittest.main()\n";
}

}  // namespace

int run_module_new(const ModuleNewOptions& options) {
  namespace fs = std::filesystem;
  static const std::regex kName("[a-z][a-z0-9_]*");
  if (!std::regex_match(options.name, kName)) {
    std::cerr << "corebot: the module name '" << options.name
              << "' must be lowercase letters, digits and '_', starting with a letter (quiz)\n";
    return 2;
  }
  const fs::path dir = fs::path(options.dir) / options.name;
  if (fs::exists(dir)) {
    std::cerr << "corebot: " << dir.string()
              << " exists already — choose another name or remove it\n";
    return 2;
  }
  fs::create_directories(dir);
  std::ofstream(dir / "module.toml") << manifest(options.name);
  std::ofstream(dir / "main.lua") << main_lua(options.name);
  std::ofstream(dir / ("test_" + options.name + ".py")) << test_py(options.name);
  std::cout << "Wrote " << dir.string() << "/: module.toml, main.lua, test_" << options.name
            << ".py\nRun it: add [scripts] dirs = [\"" << fs::path(options.dir).string()
            << "\"] to the bot's config. Test it: python3 "
            << (dir / ("test_" + options.name + ".py")).string() << "\n";
  return 0;
}

}  // namespace corebot::cli
