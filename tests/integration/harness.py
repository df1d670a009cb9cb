"""Drives the real `corebot` binary against the real sandbox over sockets.

Waiting is done by polling the sandbox's control API with long polls and generous deadlines
(readiness, not timing): a test never passes or fails because something was fast or slow.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

COREBOT = os.environ.get("COREBOT_BIN", "build/src/cli/corebot")
SANDBOX = os.environ.get("SANDBOX_BIN", "build/src/sandbox/corebot-sandbox")
DEADLINE = float(os.environ.get("COREBOT_TEST_DEADLINE", "20"))

TOKEN = "123456:TEST-token_for_integration"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            try:
                return resp.status, json.loads(raw or b"null")
            except ValueError:
                return resp.status, raw.decode(errors="replace")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")
    except (urllib.error.URLError, ConnectionError) as e:
        return 0, str(e)  # nothing listening (yet)


class Sandbox:
    def __init__(self, *extra_args, tokens=(TOKEN,)):
        self.dir = tempfile.TemporaryDirectory(prefix="corebot-it-")
        port_file = os.path.join(self.dir.name, "port")
        args = [SANDBOX, "--port", "0", "--port-file", port_file]
        for t in tokens:
            args += ["--token", t]
        args += list(extra_args)
        self.log = open(os.path.join(self.dir.name, "sandbox.log"), "w+")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.port = int(wait_for(lambda: _read(port_file), "sandbox port file"))
        self.url = f"http://127.0.0.1:{self.port}"
        self.seq = 0

    def control(self, method, path, body=None):
        status, answer = http(method, self.url + path, body)
        if status != 200 or not isinstance(answer, dict) or not answer.get("ok"):
            raise AssertionError(f"control {method} {path} -> {status} {answer}")
        return answer["result"]

    def message(self, user_id, text, **extra):
        return self.control("POST", "/control/updates/message",
                            {"token": TOKEN, "user_id": user_id, "text": text, **extra})

    def press(self, user_id, message_id, data):
        return self.control("POST", "/control/updates/callback",
                            {"token": TOKEN, "user_id": user_id, "message_id": message_id,
                             "data": data})

    def chat(self, chat_id):
        return self.control("GET", f"/control/chats/messages?token={TOKEN}&chat_id={chat_id}")

    def calls(self, since=0, wait_ms=0):
        return self.control("GET", f"/control/calls?token={TOKEN}&since={since}&wait_ms={wait_ms}")

    def wait_chat(self, chat_id, predicate, what):
        return wait_for(lambda: predicate(self.chat(chat_id)), what)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()
        self.dir.cleanup()


class Bot:
    """The engine binary (`binary`: COREBOT unless a test runs another, e.g. corebot-reminders)."""

    def __init__(self, sandbox, *args, env=None, token=TOKEN, binary=None):
        self.log_path = os.path.join(sandbox.dir.name, f"bot-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w+")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("COREBOT_")}
        self.store_path = os.path.join(sandbox.dir.name, f"bot-{time.monotonic_ns()}.db")
        full_env.update({"BOT_TOKEN": token, "COREBOT_API_URL": sandbox.url,
                         "COREBOT_LOG_LEVEL": "debug",
                         "COREBOT_STORE_URI": "sqlite://" + self.store_path})
        full_env.update(env or {})
        self.proc = subprocess.Popen([binary or COREBOT, "run", *args], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=full_env)

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_exit(self, timeout=DEADLINE):
        return self.proc.wait(timeout=timeout)

    def terminate(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=DEADLINE)

    def kill(self):
        """SIGKILL: no graceful stop, as in a crash."""
        if self.proc.poll() is None:
            self.proc.kill()
        return self.proc.wait(timeout=DEADLINE)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _read(path):
    try:
        with open(path) as f:
            text = f.read().strip()
            return text or None
    except FileNotFoundError:
        return None


def wait_for(probe, what, deadline=DEADLINE):
    """Calls probe until it returns something truthy; fails with `what` after the deadline."""
    end = time.monotonic() + deadline
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def bot_messages(messages):
    return [m for m in messages if m.get("from_bot")]


def headers_only(port, method, path, headers, content_length, timeout=DEADLINE):
    """Sends a request's headers announcing `content_length` bytes, and none of them; returns
    the status the server answers with (0: none before `timeout`). Shows that a server decided
    on the headers alone, before reading a body."""
    head = f"{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {content_length}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode())
        try:
            line = s.recv(4096).split(b"\r\n", 1)[0].split()
        except socket.timeout:
            return 0
    return int(line[1]) if len(line) > 1 else 0
