"""The web chat checked as a person would use it: headless Chromium drives the page of
`corebot demo` (the business-card example) — /start, buttons, the request form with a photo, the
lead at both admins, the command menu, a group, and a restart of the demo with the tab open —
and saves a screenshot of each step. Run by scripts/ui-test.sh; usage: webchat_ui.py OUT_DIR."""
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cdp import Browser  # noqa: E402
from harness import COREBOT, free_port, http, wait_for  # noqa: E402

# Page helpers, in every document the tab loads. Pane 0 is the user's side, pane 1 the admins'.
HELPERS = r"""
window.T = {
  pane(i) { return document.querySelectorAll(".pane")[i]; },
  texts(i) { return [...T.pane(i).querySelectorAll(".log .msg")].map((m) => m.innerText); },
  has(i, s) { return T.texts(i).some((t) => t.includes(s)); },
  count(i, s) { return T.texts(i).filter((t) => t.includes(s)).length; },
  click(i, label) {
    const b = [...T.pane(i).querySelectorAll(".log button, .keyboard button, .menu div")]
        .reverse().find((x) => x.textContent.includes(label));
    if (!b) return false;
    b.click();
    return true;
  },
  type(i, text) {
    const p = T.pane(i);
    p.querySelector(".text").value = text;
    p.querySelector("form").requestSubmit();
    return true;
  },
  select(i, cls, value) {
    const s = T.pane(i).querySelector("." + cls);
    s.value = value;
    s.dispatchEvent(new Event("change"));
    return true;
  },
};
"""


def open_webchat(browser, url, named=False):
    """Loads the sandbox's web chat at `url` with the helpers above (window.T) and waits for its
    first pane; `named`: also for the bot's name in the chat header (the bot has connected)."""
    browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": HELPERS})
    browser.navigate(url + "/")
    browser.wait("window.T && !!T.pane(0)", "the chat pane")
    if named:
        browser.wait("document.querySelector('.chathead .name').textContent.length > 0",
                     "the bot's name")


