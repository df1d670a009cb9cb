"""The FAQ and lead-generation examples end to end against the sandbox."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks, leads  # noqa: E402

FAQ_ANSWERS = {
    "membership": "Membership: what", "booking": "Booking: what",
    "payments": "Payments: what", "plans": "Day pass", "pause": "before the 25th",
    "book_room": "member app", "cancel_booking": "2 hours before",
    "cards": "Mastercard", "invoices": "Invoices arrive", "start": "Pick a section",
}


class FaqTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.bot = Bot(self.sandbox, "--config", os.path.join(EXAMPLES, "faq", "bot.toml"))

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def test_every_button_of_every_section(self):
        chat = Chat(self.sandbox, 1001, first_name="Ann")
        queue, seen, pressed = ["start"], {"start"}, 0
        while queue:
            page = queue.pop(0)
            chat.send(f"/start {page}")  # a deep link opens each page as a fresh message
            for data in callbacks(chat.wait_text(FAQ_ANSWERS[page])):
                chat.send(f"/start {page}")
                message = chat.wait_text(FAQ_ANSWERS[page])
                chat.press(message, data)
                target = data[len("p:"):]
                shown = chat.wait_text(FAQ_ANSWERS[target])
                pressed += 1
                if target == "invoices":
                    self.assertNotEqual(shown["message_id"], message["message_id"],
                                        "the invoices page asks for a new message")
                else:
                    self.assertEqual(shown["message_id"], message["message_id"],
                                     f"{data} edits the message in place")
                if target != "start":
                    labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"]
                              for b in row]
                    self.assertIn("« Back", labels, f"{target} has a back button")
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        self.assertEqual(seen, set(FAQ_ANSWERS))
        self.assertEqual(pressed, 18)


    def test_the_menu_offers_only_commands_that_do_something(self):
        # No Forms sheet: nothing to /cancel; one language: nothing to choose with /language.
        menus = wait_for(lambda: [c["params"]["commands"] for c in self.sandbox.calls()
                                  if c["method"] == "setMyCommands" and c["ok"]], "setMyCommands")
        self.assertEqual([[c["command"] for c in m] for m in menus], [["start"]])


class LeadgenTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.bot = Bot(self.sandbox, "--config", os.path.join(EXAMPLES, "leadgen", "bot.toml"))

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def apply(self, chat, start, texts):
        chat.press(start, "form:apply")
        chat.wait_text(texts["q_name"])
        chat.send("Иван" if texts is RU else "John")
        chat.wait_text(texts["q_email"])
        chat.send("john@@example")
        chat.wait_text(texts["bad_email"])
        chat.send("lead@example.com")
        roof = chat.wait_text(texts["q_roof"])
        self.assertEqual([b["text"] for row in roof["reply_markup"]["inline_keyboard"]
                          for b in row][:3], texts["roofs"])
        chat.press(roof, "form:~a:roof:2")
        phone = chat.wait_text(texts["q_phone"])
        chat.press(phone, "form:~skip")
        summary = chat.wait_text(texts["summary"])
        self.assertIn(texts["roof_line"], body(summary))
        chat.press(summary, "form:~ok")
        chat.wait_text(texts["done"])

    def test_russian_user_gets_russian_and_can_switch_to_english(self):
        admin = Chat(self.sandbox, 1009, first_name="Sales")
        admin.send("/start")
        admin.wait_text("Solar panels")

        ivan = Chat(self.sandbox, 1001, first_name="Ivan", language_code="ru")
        ivan.send("/start")
        start = ivan.wait_text("Солнечные панели")
        self.assertEqual([b["text"] for row in start["reply_markup"]["inline_keyboard"]
                          for b in row], ["Сколько я сэкономлю?", "Получить бесплатный расчёт",
                                          "🌐 Язык"])
        ivan.press(start, "p:offer")
        offer = ivan.wait_text("окупается")
        ivan.press(offer, "p:start")
        start = ivan.wait_text("Солнечные панели")
        self.apply(ivan, start, RU)

        # The language button: English from now on, whatever Telegram says.
        ivan.send("/start")
        start = ivan.wait_text("Солнечные панели")
        ivan.press(start, "lang:menu")
        choice = ivan.wait_text("Выберите язык")
        self.assertEqual(callbacks(choice), ["lang:en", "lang:ru"])
        self.assertEqual([b["text"] for row in choice["reply_markup"]["inline_keyboard"]
                          for b in row], ["English", "Русский"])
        ivan.press(choice, "lang:en")
        ivan.wait_text("Solar panels for your home")
        ivan.send("/start")
        self.assertIn("Get a free estimate", str(ivan.wait_text("Solar panels")["reply_markup"]))

        saved = wait_for(lambda: leads(self.bot.store_path), "the lead")
        self.assertEqual(saved[0]["language"], "ru")
        self.assertEqual(saved[0]["answers"]["roof"], "Больше 60 м²")
        admin_chat = Chat(self.sandbox, 1009)
        self.assertIn("Roof: Больше 60 м²",
                      body(admin_chat.wait_text("New request (apply)")))

    def test_other_languages_fall_back_to_english(self):
        hans = Chat(self.sandbox, 1002, first_name="Hans", language_code="de")
        hans.send("/start")
        start = hans.wait_text("Solar panels for your home")
        self.apply(hans, start, EN)


EN = {"q_name": "What is your name?", "q_email": "Your e-mail", "bad_email": "name@example.com",
      "q_roof": "How big is your roof?", "roofs": ["Under 30 m²", "30–60 m²", "Over 60 m²"],
      "q_phone": "Your phone", "summary": "Please check your answers",
      "roof_line": "Roof: Over 60 m²", "done": "within a day"}
RU = {"q_name": "Как вас зовут?", "q_email": "Ваш e-mail", "bad_email": "name@example.com",
      "q_roof": "Какая у вас крыша?", "roofs": ["До 30 м²", "30–60 м²", "Больше 60 м²"],
      "q_phone": "Ваш телефон", "summary": "Проверьте ответы",
      "roof_line": "Крыша: Больше 60 м²", "done": "в течение дня"}


if __name__ == "__main__":
    unittest.main(verbosity=2)
