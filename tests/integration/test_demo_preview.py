"""The owner's preview (issue 15): leads kept for admins who never wrote, pages that replace
each other instead of piling up, the sandbox's web-chat routes, and `corebot demo PATH`."""
import base64
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import (COREBOT, DEADLINE, TOKEN, Bot, Sandbox, bot_messages, free_port, http,  # noqa: E402
                     wait_for)
from content_helpers import Chat, body, callbacks, leads  # noqa: E402

DESK = 1009  # in Admins by id
BOSS = 1020  # in Admins as @big_boss

PAGES = """id,text,media,buttons
start,Welcome to the shop,https://example.invalid/shop.jpg,"Prices -> prices
Apply -> form:apply"
prices,Prices are low,,"Back -> start | Hours -> hours"
hours,We open at nine,,"Back -> prices"
"""
FORMS = """form,field,question,type,options,required,label
apply,name,What is your name?,text,,yes,Name
"""
ADMINS = """user,name
1009,Desk
@big_boss,Boss
"""


def write_shop(folder):
    os.makedirs(folder, exist_ok=True)
    for name, text in [("Pages.csv", PAGES), ("Forms.csv", FORMS), ("Admins.csv", ADMINS)]:
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    return folder


def live(messages):
    return [m for m in bot_messages(messages) if not m.get("deleted")]


def apply(chat):
    """Fills the one-question form and sends it."""
    chat.send("/start")
    start = chat.wait(lambda m: "form:apply" in callbacks(m), "the start page")
    chat.press(start, "form:apply")
    chat.wait_text("What is your name?")
    chat.send("Maria Lopes")
    summary = chat.wait_text("Name: Maria Lopes")
    chat.press(summary, [d for d in callbacks(summary) if d.endswith("~ok")][0])
    chat.wait_text("Thank you")


class HeldLeadTest(unittest.TestCase):
    """Bug: a lead for an admin who never wrote (400 chat not found) was lost without a sign."""

    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.addCleanup(self.sandbox.close)
        self.shop = write_shop(os.path.join(self.sandbox.dir.name, "shop"))

    def start_bot(self, store=None):
        env = {"COREBOT_CONTENT": self.shop}
        if store:
            env["COREBOT_STORE_URI"] = "sqlite://" + store
        bot = Bot(self.sandbox, env=env)
        self.addCleanup(bot.close)
        return bot

    def test_lead_is_kept_across_a_restart_and_delivered_when_the_admin_writes(self):
        bot = self.start_bot()
        # At start the engine names the admins who never wrote, and how to fix it.
        wait_for(lambda: "admin Desk (id 1009) has never written" in bot.output(), "the warning")
        wait_for(lambda: "admin Boss (@big_boss) has never written" in bot.output(), "the warning")
        self.assertIn("send /start", bot.output())

        apply(Chat(self.sandbox, 1001, first_name="Maria"))
        # Logged with the admin and the reason, and kept in the store.
        wait_for(lambda: "for admin Desk (id 1009) not delivered (Bad Request: chat not found)"
                 in bot.output(), "the log line for the refused lead")
        wait_for(lambda: "for admin Boss (@big_boss) not delivered" in bot.output(),
                 "the log line for the admin known only by name")
        held = wait_for(lambda: len(leads(bot.store_path, "engine.held_messages")) == 2 and
                        leads(bot.store_path, "engine.held_messages"), "two kept leads")
        self.assertEqual(sorted(h["recipient"] for h in held),
                         ["admin Boss (@big_boss)", "admin Desk (id 1009)"])
        self.assertTrue(all("Maria Lopes" in h["params"]["text"] for h in held))
        self.assertEqual(bot.terminate(), 0)

        # A new engine on the same store: the kept leads survive and leave when each admin writes.
        bot = self.start_bot(store=bot.store_path)
        desk = Chat(self.sandbox, DESK, first_name="Desk")
        desk.send("/start")
        lead = desk.wait_text("New request (apply) from Maria")
        self.assertIn("Name: Maria Lopes", body(lead))
        boss = Chat(self.sandbox, BOSS, first_name="Boss", username="Big_Boss")
        boss.send("/start")
        self.assertIn("Name: Maria Lopes", body(boss.wait_text("New request (apply)")))
        wait_for(lambda: not leads(bot.store_path, "engine.held_messages"), "the kept leads gone")
        # Delivered once: a second message from the admin brings no copy.
        desk.send("/start")
        desk.wait_text("Welcome to the shop")
        self.assertEqual(len([m for m in self.sandbox.chat(DESK) if "New request" in body(m)]), 1)


