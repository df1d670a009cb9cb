"""End to end: the real corebot binary against the sandbox over sockets (issue: foundation)."""
import os
import re
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Bot, Sandbox, TOKEN, bot_messages, free_port, headers_only,  # noqa: E402
                     http, wait_for)


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.bots = []

    def tearDown(self):
        for bot in self.bots:
            bot.close()
        self.sandbox.close()

    def start_bot(self, *args, **kwargs):
        bot = Bot(self.sandbox, *args, **kwargs)
        self.bots.append(bot)
        return bot

    def menu_of(self, chat_id):
        return self.sandbox.wait_chat(
            chat_id, lambda ms: [m for m in bot_messages(ms) if m.get("reply_markup")],
            "the menu")[0]

    def test_start_shows_menu_and_button_edits_in_place(self):
        self.start_bot()
        self.sandbox.message(1001, "/start")
        menu = self.menu_of(1001)
        self.assertIn("Welcome", menu["text"])
        first = menu["reply_markup"]["inline_keyboard"][0][0]
        self.assertEqual(first["callback_data"], "menu:about")

        pressed = self.sandbox.press(1001, menu["message_id"], "menu:about")
        edited = self.sandbox.wait_chat(
            1001, lambda ms: [m for m in ms if m["message_id"] == menu["message_id"]
                              and m.get("edited")], "the edited menu")[0]
        self.assertIn("spreadsheets", edited["text"])
        self.assertEqual(len(bot_messages(self.sandbox.chat(1001))), 1,
                         "the button edits the message in place, it does not send a new one")
        answers = wait_for(lambda: [c for c in self.sandbox.calls()
                                    if c["method"] == "answerCallbackQuery" and c["ok"]],
                           "the callback answer")
        self.assertEqual(answers[0]["params"]["callback_query_id"],
                         pressed["callback_query_id"])

    def test_the_store_file_is_the_bots_alone(self):
        # People's data: the SQLite file (and its WAL) 0600, whatever the umask (issue 10).
        bot = self.start_bot()
        self.sandbox.message(1002, "/start")
        self.menu_of(1002)
        self.assertEqual(os.stat(bot.store_path).st_mode & 0o777, 0o600)
        wal = bot.store_path + "-wal"
        if os.path.exists(wal):
            self.assertEqual(os.stat(wal).st_mode & 0o777, 0o600)

    def test_webhook_mode_end_to_end(self):
        port = free_port()
        bot = self.start_bot(env={"COREBOT_MODE": "webhook",
                                  "COREBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                                  "COREBOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                                  "COREBOT_WEBHOOK_SECRET": "s3cret-token"})
        wait_for(lambda: [c for c in self.sandbox.calls()
                          if c["method"] == "setWebhook" and c["ok"]], "setWebhook")
        self.sandbox.message(2002, "/start")
        self.assertIn("Welcome", self.menu_of(2002)["text"])
        # Our endpoint refuses a caller without the secret.
        status, _ = http("POST", f"http://127.0.0.1:{port}/telegram",
                         {"update_id": 1, "message": {"chat": {"id": 1}, "text": "/start"}})
        self.assertEqual(status, 401)
        # ... on its headers, without waiting for the body it announces (issue 10).
        self.assertEqual(headers_only(port, "POST", "/telegram",
                                      {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, 512 * 1024), 401)
        self.assertEqual(bot.terminate(), 0)

    def test_5xx_and_dropped_connections_are_retried_without_losing_the_reply(self):
        self.start_bot()
        self.sandbox.control("POST", "/control/faults",
                             {"method": "sendMessage", "kind": "status", "status": 502,
                              "count": 2})
        self.sandbox.control("POST", "/control/faults",
                             {"method": "sendMessage", "kind": "drop", "count": 1})
        self.sandbox.message(3003, "/start")
        self.menu_of(3003)
        sends = [c for c in self.sandbox.calls() if c["method"] == "sendMessage"]
        self.assertGreaterEqual(len(sends), 4, sends)
        self.assertEqual(len(bot_messages(self.sandbox.chat(3003))), 1, "delivered exactly once")

    def test_calls_ride_kept_alive_connections_and_libcurl_remains_a_choice(self):
        # Issue 16: the Bot API calls go through our own keep-alive client on the event loop;
        # `telegram.http_client = "curl"` (COREBOT_HTTP_CLIENT) switches back to libcurl.
        port = free_port()
        auth = {"Authorization": "Bearer admin-secret-for-tests"}
        base = f"http://127.0.0.1:{port}"

        def metric(name):
            text = http("GET", base + "/metrics", None, auth)[1]
            found = re.search(rf"(?m)^{name} (\d+)$", text)
            return int(found.group(1)) if found else None

        bot = self.start_bot(env={"COREBOT_ADMIN_LISTEN": f"127.0.0.1:{port}",
                                  "COREBOT_ADMIN_TOKEN": "admin-secret-for-tests"})
        wait_for(lambda: http("GET", base + "/health")[0] == 200, "the admin endpoint")
        for user in (7001, 7002, 7003):
            self.sandbox.message(user, "/start")
            self.menu_of(user)
        # getMe, getUpdates and three replies on a handful of connections, most calls reused.
        self.assertGreaterEqual(metric("corebot_bot_api_reused_total"), 3)
        self.assertLessEqual(metric("corebot_bot_api_connects_total"), 4)
        self.assertEqual(metric("corebot_bot_api_transport_failures_total"), 0)
        self.assertEqual(bot.terminate(), 0)

        self.start_bot(env={"COREBOT_ADMIN_LISTEN": f"127.0.0.1:{port}",
                            "COREBOT_ADMIN_TOKEN": "admin-secret-for-tests",
                            "COREBOT_HTTP_CLIENT": "curl"})
        wait_for(lambda: http("GET", base + "/health")[0] == 200, "the admin endpoint")
        self.sandbox.message(7004, "/start")
        self.assertIn("Welcome", self.menu_of(7004)["text"])
        self.assertIsNone(metric("corebot_bot_api_connects_total"), "libcurl has no such pool")

    def test_health_says_degraded_while_telegram_throttles_the_bot(self):
        # A 429 flood (429s for several chats within a second) cuts the outbox's bulk class for a
        # few seconds: /health says "degraded" and /admin/status why, and every reply still
        # arrives (issue 10; test_429_storm.py has the storm on a share of chats).
        port = free_port()
        self.start_bot(env={"COREBOT_ADMIN_LISTEN": f"127.0.0.1:{port}",
                            "COREBOT_ADMIN_TOKEN": "admin-secret-for-tests"})
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: http("GET", base + "/health")[0] == 200, "the admin endpoint")
        self.assertEqual(http("GET", base + "/health")[1]["result"]["status"], "ok")
        self.sandbox.control("POST", "/control/faults",
                             {"method": "sendMessage", "kind": "429", "retry_after": 1, "count": 4})
        users = [6001, 6002, 6003, 6004]
        for user in users:
            self.sandbox.message(user, "/start")
        wait_for(lambda: http("GET", base + "/health")[1]["result"]["status"] == "degraded",
                 "/health to say degraded")
        status, body = http("GET", base + "/admin/status", None,
                            {"Authorization": "Bearer admin-secret-for-tests"})
        self.assertEqual(status, 200, body)
        self.assertIn("429", " ".join(body["result"]["degraded_because"]))
        for user in users:
            self.menu_of(user)
        # The poller's figures (issue 16): once every reply left, nothing is left unconfirmed.
        auth = {"Authorization": "Bearer admin-secret-for-tests"}

        def metric(name):
            text = http("GET", base + "/metrics", None, auth)[1]
            found = re.search(rf"(?m)^{name} (\d+)$", text)
            return int(found.group(1)) if found else None

        wait_for(lambda: metric("corebot_poll_updates_in_hand") == 0, "no update left in hand")
        self.assertGreater(metric("corebot_poll_batches_total"), 0)
        self.assertIsNotNone(metric("corebot_poll_redelivered_skipped_total"))
        self.assertIsNotNone(metric("corebot_updates_parked_total"))

    def test_the_sandbox_control_api_refuses_other_web_pages(self):
        # A page the developer opens must not drive the sandbox: not across origins, not by DNS
        # rebinding (its own Host), not with a form's text/plain body (issue 10).
        url = self.sandbox.url + "/control/bots"
        status, body = http("GET", url, None, {"Origin": "https://evil.example"})
        self.assertEqual(status, 403, body)
        self.assertIn("refuses requests from other web pages", body["description"])
        status, body = http("GET", url, None, {"Host": "evil.example"})
        self.assertEqual(status, 403, body)
        req = urllib.request.Request(url, data=b"{}", method="POST",
                                     headers={"Content-Type": "text/plain"})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(refused.exception.code, 403)
        # The sandbox's own page (same origin) and local tools still work.
        status, body = http("GET", url, None, {"Origin": self.sandbox.url})
        self.assertEqual(status, 200, body)

    def test_wrong_token_stops_with_a_clear_message(self):
        bot = self.start_bot(token="999:not-registered")
        self.assertEqual(bot.wait_exit(), 2)
        self.assertIn("rejected the bot token", bot.output())

    def test_secrets_come_from_the_environment_or_a_file_never_the_command_line(self):
        # Anyone on the machine reads a process's arguments (ps, /proc): refused (issue 10).
        bot = self.start_bot("--token", TOKEN)
        self.assertEqual(bot.wait_exit(), 2)
        self.assertIn("can be read by every user of this machine", bot.output())
        # A file wins over BOT_TOKEN: a wrong token in it is what the engine uses.
        token_file = os.path.join(self.sandbox.dir.name, "token")
        with open(token_file, "w") as f:
            f.write("999:from-the-file\n")
        bot = self.start_bot("--token-file", token_file)
        self.assertEqual(bot.wait_exit(), 2)
        self.assertIn("rejected the bot token", bot.output())

    def test_malformed_and_unknown_updates_do_not_stop_other_chats(self):
        self.start_bot()
        self.sandbox.control("POST", "/control/updates/raw",
                             {"token": TOKEN, "update": {"brand_new_kind": {"x": 1}}})
        self.sandbox.control("POST", "/control/updates/raw",
                             {"token": TOKEN, "update": {"message": "not an object"}})
        self.sandbox.message(4004, "/start")
        self.assertIn("Welcome", self.menu_of(4004)["text"])

    def test_sigterm_drains_and_exits_cleanly(self):
        bot = self.start_bot()
        self.sandbox.message(5005, "/start")
        self.menu_of(5005)
        self.assertEqual(bot.terminate(), 0)
        self.assertIn("stopping", bot.output())
        # The long poll in flight had confirmed /start already: no second getUpdates ended it
        # with 409 "terminated by other getUpdates request", and nothing is left to re-deliver.
        conflicts = [c for c in self.sandbox.calls() if c["http_status"] == 409]
        self.assertEqual(conflicts, [], "the engine's own getUpdates collided at shutdown")
        stats = self.sandbox.control("GET", f"/control/stats?token={TOKEN}")
        self.assertEqual(stats["pending_updates"], 0)

    def test_broken_config_names_file_and_line(self):
        path = os.path.join(self.sandbox.dir.name, "bot.toml")
        with open(path, "w") as f:
            f.write("[telegram]\ntoken = \"1:a\"\nspeed = 3\n")
        bot = self.start_bot("--config", path)
        self.assertEqual(bot.wait_exit(), 2)
        self.assertIn(f"{path}:3:1: unknown setting 'telegram.speed'", bot.output())


if __name__ == "__main__":
    unittest.main(verbosity=2)
