"""A reply still waiting in the outbox at a kill -9 is not lost (issue 10): the engine confirms an
update to Telegram only once the calls it queued have left, so Telegram hands it over again at the
next start; one parked while waiting is handed over from the store. The wait is made certain, not
likely: Telegram's first answer to the reply is a 429 with a long retry_after."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, wait_for  # noqa: E402


class ReplyInOutboxAtKillTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()

    def start_bot(self, store_path=None):
        env = {"COREBOT_STORE_URI": "sqlite://" + store_path} if store_path else None
        bot = Bot(self.sandbox, env=env)
        self.bots.append(bot)
        return bot

    def refused_sends(self, chat_id):
        return [c for c in self.sandbox.calls() if c["method"] == "sendMessage"
                and not c["ok"] and c["params"].get("chat_id") == chat_id]

    def kill_while_the_reply_waits(self, chat_id, after_parking):
        first = self.start_bot()
        # Telegram refuses the reply with a 429: the outbox holds it for 30 s.
        self.sandbox.control("POST", "/control/faults",
                             {"method": "sendMessage", "kind": "429", "retry_after": 30,
                              "count": 1})
        self.sandbox.message(chat_id, "/start")
        wait_for(lambda: self.refused_sends(chat_id), "the refused reply")
        if after_parking:
            # Past the poller's park_after (2 s): the update sits in the store, confirmed.
            wait_for(lambda: "parked, polling goes on" in first.output(), "the update parked")
        else:
            self.assertNotIn("parked", first.output())
        first.kill()
        self.assertEqual(bot_messages(self.sandbox.chat(chat_id)), [], "nothing delivered yet")

        second = self.start_bot(first.store_path)  # the same store, as after a real crash
        menu = self.sandbox.wait_chat(chat_id, bot_messages, "the reply after the restart")
        self.assertIn("Welcome", menu[0]["text"])
        self.assertEqual(len(bot_messages(self.sandbox.chat(chat_id))), 1, "delivered once")
        self.assertEqual(second.terminate(), 0)

    def test_an_unconfirmed_update_is_handed_over_again(self):
        self.kill_while_the_reply_waits(7001, after_parking=False)

    def test_a_parked_update_is_handled_again_from_the_store(self):
        self.kill_while_the_reply_waits(7002, after_parking=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
