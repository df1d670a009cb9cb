"""The admin panel end to end: the real engine against the sandbox, driven as the owner, an admin,
an operator and a stranger would; a username admin whose name moved; the first-run claim."""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT, TOKEN, Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks, leads  # noqa: E402

XLSX_DUMP = os.environ.get("XLSX_DUMP_BIN", "build/tests/xlsx_dump")

OWNER, ADMIN, OPERATOR, STRANGER = 3001, 1009, 2001, 1001
BOSS_FIRST, BOSS_SECOND = 5001, 5002  # two accounts that hold @boss_name one after the other

ADMINS = "user,name,role\n1009,Assistant,\n2001,Support,operator\n@boss_name,Boss,admin\n"
UNKNOWN = "Sorry, I did not understand"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def buttons_of(message):
    return [(b["text"], b.get("callback_data")) for row in
            (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


class PanelTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.content = os.path.join(self.sandbox.dir.name, "content")
        shutil.copytree(os.path.join(EXAMPLES, "business-card", "csv"), self.content)
        write(os.path.join(self.content, "Admins.csv"), ADMINS)
        self.store = os.path.join(self.sandbox.dir.name, "panel.db")
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()

    def start_bot(self, owners=str(OWNER)):
        env = {"COREBOT_CONTENT": self.content, "COREBOT_STORE_URI": "sqlite://" + self.store}
        if owners:
            env["COREBOT_ADMIN_OWNERS"] = owners
        bot = Bot(self.sandbox, env=env)
        self.bots.append(bot)
        return bot

    def forge(self, user, data, n):
        """A callback query with data no button of the bot carries (a modified client)."""
        self.sandbox.control("POST", "/control/updates/raw", {"token": TOKEN, "update": {
            "callback_query": {"id": f"forged-{user}-{n}", "chat_instance": str(user),
                               "data": data,
                               "from": {"id": user, "is_bot": False, "first_name": "X"},
                               "message": {"message_id": 1, "date": 1700000000,
                                           "chat": {"id": user, "type": "private"}}}}})

    def recorded(self, *ids):
        """Waits until the engine wrote these users' records (it batches them)."""
        wait_for(lambda: set(ids) <= {d["_id"] for d in leads(self.store, "users")},
                 f"user records {ids}")

    def chat(self, user, **profile):
        profile.setdefault("first_name", f"User{user}")
        return Chat(self.sandbox, user, **profile)

    def open_menu(self, chat):
        chat.send("/admin")
        return chat.wait(lambda m: "admin:stats" in callbacks(m), "the admin menu")

    def section(self, chat, menu, data, fragment):
        chat.press(menu, data)
        return chat.wait(lambda m: fragment in body(m), f"section {data}")

    def back(self, chat, screen):
        chat.press(screen, "admin:menu")
        return chat.wait(lambda m: "admin:stats" in callbacks(m), "the menu again")

    def download(self, file_id):
        status = self.sandbox.control  # noqa: F841 (the control API is for updates only)
        url = f"{self.sandbox.url}/bot{TOKEN}/getFile?file_id={file_id}"
        with urllib.request.urlopen(url, timeout=30) as r:
            path = json.loads(r.read())["result"]["file_path"]
        with urllib.request.urlopen(f"{self.sandbox.url}/file/bot{TOKEN}/{path}", timeout=30) as r:
            return r.read()

    def read_xlsx(self, data):
        with tempfile.NamedTemporaryFile(suffix=".xlsx", dir=self.sandbox.dir.name,
                                         delete=False) as f:
            f.write(data)
        out = subprocess.run([XLSX_DUMP, f.name], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    # --- Roles and every menu ------------------------------------------------------------

    def test_every_role_sees_its_sections_and_a_stranger_sees_nothing(self):
        self.start_bot()
        owner, admin, operator = self.chat(OWNER), self.chat(ADMIN), self.chat(OPERATOR)
        stranger = self.chat(STRANGER)
        stranger.send("/start")
        stranger.wait(lambda m: body(m), "the start page")

        menu = self.open_menu(owner)
        self.assertEqual([d for _, d in buttons_of(menu)],
                         ["admin:stats", "admin:users", "admin:content", "admin:maint",
                          "admin:exports", "admin:admins", "admin:backup", "mailing:menu"])
        # Every section opens and leads back.
        for data, fragment in [("admin:stats", "Users: "), ("admin:users", "Send a user's id"),
                               ("admin:content", "Pages: "), ("admin:maint", "Maintenance mode"),
                               ("admin:exports", "export as a spreadsheet"),
                               ("admin:admins", "bound to the first account")]:
            screen = self.section(owner, menu, data, fragment)
            menu = self.back(owner, screen)
        self.recorded(STRANGER, OWNER)
        stats = self.section(owner, menu, "admin:stats", "Users: ")
        self.assertIn("Users: 2", body(stats))  # the stranger and the owner so far
        self.assertIn("version 0.1.0", body(stats))
        owner.press(stats, "admin:chart")
        photo = owner.wait(lambda m: m.get("photo"), "the chart")
        self.assertIn("30 days", body(photo))
        chart = self.download(photo["photo"])
        self.assertEqual(chart[:8], b"\x89PNG\r\n\x1a\n")

        menu = self.open_menu(admin)
        self.assertEqual([d for _, d in buttons_of(menu)],
                         ["admin:stats", "admin:users", "admin:content", "admin:maint",
                          "admin:exports", "mailing:menu"])
        menu = self.open_menu(operator)
        self.assertEqual([d for _, d in buttons_of(menu)], ["admin:stats", "admin:users"])
        self.section(operator, menu, "admin:stats", "Users: ")
        # Forged buttons from the operator do nothing (their chat's updates run in order, so
        # once /admin is answered the forgeries were handled).
        for n, data in enumerate(("admin:maint:on", f"admin:ban:{STRANGER}", "admin:reload")):
            self.forge(OPERATOR, data, n)
        self.open_menu(operator)
        self.assertFalse([m for m in bot_messages(self.sandbox.chat(OPERATOR))
                          if "Reloading" in body(m) or "banned" in body(m)])
        stranger.send("/start")
        stranger.wait(lambda m: body(m) and "maintenance" not in body(m), "the start page")

        # The stranger: /admin is an unknown command, and a forged button does nothing.
        stranger.send("/admin")
        answer = stranger.wait_text(UNKNOWN)
        stranger.send("/nonsense")
        self.assertEqual(body(stranger.wait_text(UNKNOWN)), body(answer))
        self.forge(STRANGER, "admin:stats", 0)
        self.forge(STRANGER, "admin:maint:on", 1)
        stranger.send("/start")
        stranger.wait(lambda m: body(m) and UNKNOWN not in body(m) and "maintenance" not in body(m),
                      "the start page again")
        for m in bot_messages(self.sandbox.chat(STRANGER)):
            self.assertNotIn("admin:", json.dumps(m.get("reply_markup") or {}))
            self.assertNotIn("Statistics", body(m))

    # --- Content: a reload with errors, then one that works ------------------------------

    def test_reload_with_errors_keeps_the_old_content_then_says_what_changed(self):
        self.start_bot()
        admin = self.chat(ADMIN)
        menu = self.open_menu(admin)
        content = self.section(admin, menu, "admin:content", "Pages: ")
        pages = os.path.join(self.content, "Pages.csv")
        with open(pages, encoding="utf-8") as f:
            good = f.read()
        write(pages, good + "broken,Text,Go -> nowhere_page\n")
        admin.press(content, "admin:reload")
        report = admin.wait(lambda m: "error" in body(m).lower() and "Reloading" not in body(m),
                            "the error report")
        self.assertIn("Pages!", body(report))
        self.assertNotIn("What changed", body(report))
        user = self.chat(STRANGER)
        user.send("/start")
        user.wait(lambda m: body(m), "the old start page still")

        write(pages, good + "hours,We are open 9-18,\n")
        admin.send("/reload")
        report = admin.wait_text("What changed")
        self.assertIn("1 page(s) added, 0 removed, 0 edited", body(report))
        self.assertIn("Added: hours", body(report))

    # --- Users: find, ban, unban, tag ----------------------------------------------------

    def test_ban_and_unban_a_user_found_by_name(self):
        self.start_bot()
        user = self.chat(STRANGER, first_name="Zelda", username="zelda_k")
        user.send("/start")
        user.wait(lambda m: body(m), "the start page")
        admin = self.chat(ADMIN)
        self.recorded(STRANGER)
        menu = self.open_menu(admin)
        self.section(admin, menu, "admin:users", "Send a user's id")
        admin.send("zeld")
        card = admin.wait_text("👤 Zelda")
        self.assertIn("@zelda_k", body(card))
        self.assertIn("Banned: no", body(card))
        admin.press(card, f"admin:ban:{STRANGER}")
        card = admin.wait_text("is banned")
        self.assertIn("Banned: yes", body(card))

        replies = len(bot_messages(self.sandbox.chat(STRANGER)))
        user.send("/start")  # dropped: banned
        admin.press(card, f"admin:unban:{STRANGER}")
        card = admin.wait_text("is unbanned")
        user.send("/start")  # answered: the chat's updates run in order, so the first was seen
        user.wait(lambda m: len(bot_messages(self.sandbox.chat(STRANGER))) > replies, "a reply")
        self.assertEqual(len(bot_messages(self.sandbox.chat(STRANGER))), replies + 1,
                         "the /start sent while banned got no answer")

        admin.press(card, f"admin:tag:{STRANGER}")
        admin.wait_text("Send the tag")
        admin.send("vip")
        card = admin.wait_text("Tag “vip” added")
        self.assertIn("Tags: vip", body(card))

    # --- Maintenance ---------------------------------------------------------------------

    def test_maintenance_answers_users_lets_admins_work_and_survives_a_restart(self):
        bot = self.start_bot()
        admin, user = self.chat(ADMIN), self.chat(STRANGER)
        menu = self.open_menu(admin)
        screen = self.section(admin, menu, "admin:maint", "Maintenance mode is off")
        admin.press(screen, "admin:maint:on")
        admin.wait_text("Maintenance mode is ON")
        user.send("/start")
        user.wait_text("under maintenance")
        self.open_menu(admin)  # admins keep working

        bot.terminate()
        self.start_bot()
        user.send("/start")
        user.wait_text("under maintenance")
        menu = self.open_menu(admin)
        screen = self.section(admin, menu, "admin:maint", "Maintenance mode is ON")
        admin.press(screen, "admin:maint:off")
        admin.wait_text("Maintenance mode is off")
        user.send("/start")
        user.wait(lambda m: body(m) and "maintenance" not in body(m), "the start page")

    # --- Exports, read back cell by cell -------------------------------------------------

    def test_users_and_audit_exports_read_back(self):
        self.start_bot()
        user = self.chat(STRANGER, first_name="Анна", username="anna_x", language_code="ru")
        user.send("/start")
        user.wait(lambda m: body(m), "the start page")
        admin = self.chat(ADMIN)
        self.recorded(STRANGER)
        menu = self.open_menu(admin)
        self.section(admin, menu, "admin:users", "Send a user's id")
        admin.send(str(STRANGER))
        card = admin.wait_text("👤 Анна")
        admin.press(card, f"admin:ban:{STRANGER}")
        admin.wait_text("is banned")

        self.recorded(STRANGER, ADMIN)
        menu = self.open_menu(admin)
        exports = self.section(admin, menu, "admin:exports", "export as a spreadsheet")
        self.assertIn("admin:export:m:forms:leads", callbacks(exports))
        # Mailing reports: every recipient's outcome, from the mailing module's declaration.
        self.assertIn("admin:export:m:mailing:recipients", callbacks(exports))
        admin.press(exports, "admin:export:users")
        doc = admin.wait(lambda m: m.get("document"), "the users export")
        self.assertIn("users:", body(doc))
        book = self.read_xlsx(self.download(doc["document"]))
        rows = book["Users"]
        self.assertEqual(rows[0][:4], ["id", "first_name", "last_name", "username"])
        by_id = {r[0]: r for r in rows[1:]}
        self.assertEqual(sorted(by_id), sorted([str(STRANGER), str(ADMIN)]))
        anna = by_id[str(STRANGER)]
        self.assertEqual(anna[1], "Анна")
        self.assertEqual(anna[3], "anna_x")
        self.assertEqual(anna[4], "ru")
        self.assertEqual(anna[8], "TRUE")  # banned

        admin.press(exports, "admin:export:audit")
        doc = admin.wait(lambda m: m.get("document") and "audit" in body(m), "the audit export")
        book = self.read_xlsx(self.download(doc["document"]))
        header, *entries = book["Audit"]
        ban = dict(zip(header, entries[0]))
        self.assertEqual(ban["action"], "ban")
        self.assertEqual(ban["by"], str(ADMIN))
        self.assertEqual(ban["target"], str(STRANGER))
        self.assertEqual(ban["before"], "FALSE")
        self.assertEqual(ban["after"], "TRUE")

    # --- The owner's backup ------------------------------------------------------------------

    def test_the_owner_gets_a_backup_that_opens_as_the_store(self):
        self.start_bot()
        owner, stranger = self.chat(OWNER), self.chat(STRANGER, first_name="Анна")
        stranger.send("/start")
        stranger.wait(lambda m: body(m), "the start page")
        self.recorded(STRANGER)
        menu = self.open_menu(owner)
        owner.press(menu, "admin:backup")
        owner.wait_text("Taking a backup")
        doc = owner.wait(lambda m: m.get("document"), "the backup file")
        self.assertIn("It holds your users' data", body(doc))
        self.assertTrue(doc["media"]["file_name"].startswith("corebot-backup-"))
        data = self.download(doc["document"])
        self.assertEqual(data[:16], b"SQLite format 3\x00")
        path = os.path.join(self.sandbox.dir.name, "from-telegram.db")
        with open(path, "wb") as f:
            f.write(data)
        # What `corebot restore` checks, and the users the bot had recorded.
        db = sqlite3.connect(path)
        self.assertEqual(db.execute("PRAGMA quick_check").fetchone()[0], "ok")
        users = {json.loads(doc)["_id"]: json.loads(doc)
                 for (doc,) in db.execute('SELECT doc FROM "c_users"')}
        db.close()
        self.assertEqual(users[STRANGER]["first_name"], "Анна")
        restored = os.path.join(self.sandbox.dir.name, "restored.db")
        out = subprocess.run([COREBOT, "restore", path, "--store", "sqlite://" + restored],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        # An admin has no such button, and a forged one starts no backup: the chat's updates are
        # handled in order, so the menu after it shows the press was refused.
        admin = self.chat(ADMIN)
        self.assertNotIn("admin:backup", callbacks(self.open_menu(admin)))
        self.forge(ADMIN, "admin:backup", 1)
        self.open_menu(admin)
        self.assertFalse([m for m in self.sandbox.chat(ADMIN)
                          if "backup" in body(m) or m.get("document")])

    # --- A username admin whose name moved to another account ----------------------------

    def test_a_username_admin_is_bound_to_the_first_account(self):
        self.start_bot()
        first = self.chat(BOSS_FIRST, username="boss_name")
        self.open_menu(first)  # bound now
        # The name moves: the first account renames itself, a second one takes the name.
        first = self.chat(BOSS_FIRST, username="boss_renamed")
        second = self.chat(BOSS_SECOND, username="boss_name")
        second.send("/admin")
        second.wait_text(UNKNOWN)
        self.open_menu(first)  # the bound account keeps its rights under its new name
        owner = self.chat(OWNER)
        menu = self.open_menu(owner)
        screen = self.section(owner, menu, "admin:admins", "bound to the first account")
        self.assertIn(f"@boss_name — admin, bound to id {BOSS_FIRST}", body(screen))
        self.assertIn("• 2001 — operator", body(screen))

    # --- First run: the owner code -------------------------------------------------------

    def owner_code(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("COREBOT_")}
        env["COREBOT_STORE_URI"] = "sqlite://" + self.store
        out = subprocess.run([COREBOT, "owner-code"], capture_output=True, text=True, env=env,
                             timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout.strip()

    def test_first_run_claim_with_a_wrong_then_the_right_code(self):
        bot = self.start_bot(owners="")
        wait_for(lambda: "has no owner yet" in bot.output(), "the first-run code in the log")
        code = self.owner_code()
        self.assertRegex(code, r"^[0-9a-f]{16}$")
        self.assertIn(f'"/start {code}"', bot.output())
        self.assertEqual(os.stat(self.store).st_mode & 0o777, 0o600)

        claimer, other = self.chat(4001), self.chat(4002)
        claimer.send("/start 0000000000000000")
        start = claimer.wait(lambda m: body(m), "the ordinary start page")
        self.assertNotIn("owner", body(start))
        claimer.send("/admin")
        claimer.wait_text(UNKNOWN)
        claimer.send(f"/start {code}")
        claimer.wait_text("You are the owner of this bot now")
        menu = self.open_menu(claimer)
        self.assertIn("admin:admins", callbacks(menu))
        # The code is void now, for anyone.
        other.send(f"/start {code}")
        other.wait(lambda m: body(m), "the ordinary start page")
        other.send("/admin")
        other.wait_text(UNKNOWN)
        self.assertTrue(self.owner_code().startswith("This bot already has an owner"))
        # And after a restart the owner is still the owner.
        bot.terminate()
        self.start_bot(owners="")
        self.open_menu(claimer)


if __name__ == "__main__":
    unittest.main()
