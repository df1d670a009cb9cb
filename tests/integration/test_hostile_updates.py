"""Hostile updates through the whole engine (issue 10): thousands of mutated updates, and raw
bytes posted to the webhook, reach the dispatcher and the built-in modules (pages, menu, forms,
language, admin) of the real binary. None may crash it (the sanitizer build runs this too) or stop
it from answering the next user.

A seeded mutator, not libFuzzer: it runs in every CI build, under ASan and UBSan, in seconds, and a
failure names its seed and the update that broke. The mutations follow what reaches a bot in the
wild: keys missing, values of the wrong JSON type, numbers past 2^53 and 2^64, long and empty
strings, lone surrogates, deep nesting, callback data for every module's prefix.
"""
import json
import os
import random
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, TOKEN, bot_messages, free_port, wait_for  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
SEED = int(os.environ.get("COREBOT_HOSTILE_SEED", "20261207"))
COUNT = int(os.environ.get("COREBOT_HOSTILE_COUNT", "1500"))

CALLBACKS = ["menu:about", "menu:", "form:request", "form:", "form:x:y:z", "page:start",
             "page:" + "a" * 60, "language:ru", "language:", "admin:reload", "admin:",
             ":", "", "nobody:here", "form:request:answer:1", "\u0000", "menu:\ud83d"]
TEXTS = ["/start", "/start payload", "/admin", "/reload", "/cancel", "/language", "hello",
         "", " ", "/", "/start@other_bot", "+79991234567", "user@example.com", "31.12.2026",
         "x" * 4096, "Привет", "\u202e\u0000", "/" + "a" * 200]


def user(uid):
    return {"id": uid, "is_bot": False, "first_name": "U%d" % uid,
            "language_code": random.choice(["en", "ru", "", "zz"])}


def templates(rng, uid):
    chat = {"id": uid, "type": "private", "first_name": "U"}
    message = {"message_id": rng.randint(1, 50), "date": 1790000000, "chat": chat,
               "from": user(uid), "text": rng.choice(TEXTS)}
    return [
        {"message": message},
        {"message": dict(message, text=None, contact={"phone_number": "+1 555 0100",
                                                      "first_name": "U", "user_id": uid})},
        {"message": dict(message, text=None, photo=[{"file_id": "AgAD", "file_unique_id": "u",
                                                     "width": 1, "height": 1}])},
        {"edited_message": message},
        {"callback_query": {"id": str(rng.randint(1, 10**9)), "from": user(uid),
                            "chat_instance": "ci", "data": rng.choice(CALLBACKS),
                            "message": dict(message, from_={"id": 1, "is_bot": True})}},
        {"my_chat_member": {"chat": chat, "from": user(uid), "date": 1790000000,
                            "old_chat_member": {"status": "member", "user": user(uid)},
                            "new_chat_member": {"status": "kicked", "user": user(uid)}}},
        {"message": dict(message, chat={"id": -100 - uid, "type": "supergroup", "title": "g"})},
    ]


ODD_VALUES = [None, True, 0, -1, 2**53 + 1, 2**64 + 5, -2**63, 1.5e308, "", "x" * 5000,
              "\ud800", [], {}, [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]], {"a": {"b": {"c": {}}}}]


def post_raw(url, body, headers):
    """POSTs bytes as they are (harness.http sends JSON); returns the status, 0 when no answer."""
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError):
        return 0


def mutate(rng, value, depth=0):
    """A copy of `value` with a few keys dropped, retyped or renamed, recursively."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.06:
                continue  # key missing
            if roll < 0.12:
                out[key] = rng.choice(ODD_VALUES)  # wrong type or extreme value
            elif roll < 0.14:
                out[key + "_"] = item  # unknown key
            else:
                out[key] = mutate(rng, item, depth + 1)
        return out
    if isinstance(value, list):
        return [mutate(rng, item, depth + 1) for item in value if rng.random() > 0.05]
    return value


class HostileUpdatesTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.bot = None

    def tearDown(self):
        if self.bot:
            self.bot.close()
        self.sandbox.close()

    def alive_and_answering(self, uid):
        self.assertIsNone(self.bot.proc.poll(), self.bot.output()[-3000:])
        self.sandbox.message(uid, "/start")
        self.sandbox.wait_chat(uid, lambda ms: bot_messages(ms), "a reply after the flood")
        self.assertNotIn("runtime error", self.bot.output())  # UBSan

    def test_mutated_updates_reach_every_module_without_harm(self):
        self.bot = Bot(self.sandbox, "--config", os.path.join(EXAMPLES, "leadgen", "bot.toml"))
        # The chats the flood uses exist in the sandbox, so replies and edits are delivered and
        # the modules' next steps (form questions, page edits) run too, not only their errors.
        for uid in range(10, 41):
            self.sandbox.message(uid, "/start")
        self.sandbox.wait_chat(40, lambda ms: bot_messages(ms), "the first replies")
        rng = random.Random(SEED)
        random.seed(SEED)
        for i in range(COUNT):
            uid = rng.randint(10, 40)  # few chats: conversations build up state
            update = mutate(rng, rng.choice(templates(rng, uid)))
            try:
                self.sandbox.control("POST", "/control/updates/raw",
                                     {"token": TOKEN, "update": update})
            except Exception as e:  # the sandbox refused it: not this test's subject
                self.assertNotIn("Connection", str(e), f"seed {SEED}, update {i}")
        wait_for(lambda: self.sandbox.control("GET", f"/control/stats?token={TOKEN}")
                 ["pending_updates"] == 0, "the engine to take every update")
        self.alive_and_answering(9001)

    def test_raw_bytes_on_the_webhook_are_refused_without_harm(self):
        port = free_port()
        secret = "hostile-secret"
        self.bot = Bot(self.sandbox, "--config", os.path.join(EXAMPLES, "leadgen", "bot.toml"),
                       env={"COREBOT_MODE": "webhook",
                            "COREBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                            "COREBOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                            "COREBOT_WEBHOOK_SECRET": secret})
        wait_for(lambda: [c for c in self.sandbox.calls()
                          if c["method"] == "setWebhook" and c["ok"]], "setWebhook")
        rng = random.Random(SEED)
        random.seed(SEED)
        bodies = [b"", b"{", b"[]", b"null", b"\xff\xfe\x00", b"{\"update_id\": 1e999}",
                  b"[" * 100000, b"{\"a\":" * 5000, b"{\"update_id\": 18446744073709551617}",
                  b"\"\\ud800\""]
        for _ in range(300):
            update = mutate(rng, rng.choice(templates(rng, rng.randint(10, 40))))
            update["update_id"] = rng.choice([rng.randint(1, 10**6), "1", None, -1])
            raw = json.dumps(update).encode()
            if rng.random() < 0.2:
                raw = raw[:rng.randint(0, len(raw))]  # cut short
            bodies.append(raw)
        url = f"http://127.0.0.1:{port}/telegram"
        for body in bodies:
            status = post_raw(url, body, {"X-Telegram-Bot-Api-Secret-Token": secret,
                                          "Content-Type": "application/json"})
            self.assertTrue(0 < status < 500, (status, body[:200]))
        self.alive_and_answering(9002)


if __name__ == "__main__":
    unittest.main()