class NavigationTest(unittest.TestCase):
    """Bug: navigating away from a page with a photo left a copy with live buttons each time."""

    def test_media_and_text_pages_replace_each_other(self):
        sandbox = Sandbox("--limits", "off")
        self.addCleanup(sandbox.close)
        shop = write_shop(os.path.join(sandbox.dir.name, "shop"))
        bot = Bot(sandbox, env={"COREBOT_CONTENT": shop})
        self.addCleanup(bot.close)
        chat = Chat(sandbox, 1001, first_name="Ann")
        chat.send("/start")
        for _ in range(3):
            start = chat.wait(lambda m: m.get("photo") and not m.get("deleted"), "the photo page")
            chat.press(start, "p:prices")
            prices = chat.wait(lambda m: "Prices are low" in body(m) and not m.get("deleted"),
                               "the prices page")
            wait_for(lambda: len(live(sandbox.chat(1001))) == 1, "one live message")
            chat.press(prices, "p:hours")  # text to text: edited in place
            hours = chat.wait(lambda m: "nine" in body(m), "the hours page")
            self.assertEqual(hours["message_id"], prices["message_id"])
            chat.press(hours, "p:prices")
            chat.wait(lambda m: "Prices are low" in body(m) and m["edit_count"] >= 2, "prices")
            chat.press(prices, "p:start")
            wait_for(lambda: [m for m in live(sandbox.chat(1001)) if m.get("photo")],
                     "the photo page again")
            wait_for(lambda: len(live(sandbox.chat(1001))) == 1, "one live message")
        deletes = [c for c in sandbox.calls() if c["method"] == "deleteMessage"]
        self.assertEqual(len(deletes), 6)
        self.assertTrue(all(c["ok"] for c in deletes))


class _Picture(BaseHTTPRequestHandler):
    PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
                           "DwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

    def do_GET(self):
        if self.path != "/pic.png":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.PNG)))
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, *args):
        pass


class SandboxWebChatTest(unittest.TestCase):
    """The routes the web chat page uses."""

    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.addCleanup(self.sandbox.close)

    def api(self, method, params):
        status, answer = http("POST", f"{self.sandbox.url}/bot{TOKEN}/{method}", params)
        self.assertEqual(status, 200, answer)
        return answer["result"]

    def test_events_from_an_earlier_sandbox_get_a_reset(self):
        # A page that counted up to 500 with the previous sandbox is told at once where this one
        # is, instead of waiting 25 s for numbers that will not come.
        self.sandbox.message(1001, "hi")
        events = self.sandbox.control("GET", f"/control/events?token={TOKEN}&since=500"
                                             "&wait_ms=20000&chat_id=1001")
        self.assertEqual(events, [{"kind": "reset", "seq": 1}])
        self.assertEqual(self.sandbox.control(
            "GET", f"/control/events?token={TOKEN}&since=1&wait_ms=0"), [])

    def test_linked_photos_are_fetched_and_unreachable_ones_are_named(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Picture)
        self.addCleanup(server.server_close)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        self.sandbox.message(1001, "/start")
        base = f"http://127.0.0.1:{server.server_port}"
        good = self.api("sendPhoto", {"chat_id": 1001, "photo": base + "/pic.png"})
        bad = self.api("sendPhoto", {"chat_id": 1001, "photo": base + "/gone.jpg"})
        views = {m["message_id"]: m for m in self.sandbox.chat(1001)}
        media = views[good["message_id"]]["media"]
        self.assertEqual((media["kind"], media["file_name"], media["url"]),
                         ("photo", "pic.png", base + "/pic.png"))
        self.assertEqual(views[bad["message_id"]]["media"]["file_name"], "gone.jpg")
        status, data = http("GET", f"{self.sandbox.url}/file/bot{TOKEN}/photos/{media['file_id']}")
        self.assertEqual(status, 200)
        self.assertTrue(str(data).startswith("\ufffdPNG") or "PNG" in str(data))
        bad_id = views[bad["message_id"]]["media"]["file_id"]
        status, _ = http("GET", f"{self.sandbox.url}/file/bot{TOKEN}/photos/{bad_id}")
        self.assertEqual(status, 404)

    def test_named_users_groups_commands_and_reset(self):
        self.sandbox.control("POST", "/control/users", {"token": TOKEN, "users": [
            {"id": 1009, "first_name": "Desk", "username": "desk", "role": "admin"}]})
        # Pre-registered: the bot can write to the admin before they wrote.
        self.api("sendMessage", {"chat_id": 1009, "text": "a lead"})
        self.sandbox.message(1001, "hello group", chat_id=-100, first_name="Ann")
        users = self.sandbox.control("GET", f"/control/users?token={TOKEN}")
        self.assertEqual(users[0], {"id": 1009, "first_name": "Desk", "username": "desk",
                                    "language_code": "", "role": "admin"})
        self.assertEqual(self.sandbox.chat(-100)[0]["from_name"], "Ann")
        self.api("setMyCommands", {"commands": [{"command": "start", "description": "Begin"}]})
        self.api("setMyCommands", {"commands": [{"command": "start", "description": "Начать"}],
                                   "language_code": "ru"})
        bots = self.sandbox.control("GET", "/control/bots")
        self.assertEqual(bots[0]["commands"], {
            "": [{"command": "start", "description": "Begin"}],
            "ru": [{"command": "start", "description": "Начать"}]})
        self.sandbox.control("POST", "/control/chats/clear", {"token": TOKEN, "chat_id": 1009})
        self.assertEqual(self.sandbox.chat(1009), [])
        events = self.sandbox.control("GET", f"/control/events?token={TOKEN}&chat_id=1009")
        self.assertEqual(events[-1]["kind"], "cleared")


