"""The mailing composer in Telegram, end to end: an admin of the business-card bot sends
/mailing, a photo with a caption, adds a link button, picks Russian speakers, starts now and
confirms; the recipient gets a copy (not a forward), the admin a live progress message and a
report. A non-admin sees nothing of it."""
import base64
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import TOKEN, Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks  # noqa: E402

ADMIN = 1009  # in the business card's Admins sheet
RUSSIAN, ENGLISH = 1001, 1002
PHOTO = base64.b64encode(b"\xff\xd8\xff\xe0 a photo for everyone").decode()


class ComposerTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        content = os.path.join(self.sandbox.dir.name, "content")
        shutil.copytree(os.path.join(EXAMPLES, "business-card", "csv"), content)
        self.bot = Bot(self.sandbox, env={"COREBOT_CONTENT": content})

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def test_an_admin_composes_and_sends_a_photo_with_a_button_to_russian_speakers(self):
        admin = Chat(self.sandbox, ADMIN, language_code="en")
        russian = Chat(self.sandbox, RUSSIAN, language_code="ru")
        english = Chat(self.sandbox, ENGLISH, language_code="en")
        for chat in (admin, russian, english):
            chat.send("/start")
            chat.wait(lambda m: True, "the start page")

        # A non-admin: /mailing is an unknown command. (The sandbox lets nobody press a button
        # that was never sent; forged callbacks are mailing_module_test's.)
        russian.send("/mailing")
        reply = russian.wait(lambda m: True, "the answer to /mailing")
        self.assertNotIn("mailing", body(reply).lower())
        self.assertEqual([c for c in callbacks(reply) if c.startswith("mailing:")], [])

        admin.send("/mailing")
        admin.wait_text("Send me the message")
        admin.seen = admin._marker()
        self.sandbox.control("POST", "/control/updates/message",
                             {"token": TOKEN, "user_id": ADMIN, "photo": {"data": PHOTO},
                              "caption": "Распродажа весной", "language_code": "en"})
        preview = admin.wait(lambda m: "mailing:b" in callbacks(m), "the preview's choices")
        copies = [m for m in bot_messages(self.sandbox.chat(ADMIN)) if "photo" in m]
        self.assertEqual(copies[-1]["caption"], "Распродажа весной")
        admin.press(preview, "mailing:b")
        admin.wait_text("one per line")
        admin.send("Shop - https://example.com/shop")
        preview = admin.wait(lambda m: "mailing:a:language" in callbacks(m), "the new preview")
        admin.press(preview, "mailing:a:language")
        admin.wait_text("language code")
        admin.send("ru")
        when = admin.wait(lambda m: "mailing:now" in callbacks(m), "the start time question")
        admin.press(when, "mailing:now")
        confirm = admin.wait(lambda m: "mailing:go" in callbacks(m), "the confirmation")
        self.assertIn("1 recipient(s)", body(confirm))
        admin.press(confirm, "mailing:go")
        report = wait_for(lambda: [m for m in bot_messages(self.sandbox.chat(ADMIN))
                                   if body(m).startswith("📊")], "the report")
        self.assertIn("Sent: 1", body(report[0]))
        progress = [m for m in bot_messages(self.sandbox.chat(ADMIN)) if body(m).startswith("📨 Mailing")]
        self.assertEqual(len(progress), 1)

        got = [m for m in bot_messages(self.sandbox.chat(RUSSIAN))
               if m.get("caption") == "Распродажа весной"]
        self.assertEqual(len(got), 1)
        self.assertIn("photo", got[0])
        self.assertNotIn("forward_origin", got[0])
        self.assertEqual(got[0]["reply_markup"]["inline_keyboard"][0][0]["url"],
                         "https://example.com/shop")
        self.assertEqual([m for m in bot_messages(self.sandbox.chat(ENGLISH))
                          if m.get("caption") == "Распродажа весной"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
