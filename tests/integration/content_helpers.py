"""Helpers for the content-driven bots (pages, forms): pressing buttons, answering questions.

Every wait polls the sandbox with a generous deadline (readiness, not timing).
"""
import base64
import json
import os
import sqlite3

from harness import TOKEN, bot_messages, wait_for

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")


def buttons(message):
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def callbacks(message):
    return [b["callback_data"] for b in buttons(message) if "callback_data" in b]


def body(message):
    return message.get("text") or message.get("caption") or ""


class Chat:
    """One simulated user talking to the bot in a private chat."""

    def __init__(self, sandbox, user_id, **profile):
        self.sandbox = sandbox
        self.user = user_id
        self.profile = profile  # first_name, username, language_code for every message
        self.seen = 0  # bot messages plus edits already looked at

    def _marker(self):
        return sum(1 + m.get("edit_count", 0) for m in bot_messages(self.sandbox.chat(self.user)))

    def send(self, text):
        self.seen = self._marker()
        self.sandbox.message(self.user, text, **self.profile)

    def contact(self, phone):
        self.seen = self._marker()
        self.sandbox.control("POST", "/control/updates/message",
                             {"token": TOKEN, "user_id": self.user,
                              "contact": {"phone_number": phone, "user_id": self.user},
                              **self.profile})

    def upload(self, kind, data=b"\xff\xd8\xff\xe0 a small JPEG", **fields):
        """Sends a photo, document or voice as the user uploads it; returns its file id."""
        self.seen = self._marker()
        media = {"data": base64.b64encode(data).decode(), **fields}
        return self.sandbox.control("POST", "/control/updates/message",
                                    {"token": TOKEN, "user_id": self.user, kind: media,
                                     **self.profile})["file_id"]

    def photo(self, data=b"\xff\xd8\xff\xe0 a photo of a place"):
        return self.upload("photo", data)

    def press(self, message, data):
        self.seen = self._marker()
        return self.sandbox.press(self.user, message["message_id"], data)

    def wait(self, predicate, what):
        """The first bot message (new or edited) matching predicate since the last action."""
        def probe():
            if self._marker() <= self.seen:
                return None
            found = [m for m in bot_messages(self.sandbox.chat(self.user)) if predicate(m)]
            return found[-1] if found else None
        return wait_for(probe, what)

    def wait_text(self, fragment):
        return self.wait(lambda m: fragment in body(m), repr(fragment))

    def last_with(self, data):
        """The latest bot message carrying a button with this callback data."""
        return wait_for(lambda: ([m for m in bot_messages(self.sandbox.chat(self.user))
                                  if data in callbacks(m)] or [None])[-1],
                        f"a message with button {data}")


def leads(store_path, collection="forms.leads"):
    """The documents of a collection in the bot's SQLite store (read while the bot runs)."""
    if not os.path.exists(store_path):
        return []
    db = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, timeout=10)
    try:
        rows = db.execute(f'SELECT doc FROM "c_{collection}"').fetchall()
    except sqlite3.OperationalError:
        return []  # the collection does not exist yet
    finally:
        db.close()
    return [json.loads(r[0]) for r in rows]
