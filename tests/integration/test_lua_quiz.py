"""The Lua quiz module (modules/quiz/) end to end: the real binary finds it in [scripts] dirs and
runs it in the sandbox; a round per user kept in the session, points in the store, the
leaderboard; hot reload swaps the code and a broken version keeps the old one.
"""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, free_port, http, wait_for  # noqa: E402
from content_helpers import ROOT, Chat, body, buttons  # noqa: E402

# The right answer of each question (modules/quiz/questions.lua).
ANSWERS = {
    "What is 7 × 6?": "42",
    "Which planet is the largest?": "Jupiter",
    "How many bytes are in a kibibyte?": "1024",
    "Which language is this module written in?": "Lua",
    "What is the capital of Japan?": "Tokyo",
}


class QuizTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.modules = os.path.join(self.sandbox.dir.name, "modules")
        shutil.copytree(os.path.join(ROOT, "modules", "quiz"), os.path.join(self.modules, "quiz"))
        self.config = os.path.join(self.sandbox.dir.name, "bot.toml")
        with open(self.config, "w") as f:
            f.write(f'[scripts]\ndirs = ["{self.modules}"]\nreload_interval = 1\n')
        self.bot = Bot(self.sandbox, "--config", self.config)

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def play(self, chat, right):
        """Plays a round of three, answering right or wrong; returns the last text."""
        chat.send("/quiz")
        for n in (1, 2, 3):
            question = chat.wait_text(f"Question {n} of 3: ")
            text = body(question).split(": ", 1)[1]
            options = buttons(question)
            pick = [b for b in options if (b["text"] == ANSWERS[text]) == right][0]
            chat.press(question, pick["callback_data"])
        return body(chat.wait_text("Round over"))

    def test_rounds_points_and_the_leaderboard(self):
        ann = Chat(self.sandbox, 1001, first_name="Ann", username="ann")
        bob = Chat(self.sandbox, 1002, first_name="Bob", username="bob")
        self.assertIn("Round over: 3 of 3. Your points in all: 3.", self.play(ann, True))
        self.assertIn("Round over: 0 of 3. Your points in all: 0.", self.play(bob, False))
        self.assertIn("Your points in all: 6.", self.play(ann, True))
        ann.send("/top")
        top = body(ann.wait_text("Leaderboard"))
        self.assertEqual(top.split("\n")[1:], ["1. @ann — 6", "2. @bob — 0"])

    def test_russian_users_get_russian_texts(self):
        ivan = Chat(self.sandbox, 1003, first_name="Иван", language_code="ru")
        ivan.send("/top")
        ivan.wait_text("Ещё никто не играл")

    def test_hot_reload_swaps_the_code_and_a_broken_version_keeps_the_old(self):
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/top")
        ann.wait_text("Nobody has played yet")
        texts = os.path.join(self.modules, "quiz", "texts.lua")
        with open(texts) as f:
            original = f.read()
        with open(texts, "w") as f:
            f.write("this is not Lua")
        wait_for(lambda: "the new version did not load" in self.bot.output(), "the failed load")
        ann.send("/top")
        ann.wait_text("Nobody has played yet")
        with open(texts, "w") as f:
            f.write(original.replace("Nobody has played yet", "No players so far"))
        wait_for(lambda: "reloaded" in self.bot.output(), "the reload")
        ann.send("/top")
        ann.wait_text("No players so far")


ADMIN_TOKEN = "admin-secret-for-tests"


class FailingModuleTest(unittest.TestCase):
    """A Lua module that loops forever is stopped, counted in the engine's module errors, the
    admins are told, the bot goes on."""

    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        base = self.sandbox.dir.name
        modules = os.path.join(base, "modules")
        shutil.copytree(os.path.join(ROOT, "modules", "quiz"), os.path.join(modules, "quiz"))
        os.makedirs(os.path.join(modules, "bad"))
        with open(os.path.join(modules, "bad", "module.toml"), "w") as f:
            f.write('name = "bad"\nversion = "1"\napi_version = 2\n'
                    '[[commands]]\nname = "loop"\n')
        with open(os.path.join(modules, "bad", "main.lua"), "w") as f:
            f.write("return { commands = { loop = function(ctx)\n"
                    "  pcall(function() while true do end end)\n"
                    "  ctx:reply('escaped')\nend } }\n")
        content = os.path.join(base, "content")
        os.makedirs(content)
        with open(os.path.join(content, "Pages.csv"), "w") as f:
            f.write("id,text\nstart,Hi\n")
        with open(os.path.join(content, "Admins.csv"), "w") as f:
            f.write("user\n1009\n")
        config = os.path.join(base, "bot.toml")
        with open(config, "w") as f:
            f.write(f'[content]\nsource = "{content}"\n[scripts]\ndirs = ["{modules}"]\n')
        self.admin_port = free_port()
        self.bot = Bot(self.sandbox, "--config", config, env={
            "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{self.admin_port}",
            "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN})

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def module_errors(self):
        status, metrics = http("GET", f"http://127.0.0.1:{self.admin_port}/metrics", None,
                               {"Authorization": "Bearer " + ADMIN_TOKEN})
        self.assertEqual(status, 200)
        line = [x for x in metrics.splitlines() if x.startswith("corebot_module_errors_total ")]
        return int(line[0].split()[1])

    def test_an_endless_loop_is_stopped_reported_and_the_bot_goes_on(self):
        admin = Chat(self.sandbox, 1009, first_name="Admin")
        admin.send("/start")  # a bot writes only to whom wrote to it
        admin.wait_text("Hi")
        self.assertEqual(self.module_errors(), 0)
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/loop")
        report = wait_for(lambda: [m for m in bot_messages(self.sandbox.chat(1009))
                                   if "Module bad failed" in body(m)], "the admins' report")[0]
        self.assertIn("instructions (an endless loop?)", body(report))
        ann.send("/top")
        ann.wait_text("Nobody has played yet")
        self.assertNotIn("escaped", [body(m) for m in bot_messages(self.sandbox.chat(1001))])
        self.assertIn("stack traceback", self.bot.output())
        self.assertEqual(self.module_errors(), 1, "counted with the engine's module errors")


if __name__ == "__main__":
    unittest.main()
