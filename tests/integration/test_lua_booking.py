"""The Lua booking module (modules/booking/) end to end: the real binary finds it in [scripts]
dirs and runs it against the sandbox with slots from a Slots sheet; two users pressing the same
slot at once get it once; the admin is told of the booking; the reminder is a persistent job that
fires before the slot; a bad Slots sheet is refused with its cell.

The engine's jobs follow the real clock (the sandbox's clock moves only Telegram's limits), so
the reminder test books a slot 65 seconds ahead with remind_before_minutes = 1: the job falls due
about five seconds after the test began, and the test waits for it (no sleep of its own).
"""
import datetime
import os
import shutil
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import ROOT, Chat, body, callbacks  # noqa: E402

ADMIN = 1009


def slot_time(seconds_ahead):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_ahead)
    return t.strftime("%Y-%m-%d %H:%M:%S")


class BookingTest(unittest.TestCase):
    def start(self, slots, settings=""):
        self.sandbox = Sandbox("--limits", "off")
        base = self.sandbox.dir.name
        modules = os.path.join(base, "modules")
        shutil.copytree(os.path.join(ROOT, "modules", "booking"),
                        os.path.join(modules, "booking"))
        self.content = os.path.join(base, "content")
        os.makedirs(self.content)
        for name, text in {"Pages.csv": "id,text\nstart,Hi\n",
                           "Admins.csv": f"user\n{ADMIN}\n",
                           "Slots.csv": slots}.items():
            with open(os.path.join(self.content, name), "w") as f:
                f.write(text)
        self.config = os.path.join(base, "bot.toml")
        with open(self.config, "w") as f:
            f.write(f'[content]\nsource = "{self.content}"\n[scripts]\ndirs = ["{modules}"]\n'
                    f"[modules.booking]\n{settings}")
        self.bot = Bot(self.sandbox, "--config", self.config)
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        admin.send("/start")  # a bot writes only to whom wrote to it
        admin.wait_text("Hi")
        return admin

    def tearDown(self):
        if hasattr(self, "bot"):
            self.bot.close()
            self.sandbox.close()

    def test_two_users_pressing_one_slot_at_once_book_it_once(self):
        self.start(f"id,time,title\ns1,{slot_time(86400)},Haircut\n"
                   f"s2,{slot_time(90000)},Haircut\n")
        ann = Chat(self.sandbox, 1001, first_name="Ann", username="ann")
        bob = Chat(self.sandbox, 1002, first_name="Bob", username="bob")
        lists = {}
        for chat in (ann, bob):
            chat.send("/book")
            lists[chat.user] = chat.wait_text("Choose a time")
            self.assertEqual(callbacks(lists[chat.user]), ["booking:take:s1", "booking:take:s2"])
        # Both press s1 together: two updates in flight for one slot.
        barrier = threading.Barrier(2)

        def press(chat):
            barrier.wait()
            chat.press(lists[chat.user], "booking:take:s1")
        threads = [threading.Thread(target=press, args=(c,)) for c in (ann, bob)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def outcome(chat):
            texts = [body(m) for m in bot_messages(self.sandbox.chat(chat.user))]
            if any("Booked" in t for t in texts):
                return "booked"
            if any("someone has just taken" in t for t in texts):
                return "taken"
            return None
        results = wait_for(lambda: (outcome(ann) and outcome(bob)) and
                           sorted([outcome(ann), outcome(bob)]), "both answers")
        self.assertEqual(results, ["booked", "taken"])
        winner = "@ann" if outcome(ann) == "booked" else "@bob"
        notice = wait_for(lambda: [m for m in bot_messages(self.sandbox.chat(ADMIN))
                                   if "New booking" in body(m)], "the admins' notice")
        self.assertEqual(len(notice), 1)
        self.assertIn(winner, body(notice[0]))
        # The slot is no longer offered.
        carl = Chat(self.sandbox, 1003, first_name="Carl")
        carl.send("/book")
        self.assertEqual(callbacks(carl.wait_text("Choose a time")), ["booking:take:s2"])

    def test_the_reminder_job_fires_before_the_slot(self):
        self.start(f"id,time,title\nsoon,{slot_time(65)},Call\n",
                   settings="remind_before_minutes = 1\n")
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/book")
        ann.press(ann.wait_text("Choose a time"), "booking:take:soon")
        ann.wait_text("Booked: Call")
        ann.wait_text("Reminder: Call")
        texts = [body(m) for m in bot_messages(self.sandbox.chat(1001))]
        self.assertEqual(len([t for t in texts if "Reminder: Call" in t]), 1, texts)

    def test_a_bad_slots_sheet_is_refused_with_its_cell(self):
        self.sandbox = Sandbox("--limits", "off")
        base = self.sandbox.dir.name
        modules = os.path.join(base, "modules")
        shutil.copytree(os.path.join(ROOT, "modules", "booking"), os.path.join(modules, "booking"))
        folder = os.path.join(base, "content")
        os.makedirs(folder)
        with open(os.path.join(folder, "Pages.csv"), "w") as f:
            f.write("id,text\nstart,Hi\n")
        with open(os.path.join(folder, "Slots.csv"), "w") as f:
            f.write("id,time\ns1,2030-01-01 10:00\ns2,next Tuesday\n")
        config = os.path.join(base, "bot.toml")
        with open(config, "w") as f:
            f.write(f'[content]\nsource = "{folder}"\n[scripts]\ndirs = ["{modules}"]\n')
        self.bot = Bot(self.sandbox, "--config", config)
        wait_for(lambda: "Slots!B3" in self.bot.output(), "the refusal naming the cell")
        self.assertIn("YYYY-MM-DD HH:MM", self.bot.output())


if __name__ == "__main__":
    unittest.main()
