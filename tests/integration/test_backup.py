"""`corebot backup` / `corebot restore` around a running bot (issue 14): a backup taken while the
bot runs restores into a store the bot starts from, with its users; the config alone (no token)
names the store."""
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT, Bot, Sandbox, bot_messages, wait_for  # noqa: E402


def corebot(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COREBOT_")
             and k != "BOT_TOKEN"}
    clean.update(env or {})
    return subprocess.run([COREBOT, *args], capture_output=True, text=True, env=clean, timeout=60)


def users(path):
    with sqlite3.connect(path) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'c_users'").fetchone():
            return 0
        return db.execute("SELECT count(*) FROM c_users").fetchone()[0]


class BackupTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.dir = tempfile.TemporaryDirectory()
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()
        self.dir.cleanup()

    def start(self, store):
        bot = Bot(self.sandbox, env={"COREBOT_STORE_URI": "sqlite://" + store})
        self.bots.append(bot)
        return bot

    def menu(self, chat_id):
        return self.sandbox.wait_chat(
            chat_id, lambda ms: [m for m in bot_messages(ms) if m.get("reply_markup")], "the menu")

    def test_backup_while_running_then_restore_into_a_new_store(self):
        store = os.path.join(self.dir.name, "bot.db")
        bot = self.start(store)
        self.sandbox.message(3001, "/start")
        self.menu(3001)
        wait_for(lambda: users(store) == 1, "the user recorded in the store")
        backup = os.path.join(self.dir.name, "backup.db")
        # The config alone names the store: no token needed for a backup.
        config = os.path.join(self.dir.name, "bot.toml")
        with open(config, "w") as f:
            f.write(f'[store]\nuri = "sqlite://{store}"\n')
        done = corebot("backup", "--config", config, backup)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("backup written", done.stdout)
        self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)
        again = corebot("backup", "--config", config, backup)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already exists", again.stderr)
        bot.terminate()

        moved = os.path.join(self.dir.name, "server2", "bot.db")
        restored = corebot("restore", "--store", "sqlite://" + moved, backup)
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.assertEqual(users(moved), 1, "the user who sent /start is in the restored store")
        self.start(moved)
        self.sandbox.message(3002, "/start")
        self.menu(3002)
        # The restored store is the bot's and keeps growing.
        wait_for(lambda: users(moved) == 2, "the second user in the restored store")

    def test_restore_of_something_else_is_refused_with_the_reason(self):
        junk = os.path.join(self.dir.name, "junk.db")
        with open(junk, "w") as f:
            f.write("not a backup\n" * 20)
        store = os.path.join(self.dir.name, "bot.db")
        done = corebot("restore", "--store", "sqlite://" + store, junk)
        self.assertEqual(done.returncode, 1)
        self.assertIn("corebot restore:", done.stderr)
        self.assertFalse(os.path.exists(store))


if __name__ == "__main__":
    unittest.main()
