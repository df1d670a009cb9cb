"""Upgrades without migrations (issue 14): every store fixture in tests/fixtures/store/, written
by an earlier version (tests/fixtures/store/make_fixture.py), opens with this build and the bot
carries on with it: a user's stored language choice is honoured, their record is updated, the
stored form answers are still there, a new user is added."""
import glob
import json
import os
import shutil
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from content_helpers import EXAMPLES, Chat, leads  # noqa: E402
from harness import Bot, Sandbox, wait_for  # noqa: E402

FIXTURES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "fixtures", "store",
                                         "*.db")))


def user(path, user_id):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        for (doc,) in db.execute("SELECT doc FROM c_users"):
            parsed = json.loads(doc)
            if parsed["_id"] == user_id:
                return parsed
    finally:
        db.close()
    return None


class DataCompatTest(unittest.TestCase):
    def test_there_is_a_fixture(self):
        self.assertTrue(FIXTURES, "tests/fixtures/store/ holds no store fixture")

    def test_each_fixture_opens_and_the_bot_carries_on(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=os.path.basename(fixture)):
                self.check(fixture)

    def check(self, fixture):
        sandbox = Sandbox("--limits", "off")
        try:
            store = os.path.join(sandbox.dir.name, "upgraded.db")
            shutil.copyfile(fixture, store)
            before = user(store, 1002)["updates"]
            bot = Bot(sandbox, "--config", os.path.join(EXAMPLES, "leadgen", "bot.toml"),
                      env={"COREBOT_STORE_URI": "sqlite://" + store})
            try:
                # Ivan's Telegram is in Russian; he chose English with the button, before.
                ivan = Chat(sandbox, 1001, first_name="Ivan", language_code="ru")
                ivan.send("/start")
                ivan.wait_text("Solar panels for your home")
                john = Chat(sandbox, 1002, first_name="John", language_code="en")
                john.send("/start")
                john.wait_text("Solar panels")
                new = Chat(sandbox, 1003, first_name="Maria", language_code="en")
                new.send("/start")
                new.wait_text("Solar panels")
                wait_for(lambda: user(store, 1003) is not None, "the new user recorded")
                wait_for(lambda: user(store, 1002)["updates"] > before, "John's record updated")
                kept = leads(store)
                self.assertEqual(sorted(lead["first_name"] for lead in kept), ["Ivan", "John"])
                self.assertEqual(
                    [lead["answers"]["roof"] for lead in kept if lead["first_name"] == "Ivan"],
                    ["Больше 60 м²"])
            finally:
                bot.close()
        finally:
            sandbox.close()


if __name__ == "__main__":
    unittest.main()
