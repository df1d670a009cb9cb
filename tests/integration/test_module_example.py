"""The reminders example module (examples/modules/reminders/) in its own binary, end to end:
persistent jobs across a SIGKILL, its settings from the config, the admin menu and the CSV export.
"""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import TOKEN, Bot, Sandbox, bot_messages, http, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks  # noqa: E402

REMINDERS = os.environ.get("REMINDERS_BIN",
                           "build/examples/modules/reminders/corebot-reminders")
ADMIN = 1009  # listed in the example's Admins sheet
USAGE = "Write it as /remind 10m Buy milk: a number and s, m, h or d, then the text."


class RemindersTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.content = os.path.join(self.sandbox.dir.name, "content")
        shutil.copytree(os.path.join(EXAMPLES, "modules", "reminders", "csv"), self.content)
        self.store = "sqlite://" + os.path.join(self.sandbox.dir.name, "reminders.db")
        self.config = os.path.join(self.sandbox.dir.name, "bot.toml")
        with open(self.config, "w") as f:
            f.write(f'[content]\nsource = "{self.content}"\n\n'
                    "[modules.reminders]\nmax_per_user = 3\nstats_interval_s = 1\n")
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()

    def start_bot(self):
        bot = Bot(self.sandbox, "--config", self.config, binary=REMINDERS,
                  env={"COREBOT_STORE_URI": self.store})
        self.bots.append(bot)
        return bot

    def reply(self, chat, what):
        """The bot's latest message, once it answered the chat's last action."""
        return wait_for(lambda: chat._marker() > chat.seen
                        and bot_messages(self.sandbox.chat(chat.user))[-1], what)

    def reminders_in(self, chat, text):
        return [m for m in bot_messages(self.sandbox.chat(chat.user))
                if body(m) == "⏰ Reminder: " + text]

    def test_a_reminder_arrives_when_due(self):
        self.start_bot()
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/remind 2s Tea is ready")
        ok = ann.wait_text("OK, I will remind you in 2s: Tea is ready")
        due = wait_for(lambda: self.reminders_in(ann, "Tea is ready"), "the reminder")[0]
        # Not early: the schedule said two seconds after the request (the sandbox's clock).
        asked = [m for m in self.sandbox.chat(1001) if not m.get("from_bot")][-1]
        self.assertGreaterEqual(due["date_ms"] - asked["date_ms"], 1900)
        self.assertGreater(due["date_ms"], ok["date_ms"])
        ann.send("/reminders")
        ann.wait_text("You have no reminders")

    def test_a_reminder_survives_a_crash_and_arrives_once(self):
        bot = self.start_bot()
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/remind 4s Stretch")
        ann.wait_text("OK, I will remind you in 4s: Stretch")
        # Killed only once the bot confirmed the update to the sandbox: otherwise the restarted
        # bot would get /remind again and rightly set a second reminder.
        wait_for(lambda: self.sandbox.control(
            "GET", f"/control/stats?token={TOKEN}")["pending_updates"] == 0, "the confirmation")
        bot.kill()
        self.assertEqual(self.reminders_in(ann, "Stretch"), [], "not sent before the crash")
        self.start_bot()
        wait_for(lambda: self.reminders_in(ann, "Stretch"), "the reminder after the restart")
        # A round trip through the restarted bot: its document is gone, nothing more is coming.
        ann.send("/reminders")
        ann.wait_text("You have no reminders")
        self.assertEqual(len(self.reminders_in(ann, "Stretch")), 1)

    def test_the_admin_exports_pending_reminders(self):
        self.start_bot()
        admin = Chat(self.sandbox, ADMIN, first_name="Owner")
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/remind 2h Call mom, then dad")
        ann.wait_text("OK, I will remind you in 2h")
        admin.send("/remind 1h Water the plants")
        admin.wait_text("OK, I will remind you in 1h")
        admin.send("/admin")
        menu = admin.wait(lambda m: "reminders:export" in callbacks(m), "the admin menu")
        self.assertEqual(callbacks(menu), ["admin:stats", "admin:users", "admin:content",
                                           "admin:maint", "admin:exports", "mailing:menu",
                                           "reminders:export"])
        self.assertIn("Reminders: export", str(menu["reply_markup"]))

        # The caption shows the count of the last recount (every second here): press again until
        # the recount has seen both reminders.
        def export():
            admin.press(menu, "reminders:export")
            sent = admin.wait(lambda m: m.get("document"), "the export")
            return sent if body(sent) == "Pending reminders: 2." else None
        sent = wait_for(export, "an export counting 2 reminders")

        status, file = http("GET", f"{self.sandbox.url}/bot{TOKEN}/getFile?file_id={sent['document']}")
        self.assertEqual(status, 200, file)
        status, csv = http("GET", f"{self.sandbox.url}/file/bot{TOKEN}/{file['result']['file_path']}")
        self.assertEqual(status, 200)
        lines = csv.strip().split("\r\n")
        self.assertEqual(lines[0], "due_utc,user_id,chat_id,text")
        self.assertEqual(len(lines), 3, csv)
        self.assertTrue(lines[1].endswith(",1009,1009,Water the plants"), lines[1])
        self.assertTrue(lines[2].endswith(',1001,1001,"Call mom, then dad"'), lines[2])

    def test_the_panel_is_invisible_to_others(self):
        self.start_bot()
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/admin")
        ann.wait_text("did not understand")
        ann.send("/reload")
        ann.wait_text("did not understand")
        self.assertFalse([m for m in bot_messages(self.sandbox.chat(1001)) if callbacks(m)])
        # Callback data can be forged: the panel's buttons do nothing for a non-admin.
        for n, data in enumerate(("admin:reload", "reminders:export")):
            self.sandbox.control("POST", "/control/updates/raw", {"token": TOKEN, "update": {
                "callback_query": {"id": f"forged-{n}", "chat_instance": "1001", "data": data,
                                   "from": {"id": 1001, "is_bot": False, "first_name": "Ann"},
                                   "message": {"message_id": 1, "date": 1700000000,
                                               "chat": {"id": 1001, "type": "private"}}}}})
        # The chat's updates are handled in order: once this is answered, so were the forgeries.
        ann.send("/reminders")
        ann.wait_text("You have no reminders")
        sent = bot_messages(self.sandbox.chat(1001))
        self.assertFalse([m for m in sent if m.get("document")])
        self.assertFalse([m for m in sent if "Reloading" in body(m)])

    def test_wrong_input_is_explained(self):
        self.start_bot()
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        for wrong in ("/remind", "/remind tomorrow Buy milk", "/remind 10x Buy milk"):
            ann.send(wrong)
            self.assertEqual(body(self.reply(ann, wrong)), USAGE)
        ann.send("/remind 0s now")
        ann.wait_text("at least 1s")
        ann.send("/forget first")
        ann.wait_text("Write /forget and the number from /reminders")
        ivan = Chat(self.sandbox, 1002, first_name="Иван", language_code="ru")
        ivan.send("/remind завтра")
        ivan.wait_text("Напишите так: /remind 10m Купить молоко")

    def test_max_per_user_comes_from_the_config(self):
        self.start_bot()
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        for n in range(3):
            ann.send(f"/remind {n + 1}h task {n}")
            ann.wait_text(f"task {n}")
        ann.send("/remind 4h one too many")
        ann.wait_text("as many reminders as I keep for one person (3)")
        ann.send("/forget 1")
        ann.wait_text("Forgotten: task 0")
        ann.send("/reminders")
        listing = ann.wait_text("Your reminders:")
        self.assertIn("1. in 1h 59m: task 1", body(listing))
        self.assertIn("2. in 2h 59m: task 2", body(listing))

    def test_the_settings_sheet_wins_over_the_config(self):
        with open(os.path.join(self.content, "Settings.csv"), "w") as f:
            f.write("key,value\nmax_per_user,1\n")
        self.start_bot()
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/remind 1h first")
        ann.wait_text("OK, I will remind you in 1h: first")
        ann.send("/remind 2h second")
        ann.wait_text("as many reminders as I keep for one person (1)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
