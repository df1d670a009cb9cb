"""Content reload while users are mid-form, /reload by an admin, bad content, restarts."""
import csv
import io
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks, leads  # noqa: E402

ADMIN = 1009


def rewrite(path, transform):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows = transform(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with open(path, "w", encoding="utf-8") as f:
        f.write(out.getvalue())


class ReloadTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.content = os.path.join(self.sandbox.dir.name, "content")
        shutil.copytree(os.path.join(EXAMPLES, "business-card", "csv"), self.content)
        self.store = "sqlite://" + os.path.join(self.sandbox.dir.name, "shared.db")
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()

    def start_bot(self):
        bot = Bot(self.sandbox, env={"COREBOT_CONTENT": self.content,
                                     "COREBOT_STORE_URI": self.store})
        self.bots.append(bot)
        return bot

    def begin_form(self, chat):
        chat.send("/start")
        start = chat.wait(lambda m: "form:request" in callbacks(m), "the start page")
        chat.press(start, "form:request")
        chat.wait_text("What is your name?")
        chat.send("Someone")
        chat.wait_text("phone number")
        return start

    def reload(self, admin, expect):
        admin.send("/reload")
        return admin.wait_text(expect)

    def test_reload_mid_form_keeps_users_going(self):
        self.start_bot()
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        ann, bob = Chat(self.sandbox, 1001, first_name="Ann"), Chat(self.sandbox, 1002,
                                                                    first_name="Bob")
        old_start = self.begin_form(ann)
        self.begin_form(bob)

        # The owner adds a question before the date, rewords one, and removes the portfolio page.
        def forms(rows):
            out = []
            for r in rows:
                if r[1] == "date":
                    out.append(["request", "budget", "Your budget, in euros?", "number", "", "yes",
                                "Budget"])
                if r[1] == "shoot":
                    r[2] = "Which kind of photo session?"
                out.append(r)
            return out
        rewrite(os.path.join(self.content, "Forms.csv"), forms)

        def pages(rows):
            out = []
            for r in rows:
                if r[0] == "portfolio":
                    continue
                r[3] = r[3].replace("Portfolio -> portfolio | ", "")
                if r[0] == "start":
                    r[1] = r[1].replace("Hi!", "Hello again!")
                out.append(r)
            return out
        rewrite(os.path.join(self.content, "Pages.csv"), pages)
        report = self.reload(admin, "Content reloaded")
        self.assertIn("3 pages", body(report))

        # Ann goes on from where she was: the phone, then the new and the reworded questions.
        ann.contact("+351912000111")
        ann.wait_text("e-mail")
        ann.send("ann@example.com")
        shoot = ann.wait_text("Which kind of photo session?")
        ann.press(shoot, "form:~a:shoot:0")
        ann.wait_text("Your budget")
        ann.send("1 200")
        ann.wait_text("Which date?")
        ann.send("2025-07-01")
        photo = ann.wait_text("A photo you like")
        ann.press(photo, "form:~skip")
        summary = ann.wait_text("Please check your answers")
        self.assertIn("Budget: 1200", body(summary))
        ann.press(summary, "form:~ok")
        ann.wait_text("Thank you!")
        saved = wait_for(lambda: leads(self.store[len("sqlite://"):]), "the lead")
        self.assertEqual(saved[0]["answers"]["budget"], "1200")

        # A button of the removed page answers gracefully and shows the current start page.
        ann.press(old_start, "p:portfolio")
        ann.wait_text("Hello again!")
        answers = [c for c in self.sandbox.calls() if c["method"] == "answerCallbackQuery"
                   and "out of date" in c["params"].get("text", "")]
        self.assertTrue(answers)

        # A broken workbook is refused: the admin gets the cells, users keep the content.
        rewrite(os.path.join(self.content, "Pages.csv"),
                lambda rows: rows + [["broken", "Oops", "", "Nowhere -> missing_page"]])
        refused = self.reload(admin, "keeps showing the previous content")
        self.assertIn("Pages!D5", body(refused))
        self.assertIn("missing_page", body(refused))
        bob.contact("+351912000222")
        bob.wait_text("e-mail")
        bob.send("/start")
        bob.wait_text("Hello again!")

        # Someone not in Admins cannot reload.
        ann.send("/reload")
        ann.wait_text("did not understand")

    def test_the_admin_panel_reloads_from_its_button(self):
        self.start_bot()
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        admin.send("/admin")
        panel = admin.wait(lambda m: "admin:content" in callbacks(m), "the admin menu")
        self.assertEqual(callbacks(panel), ["admin:stats", "admin:users", "admin:content",
                                            "admin:maint", "admin:exports", "mailing:menu"],
                         "the panel's own sections and the mailing module's entry")
        admin.press(panel, "admin:content")
        menu = admin.wait(lambda m: "admin:reload" in callbacks(m), "the content section")
        rewrite(os.path.join(self.content, "Pages.csv"),
                lambda rows: [[c.replace("Hi!", "Pressed!") for c in r] for r in rows])
        admin.press(menu, "admin:reload")
        admin.wait_text("Reloading the content…")
        self.assertIn("4 pages", body(admin.wait_text("Content reloaded")))
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/start")
        ann.wait_text("Pressed!")
        # Not an admin: /admin is an unknown command and shows no panel.
        ann.send("/admin")
        ann.wait_text("did not understand")
        self.assertFalse([m for m in bot_messages(self.sandbox.chat(1001))
                          if "admin:reload" in callbacks(m)])

    def test_a_form_in_progress_survives_a_restart(self):
        bot = self.start_bot()
        carol = Chat(self.sandbox, 1003, first_name="Carol")
        self.begin_form(carol)
        self.assertEqual(bot.terminate(), 0)
        self.start_bot()
        carol.contact("+351912000333")
        carol.wait_text("e-mail")

    def test_polling_picks_up_a_changed_file(self):
        config = os.path.join(self.sandbox.dir.name, "bot.toml")
        with open(config, "w") as f:
            f.write(f'[content]\nsource = "{self.content}"\npoll_interval = 1\n')
        self.bots.append(Bot(self.sandbox, "--config", config,
                             env={"COREBOT_STORE_URI": self.store}))
        dan = Chat(self.sandbox, 1004, first_name="Dan")
        dan.send("/start")
        dan.wait_text("Hi!")
        rewrite(os.path.join(self.content, "Pages.csv"),
                lambda rows: [[c.replace("Hi!", "Polled!") for c in r] for r in rows])
        wait_for(lambda: "reload of" in self.bots[-1].output(), "the polled reload")
        dan.send("/start")
        dan.wait_text("Polled!")

    def test_a_reload_that_changes_what_commands_can_do_publishes_the_menu_again(self):
        self.start_bot()

        def menus():
            return [sorted(c["command"] for c in call["params"]["commands"])
                    for call in self.sandbox.calls()
                    if call["method"] == "setMyCommands" and call["ok"]]
        first = wait_for(menus, "the command menu")
        self.assertEqual(first, [["cancel", "language", "start"]])
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        # One language left: /language has nothing to offer any more.
        rewrite(os.path.join(self.content, "Texts.csv"), lambda rows: [r[:2] for r in rows])
        self.reload(admin, "Content reloaded")
        self.assertEqual(wait_for(lambda: menus()[1:], "the menu published again"),
                         [["cancel", "start"]])
        self.reload(admin, "Content reloaded")  # unchanged: not published again
        # Back to three languages: published once more, and nothing came in between.
        shutil.copy(os.path.join(EXAMPLES, "business-card", "csv", "Texts.csv"), self.content)
        self.reload(admin, "Content reloaded")
        self.assertEqual(wait_for(lambda: menus()[2:], "the third menu"),
                         [["cancel", "language", "start"]])
        self.assertEqual(len(menus()), 3)

    def test_broken_content_stops_the_start_with_the_cells(self):
        rewrite(os.path.join(self.content, "Pages.csv"),
                lambda rows: rows + [["", "no id", "", ""], ["x y", "bad id", "", ""]])
        bot = self.start_bot()
        self.assertEqual(bot.wait_exit(), 2)
        out = bot.output()
        self.assertIn("error: Pages!A6", out)
        self.assertIn("error: Pages!A7", out)
        self.assertEqual(bot_messages(self.sandbox.chat(1001)), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