class DemoCommandTest(unittest.TestCase):
    """`corebot demo PATH` previews the owner's spreadsheet, admins included, with live reload."""

    def test_help_says_how_to_preview_a_spreadsheet(self):
        out = subprocess.run([COREBOT, "demo", "--help"], capture_output=True, text=True,
                             timeout=DEADLINE)
        self.assertEqual(out.returncode, 0)
        self.assertIn("corebot demo my.xlsx", out.stdout)
        self.assertIn("Google Sheets link", out.stdout)

    def test_a_missing_file_is_named(self):
        out = subprocess.run([COREBOT, "demo", "/nonexistent/shop.xlsx"], capture_output=True,
                             text=True, timeout=DEADLINE)
        self.assertEqual(out.returncode, 2)
        self.assertIn("/nonexistent/shop.xlsx does not exist", out.stderr)

    def test_preview_with_admins_and_live_reload(self):
        work = tempfile.TemporaryDirectory(prefix="corebot-demo-it-")
        self.addCleanup(work.cleanup)
        shop = write_shop(os.path.join(work.name, "flower-shop"))
        port = free_port()
        log = open(os.path.join(work.name, "demo.log"), "w+")
        self.addCleanup(log.close)
        env = {k: v for k, v in os.environ.items() if not k.startswith("COREBOT_")}
        proc = subprocess.Popen([os.path.abspath(COREBOT), "demo", "--port", str(port), shop], cwd=work.name,
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))

        def output():
            with open(log.name) as f:
                return f.read()
        wait_for(lambda: "Open the web chat" in output(), "the start-up box")
        self.assertIn("Previewing: " + shop, output())
        self.assertIn("edits reload live", output())
        self.assertIn("Admins:     Desk (1009), Boss @big_boss (2001)", output())

        url = f"http://127.0.0.1:{port}"
        token = "1000000001:corebot-demo-token"
        status, answer = http("GET", url + "/control/bots")
        self.assertEqual(answer["result"][0]["first_name"], "Flower shop")
        status, answer = http("GET", f"{url}/control/users?token={token}")
        self.assertEqual([(u["id"], u["role"]) for u in answer["result"]],
                         [(1009, "admin"), (2001, "admin")])
        status, page = http("GET", url + "/")
        self.assertIn("Admin view", page)

        def say(user, text, **extra):
            http("POST", url + "/control/updates/message",
                 {"token": token, "user_id": user, "text": text, **extra})

        def chat(chat_id):
            return http("GET", f"{url}/control/chats/messages?token={token}&chat_id={chat_id}")[1][
                "result"]

        say(1001, "/start")
        wait_for(lambda: any("Welcome to the shop" in body(m) for m in chat(1001)), "start")
        with open(os.path.join(shop, "Pages.csv"), "w") as f:
            f.write(PAGES.replace("Welcome to the shop", "Welcome to the new shop"))
        with open(os.path.join(shop, "Admins.csv"), "w") as f:
            f.write(ADMINS + "1030,Night desk\n")
        # Edits reload without a restart (the file is checked every 2 s).
        def edited_page_shown():
            before = len(chat(1001))
            say(1001, "/start")
            wait_for(lambda: len(chat(1001)) >= before + 2, "the answer to /start")
            return any("new shop" in body(m) for m in chat(1001)[before:])
        wait_for(edited_page_shown, "the edited start page")
        # An admin added while the demo runs becomes a simulated user too; the others keep ids.
        wait_for(lambda: [(u["id"], u["role"]) for u in http(
            "GET", f"{url}/control/users?token={token}")[1]["result"] if u["role"]] ==
            [(1009, "admin"), (1030, "admin"), (2001, "admin")], "the new admin registered")
        proc.terminate()
        self.assertEqual(proc.wait(timeout=DEADLINE), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
