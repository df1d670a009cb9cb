"""The Lua "notify me" module (modules/notify/) end to end: users subscribe and unsubscribe with
the buttons of /topics; an admin's /notify mails the topic's subscribers from a persistent job,
in batches (batch = 2 here, so three subscribers take two runs), at notification priority; the
admin is told when it is done; a user who is no admin cannot mail.
"""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import ROOT, Chat, body  # noqa: E402

ADMIN = 1009


class NotifyTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        base = self.sandbox.dir.name
        modules = os.path.join(base, "modules")
        shutil.copytree(os.path.join(ROOT, "modules", "notify"), os.path.join(modules, "notify"))
        content = os.path.join(base, "content")
        os.makedirs(content)
        for name, text in {"Pages.csv": "id,text\nstart,Hi\n",
                           "Admins.csv": f"user\n{ADMIN}\n",
                           "Topics.csv": "id,title\nnews,News\nsales,Sales\n"}.items():
            with open(os.path.join(content, name), "w") as f:
                f.write(text)
        config = os.path.join(base, "bot.toml")
        with open(config, "w") as f:
            f.write(f'[content]\nsource = "{content}"\n[scripts]\ndirs = ["{modules}"]\n'
                    "[modules.notify]\nbatch = 2\n")
        self.bot = Bot(self.sandbox, "--config", config)

    def tearDown(self):
        self.bot.close()
        self.sandbox.close()

    def subscribe(self, chat, topic):
        chat.send("/topics")
        chat.press(chat.wait_text("Press a topic"), "notify:toggle:" + topic)
        chat.wait(lambda m: "✅" in str(m.get("reply_markup", "")), "the ticked topic")

    def test_subscribers_of_a_topic_get_the_admins_notice(self):
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        admin.send("/start")
        admin.wait_text("Hi")
        users = [Chat(self.sandbox, 1001 + i, first_name=f"U{i}") for i in range(4)]
        for chat in users[:3]:
            self.subscribe(chat, "news")
        self.subscribe(users[3], "sales")
        # One unsubscribes again: the same button.
        gone = users[2]
        gone.send("/topics")
        gone.press(gone.wait_text("Press a topic"), "notify:toggle:news")
        gone.wait(lambda m: "✅" not in str(m.get("reply_markup", "")) and
                  "Press a topic" in body(m), "the unticked topic")

        users[0].send("/notify news Hello")
        users[0].wait_text("For admins only")

        self.subscribe(Chat(self.sandbox, 1010, first_name="Late"), "news")
        admin.send("/notify news Doors open at 9")
        admin.wait_text("Mailing 3 subscribers of News")
        admin.wait_text("went to 3 subscribers")
        for user in (1001, 1002, 1010):
            texts = [body(m) for m in bot_messages(self.sandbox.chat(user))]
            self.assertEqual(texts.count("🔔 News: Doors open at 9"), 1, user)
        for user in (1003, 1004):
            texts = [body(m) for m in bot_messages(self.sandbox.chat(user))]
            self.assertNotIn("🔔 News: Doors open at 9", texts, user)


if __name__ == "__main__":
    unittest.main()
