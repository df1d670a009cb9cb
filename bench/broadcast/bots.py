"""The bots under test: Corebot and the peer scripts in bench/peers/, started as processes.

Every bot gets the same inputs: the sandbox URL as its API root, the token, the admin user id, the
recipients file and the global rate its limiter (if any) should respect. A peer whose library is
not installed is reported as skipped with the reason, never crashes the run.
"""
import os
import signal
import subprocess
from dataclasses import dataclass

from sandbox import TOKEN

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = os.path.join(ROOT, "bench", "peers")
VENV_PYTHON = os.path.join(PEERS, ".venv", "bin", "python")
COREBOT = os.environ.get("COREBOT_BIN", os.path.join(ROOT, "build", "src", "cli", "corebot"))
ADMIN_TOKEN = "bench-admin-secret"


@dataclass
class BotSpec:
    name: str
    label: str
    kind: str  # "corebot", "node" or "python"
    script: str = ""
    needs: tuple = ()  # node packages or python modules that must be importable
    config: str = ""  # extra TOML for Corebot variants

    def missing(self) -> str:
        """Why this bot cannot run here, or '' when it can."""
        if self.kind == "corebot":
            return "" if os.access(COREBOT, os.X_OK) else f"{COREBOT} not built (scripts/build.sh corebot)"
        if self.kind == "node":
            for pkg in self.needs:
                if not os.path.isdir(os.path.join(PEERS, "node_modules", pkg)):
                    return f"npm package {pkg} not installed (run bench/peers/setup.sh)"
            return ""
        if not os.access(VENV_PYTHON, os.X_OK):
            return "bench/peers/.venv missing (run bench/peers/setup.sh)"
        probe = subprocess.run([VENV_PYTHON, "-c", "import " + ", ".join(self.needs)],
                               capture_output=True, text=True, check=False)
        if probe.returncode != 0:
            return f"python modules {', '.join(self.needs)} not importable: {probe.stderr.strip()[-200:]}"
        return ""


BOTS = [
    BotSpec("corebot", "Corebot", "corebot"),
    # The same engine without its per-update `users` write: what that write costs (issue: store).
    BotSpec("corebot-nousers", "Corebot, users not tracked", "corebot",
            config="[store]\ntrack_users = false\n"),
    # The same engine with its Bot API calls through libcurl's worker thread instead of our
    # keep-alive client on the event loop: what that client saves (issue 16).
    BotSpec("corebot-curl", "Corebot, calls through libcurl", "corebot",
            config='[telegram]\nhttp_client = "curl"\n'),
    BotSpec("grammy-throttler", "grammY + throttler + auto-retry", "node", "grammy-throttler.mjs",
            ("grammy", "@grammyjs/transformer-throttler", "@grammyjs/auto-retry", "@grammyjs/runner")),
    BotSpec("grammy-autoretry", "grammY + auto-retry", "node", "grammy-autoretry.mjs",
            ("grammy", "@grammyjs/auto-retry")),
    BotSpec("telegraf", "Telegraf", "node", "telegraf.mjs", ("telegraf",)),
    BotSpec("ptb", "python-telegram-bot + AIORateLimiter", "python", "ptb.py",
            ("telegram.ext", "aiolimiter")),
    BotSpec("aiogram", "aiogram 3", "python", "aiogram_peer.py", ("aiogram",)),
    BotSpec("telebot", "pyTelegramBotAPI", "python", "telebot_peer.py", ("telebot",)),
]
BY_NAME = {b.name: b for b in BOTS}


@dataclass
class RunParams:
    api_root: str
    admin_id: int
    recipients_file: str
    rate: int  # global sends/s the bot's limiter is told
    paid: bool = False
    admin_port: int = 0


def corebot_config(workdir: str, params: RunParams, extra: str = "") -> str:
    """A TOML file with the outbox limits of this run (the rest comes from the environment)."""
    path = os.path.join(workdir, "bot.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[outbox]\n")
        f.write(f"global_per_second = {params.rate}\n")
        f.write(f"paid_broadcast = {'true' if params.paid else 'false'}\n")
        f.write(extra)
    return path


def start(spec: BotSpec, workdir: str, params: RunParams) -> subprocess.Popen:
    """Starts the bot; its output goes to <workdir>/bot.log."""
    log = open(os.path.join(workdir, "bot.log"), "wb")
    env = dict(os.environ)
    if spec.kind == "corebot":
        env.update({
            "BOT_TOKEN": TOKEN,
            "COREBOT_API_URL": params.api_root,
            "COREBOT_STORE_URI": f"sqlite:///{workdir}/bot.db",
            "COREBOT_ADMIN_LISTEN": f"127.0.0.1:{params.admin_port}",
            "COREBOT_ADMIN_TOKEN": ADMIN_TOKEN,
            "COREBOT_LOG_LEVEL": "warn",
        })
        argv = [COREBOT, "run", "--config", corebot_config(workdir, params, spec.config)]
    else:
        env.update({
            "SANDBOX_API": params.api_root,
            "BOT_TOKEN": TOKEN,
            "ADMIN_ID": str(params.admin_id),
            "RECIPIENTS_FILE": params.recipients_file,
            "RATE": str(params.rate),
            "PYTHONUNBUFFERED": "1",
        })
        runner = "node" if spec.kind == "node" else VENV_PYTHON
        argv = [runner, os.path.join(PEERS, spec.script)]
    proc = subprocess.Popen(argv, cwd=PEERS if spec.kind != "corebot" else workdir, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = log.name
    log.close()
    return proc


def stop(proc: subprocess.Popen):
    """SIGTERM to the bot's process group, SIGKILL after 5 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def log_tail(proc: subprocess.Popen, chars: int = 600) -> str:
    """The end of the bot's output, for failure notes."""
    try:
        with open(proc.log_path, "rb") as f:
            data = f.read()
        return data[-chars:].decode(errors="replace").strip()
    except OSError:
        return ""