def picture_png(width=360, height=220):
    """A small landscape (sky, sea, sand) as PNG bytes, made with the standard library."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            if y < height * 0.55:
                rows += bytes((120 + y // 3, 170 + y // 4, 235))
            elif y < height * 0.75:
                rows += bytes((30, 90 + (x * 7 + y * 3) % 40, 150))
            else:
                rows += bytes((230, 205, 150 - (x + y) % 20))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b""))


class Demo:
    def __init__(self, port, work):
        self.log = open(os.path.join(work, f"demo-{time.monotonic_ns()}.log"), "w+")
        env = {k: v for k, v in os.environ.items() if not k.startswith("COREBOT_")}
        self.proc = subprocess.Popen([os.path.abspath(COREBOT), "demo", "--port", str(port)], cwd=work,
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_for(lambda: http("GET", f"http://127.0.0.1:{port}/control/health")[0] == 200,
                 "the demo's web chat", deadline=60)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def main(out):
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="corebot-ui-")
    port = free_port()
    demo = Demo(port, work)
    browser = Browser()
    shot = lambda name: browser.screenshot(os.path.join(out, name))  # noqa: E731
    try:
        open_webchat(browser, f"http://127.0.0.1:{port}")
        browser.wait("document.querySelectorAll('.pane').length === 2",
                     "the user's and the admins' panes")
        browser.wait("document.querySelector('.chathead .name').textContent.includes('Anna')",
                     "the bot's name in the chat header")

        # The user's side: /start, the photo page, a text page that replaces it.
        browser.js("T.type(0, '/start')")
        browser.wait("T.has(0, 'photographer in Lisbon')", "the start page")
        browser.wait("!!T.pane(0).querySelector('.log img, .log .placeholder')",
                     "the start page's picture or its placeholder")
        shot("01-start.png")
        browser.js("T.click(0, 'Prices')")
        browser.wait("T.has(0, 'Portrait session')", "the prices page")
        browser.wait("T.count(0, 'photographer in Lisbon') === 0", "the photo page replaced")
        browser.js("T.click(0, 'Back')")
        browser.wait("T.has(0, 'photographer in Lisbon') && !T.has(0, 'Portrait session')",
                     "the start page again, once")
        assert browser.js("T.count(0, 'photographer in Lisbon')") == 1, "no copies"

        # The command menu from setMyCommands.
        browser.js("T.pane(0).querySelector('.slash').click()")
        browser.wait("T.pane(0).querySelector('.menu').style.display === 'block'", "the menu")
        shot("02-command-menu.png")
        browser.js("T.pane(0).querySelector('.slash').click()")

        # The request form, with a photo uploaded through the page.
        browser.js("T.click(0, 'Leave a request')")
        browser.wait("T.has(0, 'What is your name?')", "the first question")
        browser.js("T.type(0, 'Maria Lopes')")
        browser.wait("T.click(0, 'Share my phone number')", "the contact button")
        browser.wait("T.has(0, 'Your e-mail')", "the e-mail question")
        browser.js("T.click(0, 'Skip')")
        browser.wait("T.click(0, 'Wedding')", "the shoot choice")
        browser.wait("T.has(0, 'Which date?')", "the date question")
        browser.js("T.type(0, '14.06.2025')")
        browser.wait("T.has(0, 'A photo you like')", "the photo question")
        picture = os.path.join(work, "venue.png")
        with open(picture, "wb") as f:
            f.write(picture_png())
        browser.set_files(".pane .file", [picture])
        browser.wait("T.has(0, 'Please check your answers')", "the summary")
        shot("03-form-summary.png")
        browser.js("T.click(0, 'Send')")
        browser.wait("T.has(0, 'We have received your request')", "the thanks")

        # The admins' side: the assistant (listed by id) has the lead at once.
        browser.wait("T.has(1, 'New request (request) from Ann')", "the lead at the admin")
        shot("04-lead-at-admin.png")
        # Anna is listed by @username: her lead waits until she writes, then arrives.
        browser.js("T.select(1, 'user', '2001')")
        browser.wait("T.pane(1).querySelector('.user').value === '2001'", "Anna chosen")
        time.sleep(0.5)
        browser.js("T.type(1, '/start')")
        browser.wait("T.has(1, 'New request (request) from Ann')", "the kept lead at Anna")

        # A group: others' messages on the left, with their names.
        browser.js("T.select(0, 'chat', '-100')")
        time.sleep(0.5)
        http("POST", f"http://127.0.0.1:{port}/control/updates/message",
             {"token": "1000000001:corebot-demo-token", "user_id": 1002, "chat_id": -100,
              "first_name": "Bob", "text": "Hi all, who has been to the studio?"})
        browser.js("T.type(0, 'Me, last week!')")
        browser.wait("T.has(0, 'Bob') && T.has(0, 'Me, last week!')", "the group messages")
        shot("05-group.png")
        browser.js("T.select(0, 'chat', 'private')")
        time.sleep(0.5)

        # The simulated user's language: the bot answers in Russian.
        browser.js("T.select(0, 'lang', 'ru')")
        browser.js("T.type(0, 'hello?')")
        browser.wait("T.has(0, 'Извините, не поняла')", "the answer in Russian")
        browser.js("T.select(0, 'lang', 'en')")
        # Reset chat forgets the messages.
        browser.js("T.pane(0).querySelector('.reset').click()")
        browser.wait("T.texts(0).length === 0 && !!T.pane(0).querySelector('.log .empty')",
                     "an empty chat after Reset chat")

        # The demo restarts with the tab open: the page notices and the bot answers again.
        demo.stop()
        browser.wait("document.getElementById('status').textContent.includes('connection lost')",
                     "the page noticing the restart")
        demo = Demo(port, work)
        browser.wait("document.getElementById('status').textContent === ''",
                     "the page reconnected", deadline=40)
        browser.js("T.type(0, '/start')")
        browser.wait("T.has(0, 'photographer in Lisbon')", "a reply after the restart",
                     deadline=40)
        shot("06-after-restart.png")
        print("ui test: all steps passed; screenshots in", out)
    except BaseException:
        shot("failure.png")
        print("ui test: failed; the page as it was: failure.png in", out)
        raise
    finally:
        browser.close()
        demo.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/ui-test")
