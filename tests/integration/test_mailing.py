"""A mailing under Telegram's limits while users talk to the bot (issue: the outbox).

The sandbox enforces the limits (30/s global, 1/s per private chat) and answers 429 to any send
over them; the engine must never provoke one, deliver every message exactly once, and keep each
chat's replies in order.
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import (COREBOT, DEADLINE, Bot, Sandbox, bot_messages, free_port,  # noqa: E402
                     headers_only, http, wait_for)

RECIPIENTS = list(range(7001, 7061))
TALKERS = [8001, 8002, 8003]
ADMIN_TOKEN = "admin-secret-for-tests"


class MailingTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "on")
        self.admin_port = free_port()
        self.bot = Bot(self.sandbox, env={
            "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{self.admin_port}",
            "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN})

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def test_mailing_with_interactive_users_no_429_once_each_in_order(self):
        # Recipients have talked to the bot before (so the chats exist); wait for their menus.
        for user in RECIPIENTS:
            self.sandbox.message(user, "/start")
        for user in RECIPIENTS:
            self.sandbox.wait_chat(user, bot_messages, f"the menu for {user}")
        recipients_file = os.path.join(self.sandbox.dir.name, "recipients.txt")
        with open(recipients_file, "w") as f:
            f.write("# chat ids\n" + "\n".join(map(str, RECIPIENTS)) + "\n")

        mailing = subprocess.Popen(
            [COREBOT, "broadcast", "--text", "news", "--to", recipients_file,
             "--admin-url", f"http://127.0.0.1:{self.admin_port}"],
            env=dict(os.environ, COREBOT_ADMIN_TOKEN=ADMIN_TOKEN),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Meanwhile users talk: two commands each, whose replies must keep their order.
        for user in TALKERS:
            self.sandbox.message(user, "/start")
            self.sandbox.message(user, "/start contacts")
        out, _ = mailing.communicate(timeout=DEADLINE * 3)
        self.assertEqual(mailing.returncode, 0, out)
        self.assertIn("finished", out)
        self.assertIn(f"{len(RECIPIENTS)} sent, 0 blocked, 0 failed", out)

        for user in RECIPIENTS:
            news = [m for m in bot_messages(self.sandbox.chat(user)) if m["text"] == "news"]
            self.assertEqual(len(news), 1, f"chat {user} got the mailing {len(news)} times")
        for user in TALKERS:
            replies = self.sandbox.wait_chat(
                user, lambda ms: len(bot_messages(ms)) == 2 and bot_messages(ms), "two replies")
            self.assertIn("Welcome", replies[0]["text"])
            self.assertEqual(replies[1]["text"], "Write to us any time.")
        refused = [c for c in self.sandbox.calls() if c["http_status"] == 429]
        # The sanitizer build runs the engine several times slower, so the delay between starting
        # a call and its arrival varies by more than the 20 ms guard the outbox keeps for
        # Telegram's network, and the sandbox (strict, by arrival) may count a 31st call in a
        # second. There the 429 is retried and the checks above (exactly once, in order) still
        # hold; the optimized build must provoke none.
        if not os.environ.get("COREBOT_SANITIZED"):
            self.assertEqual(refused, [], "the engine provoked 429s")

    def test_a_long_recipient_list_is_taken_and_one_too_long_is_explained(self):
        # 20,000 seven-digit ids (~160 KB) were refused with 413 by a 64 KiB limit (issue 14's
        # container test); the admin API now takes 2 MiB. Past that the CLI says what to do
        # before sending anything. --no-follow: mailing 20,000 chats at 30/s takes 11 minutes.
        for user in RECIPIENTS[:3]:
            self.sandbox.message(user, "/start")
        for user in RECIPIENTS[:3]:
            self.sandbox.wait_chat(user, bot_messages, f"the menu for {user}")
        env = dict(os.environ, COREBOT_ADMIN_TOKEN=ADMIN_TOKEN)
        admin = ["--admin-url", f"http://127.0.0.1:{self.admin_port}"]
        wait_for(lambda: http("GET", f"http://127.0.0.1:{self.admin_port}/health")[0] == 200,
                 "the admin endpoint")
        long_list = os.path.join(self.sandbox.dir.name, "long.txt")
        with open(long_list, "w") as f:
            # Three real chats first, then ids nobody has: the mailing takes them all.
            f.write("\n".join(map(str, RECIPIENTS[:3] + list(range(1000000, 1020000)))) + "\n")
        send = [COREBOT, "broadcast", "--text", "long", "--no-follow", "--to", long_list]
        out = subprocess.run(send + admin, env=env, capture_output=True, text=True,
                             timeout=DEADLINE)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("20003 recipient(s)", out.stdout)
        for user in RECIPIENTS[:3]:  # first in the list, so first served
            self.sandbox.wait_chat(user, lambda m: [b for b in bot_messages(m) if b.get("text") == "long"],
                                   f"the long list's mailing for {user}")
        too_long = os.path.join(self.sandbox.dir.name, "too-long.txt")
        with open(too_long, "w") as f:
            f.write("\n".join(map(str, range(1000000, 1300000))) + "\n")
        out = subprocess.run([COREBOT, "broadcast", "--text", "x", "--to", too_long] + admin,
                             env=env, capture_output=True, text=True, timeout=DEADLINE)
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn("300000 ids given; about 200,000 fit", out.stderr)
        self.assertIn("--tag, --language or --filter", out.stderr)

    def test_admin_api_refuses_a_wrong_token_and_bad_bodies(self):
        base = f"http://127.0.0.1:{self.admin_port}"
        wait_for(lambda: http("GET", base + "/health")[0] == 200, "the admin endpoint")
        status, body = http("POST", base + "/admin/broadcast", {"text": "x", "chat_ids": [1]},
                            {"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401, body)
        auth = {"Authorization": "Bearer " + ADMIN_TOKEN}
        status, body = http("POST", base + "/admin/broadcast", {"text": "x"}, auth)
        self.assertEqual(status, 400, body)
        status, body = http("POST", base + "/admin/broadcast", {"text": "", "chat_ids": [1]}, auth)
        self.assertEqual(status, 400, body)
        status, body = http("GET", base + "/admin/broadcast/m99", None, auth)
        self.assertEqual(status, 404, body)
        # /health is open and says only the state's name; the rest needs the token.
        status, body = http("GET", base + "/health")
        self.assertEqual((status, body), (200, {"ok": True, "result": {"status": "ok"}}))
        status, body = http("GET", base + "/admin/status", None, auth)
        self.assertEqual(status, 200, body)
        self.assertIn("outbox_queued", body["result"])
        self.assertEqual(http("GET", base + "/metrics")[0], 401)
        status, metrics = http("GET", base + "/metrics", None, auth)
        self.assertEqual(status, 200)
        self.assertIn('corebot_http_refused_total{server="admin"} 2', metrics)
        # A wrong token is refused on the headers, without waiting for the body they announce.
        self.assertEqual(headers_only(self.admin_port, "POST", "/admin/broadcast",
                                      {"Authorization": "Bearer wrong"}, 1 << 20), 401)
        # A body where none is expected is refused before it is read.
        self.assertEqual(headers_only(self.admin_port, "GET", "/health", {}, 2 << 20), 413)
        status, body = http("POST", base + "/metrics", {"x": "y" * 100000}, auth)
        self.assertEqual(status, 405, body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
