"""Every screen of every example, as a curious user meets it.

A walker presses every button of every page, goes through every form (answering every question,
starting over, and leaving each question by Cancel, Skip, /cancel and /start), presses a Cancel of
a form that already ended, and sends every command of the published menu. After each step it
waits until the engine is idle (the sandbox has no unconfirmed update, the engine no update in
progress and no call in its outbox: readiness, not timing) and fails on:
- a button press nobody answered, or a Cancel of an ended form answered without a word;
- a Bot API call the sandbox refused;
- a reply keyboard ("Share my phone number") still shown after its question ended;
- a text in another language than the user's (Cyrillic for English users, none for Russian ones).
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import TOKEN, Bot, Sandbox, bot_messages, free_port, http, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, buttons, callbacks  # noqa: E402

CYRILLIC = re.compile("[\u0400-\u04ff]")
LATIN = re.compile("[A-Za-z]")
# Answers tried in turn on a question without buttons, until the bot moves on.
ADMIN_TOKEN = "walker-admin-token-0123456789"
ANSWERS = ["12", "14.06.2025", "name@example.com", "+351 912 345 678"]


class Walker:
    def __init__(self, test, sandbox, admin_url, user_id, language):
        self.test, self.sandbox, self.admin_url = test, sandbox, admin_url
        self.language = language  # the user's language now; a lang: button changes it
        self.original = language
        self.chat = Chat(sandbox, user_id, first_name="Walker", language_code=language)
        self.seq = 0  # the sandbox call log read so far
        self.checked = {}  # message_id -> edit_count already checked
        self.steps = 0
        self.last_calls = []

    # --- waiting and checking -------------------------------------------------------------
    def idle(self):
        stats = self.sandbox.control("GET", f"/control/stats?token={TOKEN}")
        # The engine's detailed state is behind the admin token (/health says only "ok").
        status, health = http("GET", self.admin_url + "/admin/status",
                              headers={"Authorization": "Bearer " + ADMIN_TOKEN})
        return (stats["pending_updates"] == 0 and status == 200
                and health["result"]["updates_pending"] == 0
                and health["result"]["outbox_queued"] == 0)

    def settle(self, what, query_id=None, must_say=False):
        wait_for(self.idle, f"the bot to finish: {what}")
        self.steps += 1
        calls = self.sandbox.calls(since=self.seq)
        if calls:
            self.seq = calls[-1]["seq"]
        self.last_calls = calls
        refused = [c for c in calls if not c["ok"]]
        self.test.assertEqual(refused, [], f"a Bot API call was refused after {what}")
        if query_id is not None:
            answers = [c for c in calls if c["method"] == "answerCallbackQuery"
                       and c["params"].get("callback_query_id") == query_id]
            self.test.assertTrue(answers, f"nobody answered the button: {what}")
            if must_say:
                self.test.assertTrue(answers[0]["params"].get("text"),
                                     f"the button did nothing visible: {what}")
        messages = bot_messages(self.sandbox.chat(self.chat.user))
        self.check_keyboard(messages, what)
        for m in messages:
            if self.checked.get(m["message_id"]) != m.get("edit_count", 0):
                self.checked[m["message_id"]] = m.get("edit_count", 0)
                self.check_language(m, what)
        return messages

    def check_keyboard(self, messages, what):
        """A reply keyboard may stay only while its question is open: until a later message
        carries buttons (the next question, the summary, a menu), one must have removed it."""
        shown = None
        for m in messages:
            markup = m.get("reply_markup") or {}
            if "keyboard" in markup:
                shown = m
            elif markup.get("remove_keyboard"):
                shown = None
            elif shown is not None and markup.get("inline_keyboard"):
                self.test.fail(f"the reply keyboard of {body(shown)!r} is still shown under "
                               f"{body(m)!r} after {what}")

    def check_language(self, message, what):
        texts = [body(message)] + [b["text"] for b in buttons(message)
                                   if not b.get("callback_data", "").startswith("lang:")]
        for text in texts:
            if not LATIN.search(text) and not CYRILLIC.search(text):
                continue  # "✓ 30–60 m²"-like or digits only
            russian = bool(CYRILLIC.search(text))
            self.test.assertEqual(russian, self.language == "ru",
                                  f"{text!r} shown to a {self.language} user after {what}")

    # --- acting ---------------------------------------------------------------------------
    def send(self, text):
        self.chat.send(text)
        return self.settle(f"sending {text!r}")

    def press(self, message, data, must_say=False):
        query = self.chat.press(message, data)["callback_query_id"]
        if data.startswith("lang:") and data != "lang:menu":
            self.language = data[len("lang:"):]
        return self.settle(f"pressing {data} under {body(message)[:40]!r}", query, must_say)

    def latest_with(self, data):
        found = [m for m in bot_messages(self.sandbox.chat(self.chat.user))
                 if data in callbacks(m) and not m.get("deleted")]
        return found[-1] if found else None

    def question(self):
        """The form's current question (the last message with a Cancel), and whether it asks
        for the phone with the contact button."""
        messages = bot_messages(self.sandbox.chat(self.chat.user))
        asked = [i for i, m in enumerate(messages) if "form:~cancel" in callbacks(m)]
        if not asked:
            return None, False
        later = messages[asked[-1] + 1:]
        phone = any(b.get("request_contact") for m in later
                    for row in (m.get("reply_markup") or {}).get("keyboard", []) for b in row)
        return messages[asked[-1]], phone

    def answer(self):
        """Answers the current question."""
        current, phone = self.question()
        options = [d for d in callbacks(current) if d.startswith("form:~a:")]
        if options:
            self.press(current, options[0])
        elif phone:
            self.chat.contact("+351 912 345 678")
            self.settle("sharing the phone number")
        else:
            for attempt in ANSWERS + ["photo"]:
                if attempt == "photo":
                    self.chat.photo()
                    self.settle("sending a photo")
                else:
                    self.send(attempt)
                if self.question()[0]["message_id"] != current["message_id"] or self.summary():
                    break
            else:
                self.test.fail(f"no answer accepted for {body(current)!r}")

    def summary(self):
        last = bot_messages(self.sandbox.chat(self.chat.user))[-1]
        return last if "form:~ok" in callbacks(last) else None

    # --- the walk -------------------------------------------------------------------------
    def pages(self):
        """Presses every page and language button of every screen; returns the forms' buttons
        with the path of presses from /start to the screen that has them."""
        start = self.follow([])
        todo, pressed, expanded, forms = [([], d) for d in callbacks(start)], set(), set(), {}
        while todo:
            path, data = todo.pop(0)
            if (tuple(path), data) in pressed:
                continue
            pressed.add((tuple(path), data))
            if data.startswith("form:"):
                forms.setdefault(data, path)
                continue
            self.press(self.follow(path), data)
            shown = self.latest_changed()
            if data.startswith("lang:") and data != "lang:menu":
                self.restore_language()  # the start page again, in another language
                continue
            if data not in expanded:  # each screen's buttons are pressed from its first path
                expanded.add(data)
                todo += [(path + [data], d) for d in callbacks(shown)]
        return forms

    def restore_language(self):
        if self.language == self.original:
            return
        self.send("/language")
        self.press(self.latest_with("lang:" + self.original), "lang:" + self.original)

    def follow(self, path):
        """From a fresh /start, the screen at the end of `path`."""
        self.send("/start")
        screen = bot_messages(self.sandbox.chat(self.chat.user))[-1]
        for data in path:
            self.press(screen, data)
            screen = self.latest_changed()
        return screen

    def latest_changed(self):
        """The screen the last step showed: the message it edited, else the newest one."""
        messages = bot_messages(self.sandbox.chat(self.chat.user))
        touched = [c for c in self.last_calls
                   if c["method"].startswith("send") or c["method"].startswith("editMessage")]
        if touched and touched[-1]["method"].startswith("editMessage"):
            wanted = int(touched[-1]["params"]["message_id"])
            return next(m for m in messages if m["message_id"] == wanted)
        return messages[-1]

    def form(self, data, path):
        # Through every question, a message at the summary, Start over, again, and Send.
        self.press(self.follow(path), data)
        count = 0  # questions
        while not self.summary():
            self.answer()
            count += 1
        self.send("12")  # a message at the summary: the bot says which buttons to press
        self.press(self.latest_with("form:~redo"), "form:~redo")
        while not self.summary():
            self.answer()
        self.press(self.summary(), "form:~ok")
        # Leaving each question every way there is.
        for i in range(count + 1):
            for leave in ["form:~cancel", "form:~skip", "/cancel", "/start"]:
                self.press(self.follow(path), data)
                for _ in range(i):
                    self.answer()
                current, _ = self.question()
                if leave.startswith("/"):
                    self.send(leave)
                elif leave in callbacks(current):
                    self.press(current, leave)
                    if leave == "form:~skip":
                        while not self.summary():
                            self.answer()
                        self.press(self.summary(), "form:~cancel")
                else:
                    self.send("/cancel")
                # The form is over: its old Cancel says so.
                self.press(current, "form:~cancel", must_say=True)
        return count

    def commands(self):
        menus = [c["params"]["commands"] for c in self.sandbox.calls()
                 if c["method"] == "setMyCommands" and c["ok"]]
        self.test.assertTrue(menus, "a command menu was published")
        for command in menus[-1]:
            self.send("/" + command["command"])
            self.test.assertTrue(
                bot_messages(self.sandbox.chat(self.chat.user)), "/" + command["command"])


def content_of(example):
    """The example's content source (bot.toml's [content] source, relative to the file)."""
    with open(os.path.join(EXAMPLES, example, "bot.toml"), encoding="utf-8") as f:
        source = re.search(r'^source\s*=\s*"([^"]+)"', f.read(), re.M).group(1)
    return os.path.join(EXAMPLES, example, source)


class WalkExamplesTest(unittest.TestCase):
    def walk(self, example, languages, expected_forms):
        sandbox = Sandbox("--limits", "off")
        port = free_port()
        # The example's content, without the engine's one-message-a-second pace per chat: the
        # walk takes hundreds of steps.
        config = os.path.join(sandbox.dir.name, "bot.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f'[content]\nsource = "{content_of(example)}"\n'
                    '[outbox]\nprivate_per_second = 1000\n')
        bot = Bot(sandbox, "--config", config, env={"COREBOT_ADMIN_LISTEN": f"127.0.0.1:{port}",
                                                    "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN})
        try:
            # The admins (by id) started the bot earlier: the requests can reach them.
            admins_csv = os.path.join(EXAMPLES, example, "csv", "Admins.csv")
            if os.path.exists(admins_csv):
                with open(admins_csv, encoding="utf-8") as f:
                    ids = [int(line.split(",")[0]) for line in f.read().splitlines()[1:]
                           if line.split(",")[0].isdigit()]
                sandbox.control("POST", "/control/users", {"token": TOKEN, "user_ids": ids})
            def connected():
                # A bot that could not start says why, instead of a bare time-out.
                if bot.proc.poll() is not None:
                    raise AssertionError(f"the bot exited at start:\n{bot.output()}")
                return [c for c in sandbox.calls()
                        if c["method"] in ("setMyCommands", "deleteMyCommands")]
            wait_for(connected, "the bot connected")
            for n, language in enumerate(languages):
                walker = Walker(self, sandbox, f"http://127.0.0.1:{port}", 2001 + n, language)
                forms = walker.pages()
                self.assertEqual(sorted(forms), expected_forms, example)
                for data, path in forms.items():
                    self.assertGreater(walker.form(data, path), 0, data)
                walker.commands()
                self.assertGreater(walker.steps, 10)
            self.assertEqual(bot.terminate(), 0)
            self.assertEqual([c for c in sandbox.calls() if c["http_status"] == 409], [],
                             "no getUpdates collided at shutdown")
        finally:
            bot.close()
            sandbox.close()

    def test_faq(self):
        self.walk("faq", ["en"], [])

    def test_leadgen_in_english_and_russian(self):
        self.walk("leadgen", ["en", "ru"], ["form:apply"])

    def test_business_card(self):
        # Its pages are written in English only (Texts translates just the fallback answer).
        self.walk("business-card", ["en"], ["form:request"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
