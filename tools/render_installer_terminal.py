#!/usr/bin/env python3
"""Draws docs/images/installer-token-{en,ru}.png: install.sh's token question in a real terminal
(xterm on a virtual display), answered as a first-time owner might: something that is not a
token, a token Telegram refuses, then the right one, accepted. A real screenshot, not a drawing;
Telegram is the project's sandbox (`install.sh --check-token` installs nothing).

    python3 tools/render_installer_terminal.py [--sandbox build/src/sandbox/corebot-sandbox]

Needs (Debian): xvfb, xterm, xdotool, imagemagick. Documentation tooling only: neither CI nor the
tests run it. Takes about twenty seconds.
"""
import argparse
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "123456:TEST-token_for_integration"  # what the sandbox accepts (tests/integration)
REFUSED = "999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
DISPLAY = ":78"


def wait_for(predicate, what, seconds=20):
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit(f"render_installer_terminal: timed out waiting for {what}")
        time.sleep(0.1)


def screen_text(log):
    return open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""


def render(lang, api, work, out):
    log = os.path.join(work, f"screen-{lang}.log")
    # The installer's output also goes to a log (via script(1)) so the tool knows when to type.
    inner = (f"LANG={'ru_RU.UTF-8' if lang == 'ru' else 'C.UTF-8'} COREBOT_API_URL={api} "
             f"bash {ROOT}/install.sh --check-token --lang {lang}; sleep 60")
    env = dict(os.environ, DISPLAY=DISPLAY)
    term = subprocess.Popen(
        ["xterm", "-geometry", "124x14+0+0", "-fa", "DejaVu Sans Mono", "-fs", "11",
         "-bg", "#1e1e1e", "-fg", "#e6e6e6", "-bc", "-title", "root@vps: ~",
         "-e", "script", "-q", "-f", "-c", inner, log], env=env)
    question = {"en": "Paste your bot's token", "ru": "Вставьте токен бота"}[lang]
    try:
        for n, answer in enumerate(("my bot token", REFUSED, TOKEN), start=1):
            wait_for(lambda: screen_text(log).count(question) >= n, f"question {n}")
            time.sleep(0.5)
            subprocess.run(["xdotool", "type", "--delay", "20", answer + "\n"], env=env,
                           check=True)
        wait_for(lambda: "@sandbox_" in screen_text(log), "the accepted token")
        time.sleep(1)
        subprocess.run(["import", "-display", DISPLAY, "-window", "root", "-crop",
                        "+0+0", "-trim", out], check=True)
    finally:
        term.kill()
        term.wait()
    text = screen_text(log)
    if TOKEN in text or REFUSED in text:
        os.remove(out)  # a picture showing a token is not kept
        raise SystemExit("render_installer_terminal: a token was echoed to the screen")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sandbox", default=os.path.join(ROOT, "build/src/sandbox/corebot-sandbox"))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        port_file = os.path.join(work, "port")
        sandbox = subprocess.Popen([args.sandbox, "--port", "0", "--port-file", port_file,
                                    "--token", TOKEN, "--limits", "off"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1200x300x24"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(),
                     "the sandbox")
            api = f"http://127.0.0.1:{open(port_file).read().strip()}"
            time.sleep(1)
            for lang in ("en", "ru"):
                out = os.path.join(ROOT, "docs", "images", f"installer-token-{lang}.png")
                render(lang, api, work, out)
                print(f"wrote {os.path.relpath(out, ROOT)}")
        finally:
            xvfb.kill()
            sandbox.kill()


if __name__ == "__main__":
    main()
