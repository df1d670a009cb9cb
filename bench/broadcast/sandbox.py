"""The sandbox process and a small client for its control API (docs/sandbox.md).

Each benchmark run of one bot gets a fresh sandbox process started with the same flags, so no
state, limiter history or call log leaks from one bot to the next.
"""
import http.client
import json
import os
import subprocess
import tempfile
import time
import urllib.parse

TOKEN = "123456:bench-token"


class SandboxError(RuntimeError):
    """The sandbox answered with ok=false or could not be reached."""


class Client:
    """A keep-alive JSON client for one host; one per thread (http.client is not thread-safe)."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method: str, path: str, body=None, headers=None):
        """Sends one request, reconnecting once if a kept-alive connection was closed."""
        data = None if body is None else json.dumps(body).encode()
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def control(self, method: str, path: str, body=None):
        """A control API call; returns `result` or raises SandboxError."""
        status, answer = self.request(method, path, body)
        if not answer or not answer.get("ok"):
            raise SandboxError(f"{method} {path}: HTTP {status} {answer}")
        return answer["result"]

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Sandbox:
    """A corebot-sandbox process on a free port, with limits as given."""

    def __init__(self, binary: str, workdir: str, limits: bool, global_rate: int):
        self.workdir = workdir
        port_file = os.path.join(workdir, "sandbox.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.log = open(os.path.join(workdir, "sandbox.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--port-file", port_file, "--token", TOKEN,
             "--limits", "on" if limits else "off", "--global-rate", str(global_rate),
             "--log-level", "warn"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.port = self._wait_port(port_file)
        self.client = Client(self.port)
        self.api_root = f"http://127.0.0.1:{self.port}"

    def _wait_port(self, port_file: str) -> int:
        """The sandbox writes its port atomically once it listens."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SandboxError(f"sandbox exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with open(port_file, encoding="utf-8") as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        raise SandboxError("sandbox did not write its port within 10 s")

    # Control API helpers -------------------------------------------------------------------

    def add_users(self, first_id: int, count: int):
        """Users who started the bot earlier: private chats exist, no update is queued."""
        return self.client.control("POST", "/control/users",
                                   {"token": TOKEN, "first_id": first_id, "count": count})

    def message(self, user_id: int, text: str, client: Client = None):
        """A user writes to the bot; returns {update_id, message_id}."""
        return (client or self.client).control(
            "POST", "/control/updates/message", {"token": TOKEN, "user_id": user_id, "text": text})

    def chat(self, chat_id: int, client: Client = None):
        return (client or self.client).control(
            "GET", f"/control/chats/messages?token={urllib.parse.quote(TOKEN)}&chat_id={chat_id}")

    def stats(self, chat_min: int = None, chat_max: int = None, client: Client = None):
        """Call counts per method and status, and bot-message counts over a chat id range."""
        query = f"token={urllib.parse.quote(TOKEN)}"
        if chat_min is not None:
            query += f"&chat_min={chat_min}&chat_max={chat_max}"
        return (client or self.client).control("GET", f"/control/stats?{query}")

    def close(self):
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def new_workdir(root: str, name: str) -> str:
    """A scratch folder per bot run (logs, config, database)."""
    return tempfile.mkdtemp(prefix=f"{name}-", dir=root)
