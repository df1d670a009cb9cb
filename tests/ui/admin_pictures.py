"""The owner's pictures of docs/admin.md that show the panel's menu and its backup: the sandbox's
web chat (headless Chromium over CDP, like webchat_ui.py), Ann (1001) the owner by
COREBOT_ADMIN_OWNERS. /admin opens the menu (admin-menu.png); 💾 Backup brings the store as a
document (admin-backup.png). Usage: admin_pictures.py OUT_DIR   (needs a build; run from the
repository root)."""
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cdp import Browser  # noqa: E402
from content_helpers import EXAMPLES  # noqa: E402
from harness import Bot, Sandbox, wait_for  # noqa: E402
from webchat_ui import open_webchat  # noqa: E402


def main(out):
    sandbox = Sandbox("--limits", "off")
    content = os.path.join(sandbox.dir.name, "content")
    shutil.copytree(os.path.join(EXAMPLES, "business-card", "csv"), content)
    store = os.path.join(sandbox.dir.name, "bot.db")
    bot = Bot(sandbox, env={"COREBOT_CONTENT": content, "COREBOT_ADMIN_OWNERS": "1001",
                            "COREBOT_STORE_URI": "sqlite://" + store})

    def users_written():
        db = sqlite3.connect(store)
        try:
            return db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'c_users'"
                              ).fetchone()[0] == 1
        finally:
            db.close()

    browser = Browser(width=620, height=760)
    try:
        open_webchat(browser, sandbox.url, named=True)
        # A bot that has met its owner: the user record is in the store before the backup.
        browser.js("T.type(0, '/start')")
        browser.wait("T.has(0, 'photographer in Lisbon')", "the start page")
        wait_for(users_written, "the owner's user record")
        browser.js("T.type(0, '/admin')")
        browser.wait("T.has(0, 'Admin panel') && T.has(0, 'Backup')", "the owner's menu")
        browser.screenshot(os.path.join(out, "admin-menu.png"))
        browser.js("T.click(0, '💾 Backup')")
        browser.wait("T.has(0, 'Taking a backup') && T.has(0, 'It holds your users')",
                     "the backup document")
        browser.screenshot(os.path.join(out, "admin-backup.png"))
    finally:
        browser.close()
        bot.close()
        sandbox.close()


if __name__ == "__main__":
    main(sys.argv[1])
