"""Content from a link (a web server standing in for Google Sheets), and workbooks that crash the
spreadsheet parser: the real binary, the sandbox and a local HTTP server over real sockets."""
import http.server
import os
import shutil
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT, TOKEN, Bot, Sandbox, wait_for  # noqa: E402
from content_helpers import EXAMPLES, ROOT, Chat, body  # noqa: E402

ADMIN = 1009  # in the business card's Admins sheet
GOOD_ODS_ADMIN = 123456789  # in tests/fixtures/content/good.ods
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An ODS that trips an assert() in liborcus 0.17 (tests/fixtures/content/fuzz/README.md).
CRASH = os.path.join(ROOT, "tests", "fixtures", "content", "fuzz", "known-crash",
                     "odf-styles-assert.ods")
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Files:
    """A web server on 127.0.0.1: /share redirects to /export/bot.xlsx, which serves whatever
    the test put there; /hang never answers."""

    def __init__(self):
        self.content = (b"", XLSX)  # (bytes, Content-Type), swapped as one by serve()
        self.hang_export = False  # /export/bot.xlsx waits for `release` too
        self.requests = []
        self.release = threading.Event()
        files = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                files.requests.append(self.path)
                if self.path == "/share":
                    self.send_response(307)
                    self.send_header("Location", "/export/bot.xlsx")
                    self.end_headers()
                elif self.path == "/hang":
                    files.release.wait(60)
                elif self.path == "/export/bot.xlsx":
                    if files.hang_export:
                        files.release.wait(60)
                    # One snapshot per answer: a test that swaps the file while a poll is being
                    # served must not send the old length with the new bytes (a torn download
                    # the engine rightly refuses, which made the polling test flaky in CI).
                    served, kind = files.content
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(served)))
                    self.end_headers()
                    self.wfile.write(served)
                else:
                    self.send_error(404)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, body, kind=XLSX):
        self.content = (body, kind)

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class LinkSourceTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.files = Files()
        self.files.serve(read(os.path.join(EXAMPLES, "business-card", "business-card.xlsx")))
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.files.close()
        self.sandbox.close()

    def start_bot(self, source, env=None, **content):
        config = os.path.join(self.sandbox.dir.name, "bot.toml")
        with open(config, "w") as f:
            f.write(f'[content]\nsource = "{source}"\n')
            for key, value in content.items():
                f.write(f"{key} = {value}\n")
        bot = Bot(self.sandbox, "--config", config, env=env)
        self.bots.append(bot)
        return bot

    def test_a_bot_runs_from_a_link_and_survives_a_workbook_that_crashes_the_parser(self):
        bot = self.start_bot(self.files.url("/share"))
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        ann.send("/start")
        ann.wait_text("wedding and portrait photographer")
        self.assertIn("/export/bot.xlsx", self.files.requests)  # the redirect was followed

        # The owner replaces the file behind the link with one that aborts liborcus: the admin
        # gets the reason, the bot process lives on and users keep the current content.
        self.files.serve(read(CRASH), ODS)
        admin.send("/reload")
        refused = admin.wait_text("keeps showing the previous content")
        self.assertIn("crashed on this file", body(refused))
        self.assertIn("save it again", body(refused))
        self.assertIsNone(bot.proc.poll())
        ann.send("/start")
        ann.wait_text("wedding and portrait photographer")

        # A sign-in page instead of the file (what Google answers for a sheet that is not shared).
        self.files.serve(b"<!DOCTYPE html><html>Sign in</html>", "text/html")
        admin.send("/reload")
        refused = admin.wait_text("returned a web page")
        self.assertIn("downloads the .xlsx, .ods or .csv file", body(refused))

        # Another workbook behind the same link: the FAQ bot.
        self.files.serve(read(os.path.join(EXAMPLES, "faq", "faq.xlsx")), XLSX)
        admin.send("/reload")
        admin.wait_text("Content reloaded")
        ann.send("/start")
        ann.wait_text("Hive Coworking")

    def test_polling_a_link_reloads_only_when_the_bytes_change(self):
        bot = self.start_bot(self.files.url("/export/bot.xlsx"), poll_interval=1)
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/start")
        ann.wait_text("wedding and portrait photographer")
        # Three polls of the same bytes: downloaded, not reloaded.
        wait_for(lambda: len(self.files.requests) >= 4, "three polls")
        self.assertNotIn("reload of", bot.output())
        self.files.serve(read(os.path.join(EXAMPLES, "faq", "faq.xlsx")))
        wait_for(lambda: "reload of" in bot.output(), "the polled reload")
        ann.send("/start")
        ann.wait_text("Hive Coworking")

    def test_a_start_while_the_link_is_down_uses_the_last_good_download(self):
        first = self.start_bot(self.files.url("/share"))
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        ann.send("/start")
        ann.wait_text("wedding and portrait photographer")
        self.assertEqual(first.terminate(), 0)

        self.files.serve(b"<html>Service Unavailable</html>", "text/html")
        second = self.start_bot(self.files.url("/share"))
        ann.send("/start")
        ann.wait_text("wedding and portrait photographer")
        self.assertIn("starting from the copy of its last good download", second.output())
        self.assertIn("returned a web page", second.output())

    def test_a_download_that_hangs_is_cut_off(self):
        bot = self.start_bot(self.files.url("/hang"), download_timeout=1)
        self.assertEqual(bot.wait_exit(), 2)
        self.assertIn("cannot download the spreadsheet: the download took longer than 1 s",
                      bot.output())

    def test_a_slow_update_does_not_hold_other_users_and_survives_a_crash(self):
        # An admin's /reload waits for a download that hangs: the update is parked after 2 s and
        # polling goes on, so Ann is answered meanwhile; a kill -9 while it is parked loses
        # nothing: the next run handles it again (issue 10, "one slow update holds polling").
        bot = self.start_bot(self.files.url("/export/bot.xlsx"))
        ann = Chat(self.sandbox, 1001, first_name="Ann")
        admin = Chat(self.sandbox, ADMIN, first_name="Admin")
        ann.send("/start")
        ann.wait_text("wedding and portrait photographer")
        self.files.hang_export = True
        admin.send("/reload")
        admin.wait_text("Reloading the content")
        ann.send("/start")  # held behind /reload without parking, until the download ends
        ann.wait_text("wedding and portrait photographer")
        wait_for(lambda: "parked, polling goes on" in bot.output(), "the slow update parked")
        stats = self.sandbox.control("GET", f"/control/stats?token={TOKEN}")
        self.assertEqual(stats["pending_updates"], 0, "the parked /reload was confirmed")

        bot.kill()
        self.files.hang_export = False
        second = self.start_bot(self.files.url("/export/bot.xlsx"),
                                env={"COREBOT_STORE_URI": "sqlite://" + bot.store_path})
        admin.wait_text("Content reloaded")
        self.assertIn("handing over 1 update(s) parked by the last run", second.output())
        self.files.release.set()

    def test_check_reads_links(self):
        good = subprocess.run([COREBOT, "check", self.files.url("/share")],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
        self.assertIn(self.files.url("/share") + ": OK, 4 pages", good.stdout)
        self.files.serve(read(CRASH), ODS)
        bad = subprocess.run([COREBOT, "check", self.files.url("/share")],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("crashed on this file", bad.stdout)


class CrashingFileTest(unittest.TestCase):
    """The same protection for a local file that an admin /reloads."""

    def test_reload_of_a_file_that_crashes_the_parser_keeps_the_bot(self):
        sandbox = Sandbox("--limits", "off")
        self.addCleanup(sandbox.close)
        path = os.path.join(sandbox.dir.name, "bot.ods")
        shutil.copy(os.path.join(ROOT, "tests", "fixtures", "content", "good.ods"), path)
        bot = Bot(sandbox, env={"COREBOT_CONTENT": path})
        self.addCleanup(bot.close)
        admin = Chat(sandbox, GOOD_ODS_ADMIN, first_name="Admin")
        admin.send("/start")
        admin.wait_text("Welcome to our café!")
        shutil.copy(CRASH, path)
        admin.send("/reload")
        refused = admin.wait_text("keeps showing the previous content")
        self.assertIn("bot.ods: the spreadsheet reader crashed on this file", body(refused))
        admin.send("/start")
        admin.wait_text("Welcome to our café!")
        self.assertIsNone(bot.proc.poll())


if __name__ == "__main__":
    unittest.main(verbosity=2)
