"""Persistent mailings (the `mailing` module) end to end against the sandbox: 5,000 recipients
with blocked users, forced 429s, a photo with a caption and a URL button and users chatting
meanwhile; and a kill -9 half-way through, then a restart.

The sandbox runs without flood limits (these tests are about delivery, not rates; the outbox's
rates are tests/integration/test_mailing.py's and bench/broadcast's), and the engine's outbox at
1,000 calls/s so 5,000 recipients take seconds.
"""
import base64
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT, DEADLINE, Bot, Sandbox, TOKEN, bot_messages, free_port, http, wait_for  # noqa: E402

ADMIN_TOKEN = "admin-secret-for-mailing-tests"
FIRST, COUNT = 300001, 5000
RECIPIENTS = list(range(FIRST, FIRST + COUNT))
BLOCKED = RECIPIENTS[::100]  # 50 of them
ADMIN_CHAT = 900
TALKERS = list(range(800001, 800021))  # 20 users chatting during the mailing
WINDOW = 256  # the module's default in-flight window
# A 1x1 JPEG is enough: the sandbox stores the bytes, it does not decode them.
PHOTO = base64.b64encode(bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300" + "08" * 64 + "ffd9")).decode()


class PersistentMailingTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.admin_port = free_port()
        self.base = f"http://127.0.0.1:{self.admin_port}/admin/broadcast"
        self.auth = {"Authorization": "Bearer " + ADMIN_TOKEN}
        self.config = os.path.join(self.sandbox.dir.name, "bot.toml")
        with open(self.config, "w") as f:
            f.write("[outbox]\nglobal_per_second = 1000\n")
        self.store = "sqlite://" + os.path.join(self.sandbox.dir.name, "mailing.db")
        self.bot = self.start_bot()
        self.sandbox.control("POST", "/control/users",
                             {"token": TOKEN, "first_id": FIRST, "count": COUNT})
        self.sandbox.control("POST", "/control/users", {"token": TOKEN, "user_ids": [ADMIN_CHAT]})

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def start_bot(self):
        bot = Bot(self.sandbox, "--config", self.config, env={
            "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{self.admin_port}",
            "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN,
            "COREBOT_STORE_URI": self.store,
            "COREBOT_LOG_LEVEL": "info"})
        wait_for(lambda: http("GET", self.base, None, self.auth)[0] == 200, "the admin API")
        return bot

    def api(self, method, path="", body=None):
        return http(method, self.base + path, body, self.auth)

    def mailing(self, mailing_id):
        status, body = self.api("GET", "/" + mailing_id)
        return body["result"] if status == 200 else None

    def wait_done(self, mailing_id, deadline=DEADLINE * 3):
        return wait_for(lambda: (m := self.mailing(mailing_id)) and m["done"] and m,
                        f"mailing {mailing_id} to finish", deadline)

    def recipients_stats(self):
        return self.sandbox.control(
            "GET", f"/control/stats?token={TOKEN}&chat_min={FIRST}&chat_max={FIRST + COUNT - 1}")

    def test_5000_recipients_photo_button_blocked_429s_and_chatters(self):
        for user in BLOCKED:
            self.sandbox.control("POST", "/control/users/block",
                                 {"token": TOKEN, "user_id": user, "blocked": True})
        sent = self.sandbox.message(ADMIN_CHAT, "", photo={"data": PHOTO},
                                    caption="Spring sale: 20% off")
        self.sandbox.control("POST", "/control/faults",
                             {"method": "copyMessage", "kind": "429", "retry_after": 1, "count": 30})
        button = {"inline_keyboard": [[{"text": "Open the shop", "url": "https://example.com/"}]]}
        status, body = self.api("POST", "", {
            "id": "spring-sale", "from_chat_id": ADMIN_CHAT, "message_id": sent["message_id"],
            "reply_markup": button, "to": RECIPIENTS, "progress_chat": ADMIN_CHAT})
        self.assertEqual(status, 202, body)
        self.assertEqual(body["result"]["total"], COUNT)
        for user in TALKERS:
            self.sandbox.message(user, "/start")
        m = self.wait_done("spring-sale")
        self.assertEqual((m["status"], m["sent"], m["blocked"], m["failed"], m["left"]),
                         ("done", COUNT - len(BLOCKED), len(BLOCKED), 0, 0))
        stats = self.recipients_stats()
        self.assertEqual(stats["chats_with_bot_messages"], COUNT - len(BLOCKED))
        self.assertEqual(stats["bot_messages"], COUNT - len(BLOCKED), "someone got two copies")
        copy = bot_messages(self.sandbox.chat(RECIPIENTS[1]))[0]
        self.assertEqual(copy["caption"], "Spring sale: 20% off")
        self.assertIn("photo", copy)
        self.assertEqual(copy["reply_markup"], button)
        self.assertNotIn("forward_origin", copy)
        self.assertEqual(bot_messages(self.sandbox.chat(BLOCKED[0])), [])
        for user in TALKERS:
            self.sandbox.wait_chat(user, bot_messages, f"the reply to {user}")
        # The forced 429s were the outbox's to retry: none reached the mailing as a failure.
        refused = [c for c in self.sandbox.calls() if c["http_status"] == 429]
        self.assertGreater(len(refused), 0)
        # Running it again under the same id sends nothing.
        status, body = self.api("POST", "", {"id": "spring-sale", "text": "again", "to": RECIPIENTS})
        self.assertEqual(status, 409, body)
        self.assertEqual(self.recipients_stats()["bot_messages"], COUNT - len(BLOCKED))
        # The admin's chat: one progress message, edited to its final state, and the report.
        admin = bot_messages(self.sandbox.chat(ADMIN_CHAT))
        progress = [x for x in admin if x.get("text", "").startswith("📨")]
        self.assertEqual(len(progress), 1, admin)
        wait_for(lambda: "done" in bot_messages(self.sandbox.chat(ADMIN_CHAT))[0]["text"],
                 "the progress message's final state")
        report = [x for x in admin if x.get("text", "").startswith("📊")]
        self.assertEqual(len(report), 1, admin)
        self.assertIn(f"Sent: {COUNT - len(BLOCKED)}", report[0]["text"])
        self.assertIn(f"Blocked or gone: {len(BLOCKED)}", report[0]["text"])

    def test_kill_9_half_way_then_restart_resumes_without_loss(self):
        status, body = self.api("POST", "", {"id": "crash", "text": "Новости недели", "to": RECIPIENTS,
                                             "progress_chat": ADMIN_CHAT})
        self.assertEqual(status, 202, body)
        wait_for(lambda: self.recipients_stats()["bot_messages"] >= COUNT // 4,
                 "a quarter of the mailing", DEADLINE * 2)
        self.bot.kill()
        self.bot.close()
        before = self.recipients_stats()["bot_messages"]
        self.assertLess(before, COUNT, "the mailing finished before the kill: nothing was tested")

        self.bot = self.start_bot()
        m = self.wait_done("crash")
        self.assertEqual((m["status"], m["sent"], m["blocked"], m["failed"], m["left"]),
                         ("done", COUNT, 0, 0, 0))
        stats = self.recipients_stats()
        self.assertEqual(stats["chats_with_bot_messages"], COUNT, "some recipients got nothing")
        duplicates = stats["bot_messages"] - COUNT
        self.assertLessEqual(duplicates, WINDOW, f"{duplicates} duplicates")
        # The same progress message goes on after the restart, then the report.
        admin = bot_messages(self.sandbox.chat(ADMIN_CHAT))
        progress = [x for x in admin if x.get("text", "").startswith("📨")]
        self.assertEqual(len(progress), 1, admin)
        wait_for(lambda: "done" in [x for x in bot_messages(self.sandbox.chat(ADMIN_CHAT))
                                    if x["text"].startswith("📨")][0]["text"],
                 "the progress message's final state")
        report = wait_for(lambda: [x for x in bot_messages(self.sandbox.chat(ADMIN_CHAT))
                                   if x["text"].startswith("📊")], "the report")
        self.assertEqual(len(report), 1)
        self.assertIn(f"Sent: {COUNT}", report[0]["text"])
        self.assertIn("Not reached: 0", report[0]["text"])

    def test_sigterm_half_way_then_restart_resumes_without_loss(self):
        status, body = self.api("POST", "", {"id": "stop", "text": "news", "to": RECIPIENTS})
        self.assertEqual(status, 202, body)
        wait_for(lambda: self.recipients_stats()["bot_messages"] >= COUNT // 4,
                 "a quarter of the mailing", DEADLINE * 2)
        self.assertEqual(self.bot.terminate(), 0, self.bot.output())
        self.bot.close()
        self.assertEqual(self.mailing_after_restart("stop")["sent"], COUNT)
        stats = self.recipients_stats()
        self.assertEqual(stats["chats_with_bot_messages"], COUNT, "some recipients got nothing")
        self.assertLessEqual(stats["bot_messages"] - COUNT, WINDOW)

    def mailing_after_restart(self, mailing_id):
        self.bot = self.start_bot()
        return self.wait_done(mailing_id)

    def cli(self, *args):
        run = subprocess.run(
            [COREBOT, "broadcast", *args, "--admin-url", f"http://127.0.0.1:{self.admin_port}"],
            env=dict(os.environ, COREBOT_ADMIN_TOKEN=ADMIN_TOKEN), capture_output=True, text=True,
            timeout=DEADLINE * 3)
        return run.returncode, run.stdout + run.stderr

    def test_cli_audiences_pause_resume_list_and_no_second_copy(self):
        # Users the bot knows (they wrote to it), one of them in Russian.
        for user in (1001, 1002):
            self.sandbox.message(user, "/start", language_code="ru" if user == 1001 else "en")
        for user in (1001, 1002):
            self.sandbox.wait_chat(user, bot_messages, f"the menu for {user}")
        wait_for(lambda: self.api("POST", "", {"text": "x", "to": "all", "dry_run": True})[1]
                 ["result"]["total"] == 2, "the users recorded")
        code, out = self.cli("--text", "Привет", "--language", "ru", "--mailing-id", "ru-news")
        self.assertEqual(code, 0, out)
        self.assertIn("mailing ru-news running: 1 recipient(s)", out)
        self.assertIn("finished", out)
        self.assertIn("1 sent, 0 blocked, 0 failed", out)
        self.assertNotIn("\r", out)  # not a terminal: plain lines, no progress bar
        self.assertEqual([m["text"] for m in bot_messages(self.sandbox.chat(1001))][-1], "Привет")
        # The same command again sends nothing.
        code, out = self.cli("--text", "Привет", "--language", "ru", "--mailing-id", "ru-news")
        self.assertEqual(code, 1, out)
        self.assertIn("exists already", out)
        self.assertEqual(len([m for m in bot_messages(self.sandbox.chat(1001))
                              if m["text"] == "Привет"]), 1)
        # Pause, resume and cancel a scheduled mailing; list shows them all.
        code, out = self.cli("--text", "later", "--to", "all", "--at", "2099-01-01 10:00",
                             "--mailing-id", "later", "--no-follow")
        self.assertEqual(code, 0, out)
        self.assertIn("scheduled", out)
        code, out = self.cli("pause", "later")
        self.assertEqual(code, 1, out)  # a scheduled mailing cannot be paused, only cancelled
        code, out = self.cli("cancel", "later")
        self.assertEqual(code, 0, out)
        self.assertIn("cancelled", out)
        code, out = self.cli("list")
        self.assertEqual(code, 0, out)
        self.assertIn("ru-news", out)
        self.assertIn("later", out)
        code, out = self.cli("status", "nope")
        self.assertEqual(code, 1, out)
        # Pause and resume a running one: a sandbox answering after 3 s keeps it running.
        self.sandbox.control("POST", "/control/faults",
                             {"method": "sendMessage", "kind": "latency", "latency_ms": 3000,
                              "count": 0})
        code, out = self.cli("--text", "slow", "--to", "all", "--mailing-id", "slow",
                             "--no-follow")
        self.assertEqual(code, 0, out)
        code, out = self.cli("pause", "slow")
        self.assertEqual(code, 0, out)
        self.assertIn("paused", out)
        self.sandbox.control("DELETE", "/control/faults")
        code, out = self.cli("resume", "slow")
        self.assertEqual(code, 0, out)
        code, out = self.cli("follow", "slow")
        self.assertEqual(code, 0, out)
        self.assertIn("finished", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
