"""install.sh's token question through a real terminal (issue 14): a scripted pty types a
malformed token, a wrong one and the right one; each wrong answer is explained, the right one is
accepted by the sandbox's getMe, and the token never appears on the screen. Only
`install.sh --check-token` runs: nothing is installed."""
import os
import pty
import select
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import DEADLINE, TOKEN, Sandbox  # noqa: E402

INSTALL = os.path.join(os.path.dirname(__file__), "..", "..", "install.sh")
WRONG = "999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


class Terminal:
    """install.sh on a pseudo-terminal: its /dev/tty is this pty."""

    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve("/bin/bash", ["bash", INSTALL, *args], env)
        self.screen = ""

    def expect(self, text, times=1):
        """Waits until `text` has appeared `times` times in all."""
        end = time.monotonic() + DEADLINE
        while self.screen.count(text) < times:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; screen:\n{self.screen}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    chunk = ""
                if not chunk:
                    raise AssertionError(f"exited before {text!r}; screen:\n{self.screen}")
                self.screen += chunk
        return self.screen

    def type(self, line):
        os.write(self.fd, (line + "\n").encode())

    def wait(self):
        # Drain the rest of the output, then the exit status.
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], DEADLINE)
                chunk = os.read(self.fd, 4096).decode(errors="replace") if ready else ""
            except OSError:
                chunk = ""
            if not chunk:
                break
            self.screen += chunk
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


class InstallerPromptTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "dumb",
                    "COREBOT_API_URL": self.sandbox.url}

    def tearDown(self):
        self.sandbox.close()

    def test_wrong_tokens_are_explained_and_the_right_one_accepted(self):
        term = Terminal(["--check-token"], {**self.env, "LANG": "C.UTF-8"})
        term.expect("Paste your bot's token")
        term.type("my bot token")
        term.expect("That is not a bot token")
        term.expect("copy the whole line")
        term.expect("Paste your bot's token", times=2)
        term.type(WRONG)
        term.expect("Telegram does not accept this token")
        term.expect("/revoke")
        term.expect("Paste your bot's token", times=3)
        term.type(TOKEN)
        term.expect("Token accepted: this is @")
        self.assertEqual(term.wait(), 0, term.screen)
        self.assertNotIn(TOKEN, term.screen, "the token is never shown")
        self.assertNotIn(WRONG, term.screen)

    def test_russian_by_locale(self):
        term = Terminal(["--check-token"], {**self.env, "LANG": "ru_RU.UTF-8"})
        term.expect("Вставьте токен бота")
        term.type(WRONG)
        term.expect("Telegram не принимает этот токен")
        term.expect("Вставьте токен бота", times=2)
        term.type(TOKEN)
        term.expect("Токен принят")
        self.assertEqual(term.wait(), 0, term.screen)

    def test_non_interactive_wrong_token_explained_never_printed(self):
        done = subprocess.run(["bash", INSTALL, "--check-token", "--non-interactive"],
                              env={**self.env, "BOT_TOKEN": WRONG}, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertIn("Telegram does not accept this token", done.stderr)
        self.assertNotIn(WRONG, done.stdout + done.stderr)
        missing = subprocess.run(["bash", INSTALL, "--check-token", "--non-interactive"],
                                 env=self.env, capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("No token: set BOT_TOKEN or --token-file", missing.stderr)

    def test_unreachable_api_is_told_apart_from_a_wrong_token(self):
        done = subprocess.run(["bash", INSTALL, "--check-token", "--non-interactive"],
                              env={**self.env, "BOT_TOKEN": TOKEN,
                                   "COREBOT_API_URL": "http://127.0.0.1:9"},
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=60)
        self.assertEqual(done.returncode, 3)
        self.assertIn("Could not reach Telegram", done.stderr)
        self.assertNotIn(TOKEN, done.stdout + done.stderr)


if __name__ == "__main__":
    unittest.main()
