"""A 429 storm on a share of the chats must not starve replies to the others (issue 10).

The sandbox enforces Telegram's limits (as in test_mailing.py) and, for STORM_S seconds, answers
429 (retry_after 5) to every sendMessage to about 20 % of the chats: 12 of the 60 mailing
recipients and 2 of the 16 users who talk to the bot meanwhile. The outbox must cut the mailing, not the replies:
replies to the other chats arrive within REPLY_BOUND_S during the storm, /health says "degraded"
with the 429 reason while mailings are cut and "ok" again soon after, and nothing is lost (every
reply and every recipient's message arrives exactly once).

Before this policy a flood of 429s paused every class and cut the whole rate down to 1/16,
recovering by 1/8 every 5 s: this test failed there (a reply to a chat that got no 429 waited
9.5 s).
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, free_port, http, wait_for  # noqa: E402

RECIPIENTS = list(range(7001, 7061))
TALKERS = list(range(8001, 8017))
# 14 of the 76 chats (18 %). Two stormed talkers, fewer than the outbox's flood_chats (3): their
# 429s alone can never look like Telegram throttling the whole bot, so replies to the others must
# never be slowed, whatever the timing.
STORMED = RECIPIENTS[:12] + TALKERS[:2]
CALM_TALKERS = [t for t in TALKERS if t not in STORMED]
ADMIN_TOKEN = "admin-secret-for-tests"
STORM_S = 12
# Each talker writes /start this often during the storm: about 11 replies/s, a third of the 30/s
# budget (the old policy's cut to 1/4, 1/8, 1/16 fell below it).
ROUND_S = 1.5
# Generous on purpose: measured 0.5 s (the poller parks a batch held by a stormed chat's update
# after 0.5 s, and that is what other chats wait). The old policy failed it: 9.5 s (every flood
# paused every class for retry_after, 5 s here, and cut the whole rate).
REPLY_BOUND_S = 3.0
RECOVERY_BOUND_S = 20.0  # /health ok again after the storm (recovery takes <= 8 s + a retry)


class Storm429Test(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "on")
        self.admin_port = free_port()
        self.base = f"http://127.0.0.1:{self.admin_port}"
        self.auth = {"Authorization": "Bearer " + ADMIN_TOKEN}
        self.bot = Bot(self.sandbox, env={
            "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{self.admin_port}",
            "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN})

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def health(self):
        return http("GET", self.base + "/health")[1]["result"]["status"]

    def replies_and_latencies(self, chat_id):
        """The chat's bot messages, and for each /start the delay to its reply (chat order)."""
        messages = self.sandbox.chat(chat_id)
        asked = [m for m in messages if not m.get("from_bot")]
        replies = bot_messages(messages)
        latencies = [(r["date_us"] - q["date_us"]) / 1e6 for q, r in zip(asked, replies)]
        return asked, replies, latencies

    def test_storm_on_a_share_of_chats_keeps_other_replies_within_seconds(self):
        wait_for(lambda: http("GET", self.base + "/health")[0] == 200, "the admin endpoint")
        # Every chat has talked to the bot before (so the chats exist), one /start each.
        for user in RECIPIENTS + TALKERS:
            self.sandbox.message(user, "/start")
        for user in RECIPIENTS + TALKERS:
            self.sandbox.wait_chat(user, bot_messages, f"the menu for {user}")
        # The sandbox enforces the limits by arrival; a loaded machine may make the engine meet a
        # 429 while 76 chats are answered at once, so wait for a clean state rather than assume it.
        wait_for(lambda: self.health() == "ok", "/health ok before the storm")

        self.sandbox.control("POST", "/control/faults", {
            "method": "sendMessage", "kind": "429", "retry_after": 5, "chats": STORMED,
            "count": 0, "for_ms": STORM_S * 1000})
        storm_end = time.monotonic() + STORM_S
        status, mailing = http("POST", self.base + "/admin/broadcast",
                               {"text": "news", "chat_ids": RECIPIENTS}, self.auth)
        self.assertEqual(status, 202, mailing)
        mailing_id = mailing["result"]["id"]

        # Users talk through the storm; /health is watched meanwhile.
        degraded_because = None
        rounds = 0
        while time.monotonic() + ROUND_S < storm_end - 0.5:
            round_start = time.monotonic()
            for user in TALKERS:
                self.sandbox.message(user, "/start")
            rounds += 1
            while time.monotonic() < round_start + ROUND_S:
                if degraded_because is None and self.health() == "degraded":
                    status, body = http("GET", self.base + "/admin/status", None, self.auth)
                    self.assertEqual(status, 200, body)
                    degraded_because = " ".join(body["result"]["degraded_because"])
                time.sleep(0.05)
        self.assertGreaterEqual(rounds, 5)
        self.assertIsNotNone(degraded_because, "/health never said degraded during the storm")
        self.assertIn("429", degraded_because)
        self.assertIn("mailings", degraded_because)

        # Replies to the chats that got no 429 arrived within seconds, every one of them.
        worst = 0.0
        for user in CALM_TALKERS:
            asked, replies, latencies = self.sandbox.wait_chat(
                user, lambda ms: len(bot_messages(ms)) == rounds + 1 and
                self.replies_and_latencies(user), f"the replies to {user}")
            in_storm = latencies[1:]  # the first /start was before the storm
            worst = max(worst, max(in_storm))
            self.assertLessEqual(max(in_storm), REPLY_BOUND_S,
                                 f"chat {user} waited {max(in_storm):.1f} s for a reply "
                                 f"during the storm: {[round(x, 2) for x in in_storm]}")

        print(f"\nthe slowest reply to a calm chat during the storm: {worst:.2f} s",
              file=sys.stderr)

        # The storm ends: /health recovers soon.
        time.sleep(max(0.0, storm_end - time.monotonic()))
        wait_for(lambda: self.health() == "ok", "/health to say ok after the storm",
                 deadline=RECOVERY_BOUND_S + 10)
        recovered_after = time.monotonic() - storm_end
        print(f"\n/health ok {recovered_after:.1f} s after the storm", file=sys.stderr)
        self.assertLessEqual(recovered_after, RECOVERY_BOUND_S)

        # Nothing lost: the mailing reached everyone once, every /start got its one reply.
        def mailing_done():
            result = http("GET", self.base + f"/admin/broadcast/{mailing_id}", None,
                          self.auth)[1]["result"]
            return result if result["status"] == "done" else None
        done = wait_for(mailing_done, "the mailing to finish")
        self.assertEqual((done["sent"], done["failed"], done["blocked"]), (60, 0, 0), done)
        for user in RECIPIENTS:
            news = [m for m in bot_messages(self.sandbox.chat(user)) if m["text"] == "news"]
            self.assertEqual(len(news), 1, f"chat {user} got the mailing {len(news)} times")
        for user in TALKERS:
            replies = self.sandbox.wait_chat(
                user, lambda ms: len(bot_messages(ms)) >= rounds + 1 and bot_messages(ms),
                f"every reply to {user}")
            self.assertEqual(len(replies), rounds + 1, f"chat {user}")
            self.assertTrue(all("Welcome" in r["text"] for r in replies), replies)

        # And the engine is back to normal: a new message from every talker, the stormed ones
        # included, is answered within the bound.
        for user in TALKERS:
            self.sandbox.message(user, "/start")
        for user in TALKERS:
            _, _, latencies = self.sandbox.wait_chat(
                user, lambda ms: len(bot_messages(ms)) == rounds + 2 and
                self.replies_and_latencies(user), f"the reply to {user} after the storm")
            self.assertLessEqual(latencies[-1], REPLY_BOUND_S, f"chat {user}")
        wait_for(lambda: self.health() == "ok", "/health ok at the end")


if __name__ == "__main__":
    unittest.main(verbosity=2)
