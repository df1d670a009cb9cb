"""The business-card example end to end: every button, the request form, the lead at the admin."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT, Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, buttons, callbacks, leads  # noqa: E402

CONFIG = os.path.join(EXAMPLES, "business-card", "bot.toml")
ADMIN = 1009  # listed in Admins by id


class BusinessCardTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.bot = Bot(self.sandbox, "--config", CONFIG)

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def test_every_button_leads_to_its_page(self):
        chat = Chat(self.sandbox, 1001, first_name="Ann")
        chat.send("/start")
        start = chat.wait(lambda m: m.get("photo") and "Anna" in body(m), "the start page")
        self.assertEqual(callbacks(start),
                         ["p:portfolio", "p:prices", "p:contact", "form:request"])
        expected = {"p:portfolio": "recent shoots", "p:prices": "Portrait session",
                    "p:contact": "anna@example.com"}
        live = lambda: [m for m in bot_messages(self.sandbox.chat(1001))  # noqa: E731
                        if not m.get("deleted")]
        for data, fragment in expected.items():
            chat.press(start, data)
            page = chat.wait(lambda m: fragment in body(m) and not m.get("deleted"), fragment)
            # The photo page is replaced, never copied: one live message, the page shown.
            wait_for(lambda: [m["message_id"] for m in live()] == [page["message_id"]],
                     "the start page deleted")
            urls = [b["url"] for b in buttons(page) if "url" in b]
            if data == "p:portfolio":
                self.assertEqual(urls, ["https://example.com/portfolio"])
            if data == "p:prices":  # a text page to a text page: edited in place
                self.assertIn("form:request", callbacks(page))
            chat.press(page, "p:start")
            start = chat.wait(lambda m: m.get("photo") and not m.get("deleted"),
                              "the start page again")
            self.assertIn("photographer in Lisbon", body(start))
            wait_for(lambda: len(live()) == 1, "the text page deleted")
        # A deep link opens a page directly.
        chat.send("/start contact")
        self.assertIn("Phone", body(chat.wait_text("anna@example.com")))
        # Text the bot does not understand gets the Texts answer.
        chat.send("hello?")
        chat.wait_text("did not understand")

    def test_request_form_reaches_the_admin_and_the_store(self):
        admin = Chat(self.sandbox, ADMIN, first_name="Assistant")
        admin.send("/start")  # the admin's chat exists once they wrote
        admin.wait_text("photographer")
        # Anna is in Admins as @example_anna: once she has written, the bot knows her id.
        anna = Chat(self.sandbox, 1010, first_name="Anna", username="Example_Anna")
        anna.send("/start")
        anna.wait_text("photographer")
        wait_for(lambda: [u for u in leads(self.bot.store_path, "users") if u["_id"] == 1010],
                 "Anna in the users collection")
        chat = Chat(self.sandbox, 1002, first_name="Maria", username="maria_l")
        chat.send("/start")
        start = chat.wait(lambda m: "form:request" in callbacks(m), "the start page")
        chat.press(start, "form:request")
        chat.wait_text("What is your name?")
        chat.send("Maria Lopes")
        chat.wait(lambda m: (m.get("reply_markup") or {}).get("keyboard"), "the contact button")
        keyboard = [b for m in bot_messages(self.sandbox.chat(1002))
                    for row in (m.get("reply_markup") or {}).get("keyboard", []) for b in row]
        self.assertTrue(any(b.get("request_contact") for b in keyboard))
        chat.send("call me maybe")
        chat.wait_text("country code")
        chat.contact("+351 912 345 678")
        email = chat.wait_text("e-mail")
        chat.send("not an address")
        chat.wait_text("name@example.com")
        chat.press(chat.last_with("form:~skip"), "form:~skip")
        shoot = chat.wait_text("What kind of shoot?")
        self.assertEqual(callbacks(shoot)[:4], [f"form:~a:shoot:{i}" for i in range(4)])
        chat.press(shoot, "form:~a:shoot:1")
        chat.wait_text("Which date?")
        chat.send("31.02.2025")
        chat.wait_text("Please send a date")
        chat.send("14.06.2025")
        chat.wait_text("A photo you like")
        photo = chat.photo(b"\xff\xd8\xff\xe0 the venue")
        summary = chat.wait_text("Please check your answers")
        for line in ["Name: Maria Lopes", "Phone: +351912345678", "E-mail: —", "Shoot: Wedding",
                     "Date: 2025-06-14", "Example: (photo)"]:
            self.assertIn(line, body(summary))
        chat.press(summary, "form:~ok")
        chat.wait_text("Thank you! We have received your request")
        self.assertTrue(email)

        notice = Chat(self.sandbox, ADMIN)
        notice.seen = 0
        lead_message = notice.wait_text("New request (request) from Maria @maria_l")
        self.assertIn("Date: 2025-06-14", body(lead_message))
        anna.seen = 0
        self.assertEqual(body(anna.wait_text("New request (request) from Maria")),
                         body(lead_message))
        # The request's own photo, by the file id the user's upload got (the start page's photo
        # reached the admin too, so the chat alone proves nothing).
        wait_for(lambda: [c for c in self.sandbox.calls() if c["method"] == "sendPhoto"
                          and c["params"].get("chat_id") in (ADMIN, str(ADMIN))
                          and c["params"].get("photo") == photo and c["ok"]],
                 "the request's photo at the admin")
        self.assertFalse([c for c in self.sandbox.calls() if not c["ok"]
                          and c["method"] != "getUpdates"], "no Bot API call was refused")
        saved = wait_for(lambda: leads(self.bot.store_path), "the lead in the store")
        self.assertEqual(saved[0]["form"], "request")
        self.assertEqual(saved[0]["answers"]["shoot"], "Wedding")
        self.assertEqual(saved[0]["answers"]["example"], photo)
        self.assertIsNone(saved[0]["answers"]["email"])

    def test_cancel_leaves_the_form(self):
        chat = Chat(self.sandbox, 1003, first_name="Carol")
        chat.send("/start")
        start = chat.wait(lambda m: "form:request" in callbacks(m), "the start page")
        chat.press(start, "form:request")
        question = chat.wait_text("What is your name?")
        chat.press(question, "form:~cancel")
        chat.wait_text("cancelled")
        chat.send("Carol")  # no form any more: not taken as an answer
        chat.wait_text("did not understand")

    def test_start_in_the_middle_of_a_form_leaves_it(self):
        chat = Chat(self.sandbox, 1004, first_name="Dan")
        chat.send("/start")
        start = chat.wait(lambda m: "form:request" in callbacks(m), "the start page")
        chat.press(start, "form:request")
        chat.wait_text("What is your name?")
        chat.send("/start")
        chat.wait(lambda m: m.get("photo") and "Anna" in body(m), "the start page again")
        chat.send("Dan")  # the form was left: not taken as the name
        chat.wait_text("did not understand")


class CheckCommandTest(unittest.TestCase):
    def test_check_reports_ok_and_errors(self):
        ok = subprocess.run([COREBOT, "check",
                             os.path.join(EXAMPLES, "business-card", "business-card.xlsx")],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertIn("OK, 4 pages", ok.stdout)
        broken = subprocess.run([COREBOT, "check", os.path.join(
            os.path.dirname(__file__), "..", "fixtures", "content", "broken.xlsx")],
            capture_output=True, text=True, timeout=60)
        self.assertNotEqual(broken.returncode, 0)
        self.assertIn("error: Pages!", broken.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
