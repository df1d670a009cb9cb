"""The support desk end to end: the real engine against the sandbox. Two customers write at once
to an operators' forum group (a topic each, the card pinned), messages of every kind go both ways
and only to their own customer, /close asks for a rating, a restart in the middle loses nothing;
then the same in a plain group, where operators answer by replying."""
import base64
import csv
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import TOKEN, Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks, leads  # noqa: E402

OPERATOR, ADMIN, STRANGER = 2001, 2002, 3003
ANN, BOB = 101, 102
FORUM, PLAIN = -1001, -2002
ADMINS = "user,name,role\n2001,Olga,operator\n2002,Boss,admin\n"


class SupportDesk(unittest.TestCase):
    group = FORUM
    configured = True  # group_id in the config; False: an admin sends /support_here

    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        base = self.sandbox.dir.name
        self.content = os.path.join(base, "content")
        shutil.copytree(os.path.join(EXAMPLES, "business-card", "csv"), self.content)
        with open(os.path.join(self.content, "Admins.csv"), "w") as f:
            f.write(ADMINS)
        # The start page gets a "Contact us" button that opens the desk.
        pages = os.path.join(self.content, "Pages.csv")
        with open(pages, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows[1][rows[0].index("buttons")] += "\nContact us -> support:open"
        with open(pages, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        self.store = os.path.join(base, "support.db")
        self.config = os.path.join(base, "bot.toml")
        with open(self.config, "w") as f:
            f.write(f"""[outbox]
group_per_minute = 600
[modules]
enabled = ["support"]
[modules.support]
{f"group_id = {self.group}" if self.configured else ""}
""")
        self.bots = []
        # The operators' group exists before the bot hears of a customer.
        self.in_group(OPERATOR, text="Good morning, team", is_forum=self.group == FORUM)
        self.ann = Chat(self.sandbox, ANN, first_name="Ann", username="ann", language_code="en")
        self.bob = Chat(self.sandbox, BOB, first_name="Bob", language_code="ru")
        self.start_bot()

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()

    def start_bot(self):
        bot = Bot(self.sandbox, "--config", self.config,
                  env={"COREBOT_CONTENT": self.content,
                       "COREBOT_STORE_URI": "sqlite://" + self.store})
        self.bots.append(bot)
        return bot

    def restart(self):
        self.assertEqual(self.bots[-1].terminate(), 0)
        self.start_bot()

    # --- the operators' group --------------------------------------------------------------
    def in_group(self, user, **fields):
        return self.sandbox.control("POST", "/control/updates/message",
                                    {"token": TOKEN, "user_id": user, "chat_id": self.group,
                                     "first_name": "Olga" if user == OPERATOR else "Max",
                                     **fields})

    def upload_in_group(self, user, kind, data, **fields):
        return self.in_group(user, **{kind: {"data": base64.b64encode(data).decode()}}, **fields)

    def group_messages(self):
        return self.sandbox.chat(self.group)

    def topics(self):
        return self.sandbox.control(
            "GET", f"/control/chats/topics?token={TOKEN}&chat_id={self.group}")

    def topic(self, name):
        found = wait_for(lambda: [t for t in self.topics() if t["name"] == name],
                         f"the topic {name!r}")
        return found[0]

    def wait_group(self, predicate, what):
        return wait_for(lambda: [m for m in bot_messages(self.group_messages()) if predicate(m)],
                        what)

    # --- the customers' side ---------------------------------------------------------------
    def received(self, chat, predicate, what):
        return wait_for(lambda: [m for m in bot_messages(self.sandbox.chat(chat.user))
                                 if predicate(m)], what)

    def none_received(self, chat, predicate):
        return not [m for m in bot_messages(self.sandbox.chat(chat.user)) if predicate(m)]

    def open_desk(self):
        self.ann.send("/support")
        self.ann.wait_text("Write your question")
        self.bob.send("/support")
        self.bob.wait_text("Напишите ваш вопрос")


class ForumDesk(SupportDesk):
    def test_two_customers_every_kind_both_ways_close_rating_and_a_restart(self):
        self.open_desk()
        # Both write at once, before either has a topic.
        self.ann.send("Where is my order?")
        self.sandbox.control("POST", "/control/updates/message",
                             {"token": TOKEN, "user_id": BOB, "first_name": "Bob",
                              "language_code": "ru", "caption": "It came broken",
                              "photo": {"data": base64.b64encode(b"\xff\xd8 cup").decode()}})
        ann_topic = self.topic("Ann (@ann)")["message_thread_id"]
        bob_topic = self.topic("Bob")["message_thread_id"]
        self.assertNotEqual(ann_topic, bob_topic)
        self.ann.wait_text("Sent to our team")
        self.bob.wait_text("Передали команде")

        def in_topic(topic, predicate):
            return lambda m: m.get("message_thread_id") == topic and predicate(m)

        # The card, pinned at the top of each topic.
        card = self.wait_group(in_topic(ann_topic, lambda m: body(m).startswith("👤 Ann")),
                               "Ann's card")[0]
        self.assertIn("@ann · language: en · id 101", body(card))
        wait_for(lambda: [m for m in self.group_messages()
                          if m["message_id"] == card["message_id"] and m.get("pinned")],
                 "the card pinned")
        self.wait_group(in_topic(bob_topic, lambda m: body(m).startswith("👤 Bob")), "Bob's card")
        self.wait_group(in_topic(ann_topic, lambda m: body(m) == "Where is my order?"),
                        "Ann's text in her topic")
        self.wait_group(in_topic(bob_topic, lambda m: "photo" in m and
                                 body(m) == "It came broken"), "Bob's photo in his topic")

        # Every kind from the customers.
        self.ann.upload("document", b"order 42", file_name="order.pdf",
                        mime_type="application/pdf")
        self.ann.upload("voice", b"OggS voice", duration=2)
        self.bob.send("Можно вернуть деньги?")
        self.wait_group(in_topic(ann_topic, lambda m: "document" in m), "Ann's document")
        self.wait_group(in_topic(ann_topic, lambda m: "voice" in m), "Ann's voice")
        self.wait_group(in_topic(bob_topic, lambda m: body(m) == "Можно вернуть деньги?"),
                        "Bob's text")
        # Nothing of one customer's in the other's topic.
        for m in self.group_messages():
            if m.get("message_thread_id") == bob_topic:
                self.assertNotIn("order", body(m).lower())
                self.assertNotIn("document", m)

        # Every kind from the operator, each in one topic, interleaved.
        self.in_group(OPERATOR, text="Bob, we will refund you", message_thread_id=bob_topic)
        self.upload_in_group(OPERATOR, "photo", b"\xff\xd8 tracking", message_thread_id=ann_topic,
                             caption="Your parcel")
        self.upload_in_group(OPERATOR, "document", b"invoice", message_thread_id=ann_topic)
        self.upload_in_group(OPERATOR, "voice", b"OggS hello", message_thread_id=bob_topic)
        self.in_group(OPERATOR, text="Ann, it ships today", message_thread_id=ann_topic)
        self.received(self.ann, lambda m: body(m) == "Ann, it ships today", "Ann's answer")
        self.received(self.ann, lambda m: "photo" in m and body(m) == "Your parcel", "the photo")
        self.received(self.ann, lambda m: "document" in m, "the document")
        self.received(self.bob, lambda m: body(m) == "Bob, we will refund you", "Bob's answer")
        self.received(self.bob, lambda m: "voice" in m, "the voice message")
        self.assertTrue(self.none_received(self.ann, lambda m: "refund" in body(m) or "voice" in m))
        self.assertTrue(self.none_received(self.bob, lambda m: "ships" in body(m) or
                                           "photo" in m or "document" in m))

        # A group member who is no operator is not relayed; neither is the General topic.
        self.in_group(STRANGER, text="psst, Ann", message_thread_id=ann_topic)
        self.in_group(OPERATOR, text="general chatter")
        # A restart in the middle of the conversation.
        self.restart()
        self.in_group(OPERATOR, text="Still here after a restart", message_thread_id=ann_topic)
        self.received(self.ann, lambda m: body(m) == "Still here after a restart", "after restart")
        self.ann.send("Thanks!")
        self.wait_group(in_topic(ann_topic, lambda m: body(m) == "Thanks!"), "same topic")
        self.assertEqual(len(self.topics()), 2)
        self.assertTrue(self.none_received(self.ann, lambda m: "psst" in body(m) or
                                           "chatter" in body(m)))

        # /close: the topic closes, Ann is asked for a rating, stored once.
        self.in_group(OPERATOR, text="/close", message_thread_id=ann_topic)
        ask = self.received(self.ann, lambda m: "How did we do" in body(m), "the rating")[0]
        self.assertEqual(callbacks(ask), [f"support:rate:1:{n}" for n in range(1, 6)])
        wait_for(lambda: self.topic("Ann (@ann)")["closed"], "Ann's topic closed")
        self.assertFalse(self.topic("Bob")["closed"])
        self.ann.press(ask, "support:rate:1:5")
        self.ann.wait_text("Your rating: 5/5")
        ratings = wait_for(lambda: leads(self.store, "support.ratings"), "the rating stored")
        self.assertEqual([(r["user_id"], r["rating"]) for r in ratings], [(ANN, 5)])

        # Ann writes again: the same topic reopens.
        self.ann.send("One more question")
        wait_for(lambda: not self.topic("Ann (@ann)")["closed"], "Ann's topic reopened")
        self.wait_group(in_topic(ann_topic, lambda m: body(m) == "One more question"),
                        "the new message in the reopened topic")
        self.assertEqual(len(self.topics()), 2)
        # Bob's conversation went on all along.
        self.in_group(OPERATOR, text="Bob, done", message_thread_id=bob_topic)
        self.received(self.bob, lambda m: body(m) == "Bob, done", "Bob's last answer")
        # No other module answered in the group (pages' buttons, "did not understand").
        self.assertEqual([m for m in bot_messages(self.group_messages())
                          if m.get("reply_markup") or "understand" in body(m)], [])


class PlainDesk(SupportDesk):
    group = PLAIN

    def test_headers_replies_close_and_a_restart(self):
        self.open_desk()
        self.ann.send("Hello from Ann")
        self.bob.upload("voice", b"OggS bob", duration=1)
        self.assertEqual(self.topics(), [])
        ann_header = self.wait_group(lambda m: "Hello from Ann" in body(m), "Ann's message")[0]
        self.assertTrue(body(ann_header).startswith("💬 Ann (@ann, id 101)"))
        bob_voice = self.wait_group(lambda m: "voice" in m, "Bob's voice")[0]
        self.assertIn("Bob", body(bob_voice))  # the header went into the caption

        self.in_group(OPERATOR, text="Hi Bob", reply_to_message_id=bob_voice["message_id"])
        self.upload_in_group(OPERATOR, "photo", b"\xff\xd8 map",
                             reply_to_message_id=ann_header["message_id"])
        self.received(self.bob, lambda m: body(m) == "Hi Bob", "Bob's answer")
        self.received(self.ann, lambda m: "photo" in m, "Ann's photo")
        # Not a reply, or a reply by a stranger: for nobody.
        self.in_group(OPERATOR, text="who is on lunch?")
        self.in_group(STRANGER, text="psst", reply_to_message_id=ann_header["message_id"])

        self.restart()
        self.in_group(OPERATOR, text="Ann, after the restart",
                      reply_to_message_id=ann_header["message_id"])
        self.received(self.ann, lambda m: body(m) == "Ann, after the restart", "after restart")
        self.assertTrue(self.none_received(self.ann, lambda m: "Bob" in body(m) or
                                           "lunch" in body(m) or "psst" in body(m)))
        self.assertTrue(self.none_received(self.bob, lambda m: "Ann" in body(m) or
                                           "photo" in m))

        self.in_group(OPERATOR, text="/close", reply_to_message_id=ann_header["message_id"])
        ask = self.received(self.ann, lambda m: "How did we do" in body(m), "the rating")[0]
        self.ann.press(ask, "support:rate:1:3")
        self.ann.wait_text("Your rating: 3/5")
        self.wait_group(lambda m: "Closed by Olga" in body(m), "the closing note")


class ChosenInTelegram(SupportDesk):
    configured = False

    def test_an_admin_sends_support_here_and_it_survives_a_restart(self):
        self.ann.send("/support")
        self.ann.wait_text("not available")
        self.in_group(OPERATOR, text="/support_here")  # operators may not choose
        self.in_group(ADMIN, text="/support_here")
        notes = self.wait_group(lambda m: "now come to this group" in body(m), "the answer")
        self.assertEqual(len(notes), 1)
        self.restart()
        self.ann.send("/start")
        start = self.ann.wait(lambda m: "support:open" in callbacks(m), "the start page")
        self.ann.press(start, "support:open")
        self.ann.wait_text("Write your question")
        self.ann.send("Hello?")
        topic = self.topic("Ann (@ann)")["message_thread_id"]
        self.wait_group(lambda m: m.get("message_thread_id") == topic and body(m) == "Hello?",
                        "Ann's message in her topic")


if __name__ == "__main__":
    unittest.main()
