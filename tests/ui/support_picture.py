"""The picture of docs/support.md: a customer's side of the support desk in the sandbox's web chat
(headless Chromium over CDP, like webchat_ui.py). The customer opens the desk, writes, an operator
answers from a forum topic (text and a photo), closes, and the customer rates.
Usage: support_picture.py OUT.png   (needs a build; run from the repository root)."""
import base64
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cdp import Browser  # noqa: E402
from content_helpers import EXAMPLES  # noqa: E402
from harness import TOKEN, Bot, Sandbox, wait_for  # noqa: E402
from webchat_ui import open_webchat, picture_png  # noqa: E402

GROUP, OPERATOR, CUSTOMER = -1001, 2001, 1001


def main(out):
    sandbox = Sandbox("--limits", "off")
    base = sandbox.dir.name
    content = os.path.join(base, "content")
    shutil.copytree(os.path.join(EXAMPLES, "business-card", "csv"), content)
    with open(os.path.join(content, "Admins.csv"), "w") as f:
        f.write("user,name,role\n2001,Olga,operator\n")
    config = os.path.join(base, "bot.toml")
    with open(config, "w") as f:
        f.write(f"[outbox]\ngroup_per_minute = 600\n[modules]\nenabled = [\"support\"]\n"
                f"[modules.support]\ngroup_id = {GROUP}\n")

    def in_group(**fields):
        return sandbox.control("POST", "/control/updates/message",
                               {"token": TOKEN, "user_id": OPERATOR, "chat_id": GROUP,
                                "first_name": "Olga", **fields})

    in_group(text="Good morning, team", is_forum=True)
    bot = Bot(sandbox, "--config", config, env={"COREBOT_CONTENT": content})
    browser = Browser(width=560, height=900)
    try:
        open_webchat(browser, sandbox.url, named=True)
        browser.js("T.type(0, '/support')")
        browser.wait("T.has(0, 'Write your question')", "the desk's greeting")
        browser.js("T.type(0, 'Hi! My order #42 has not arrived yet.')")
        browser.wait("T.has(0, 'Sent to our team')", "the confirmation")
        topic = wait_for(lambda: sandbox.control(
            "GET", f"/control/chats/topics?token={TOKEN}&chat_id={GROUP}"), "the topic")[0]
        thread = topic["message_thread_id"]
        in_group(text="Hello Ann! It left our warehouse this morning and arrives on Thursday.",
                 message_thread_id=thread)
        in_group(photo={"data": base64.b64encode(picture_png()).decode()},
                 caption="Your parcel on its way", message_thread_id=thread)
        browser.wait("T.has(0, 'arrives on Thursday') && T.has(0, 'Your parcel')",
                     "the operator's answers")
        in_group(text="/close", message_thread_id=thread)
        browser.wait("T.has(0, 'How did we do')", "the rating question")
        browser.js("T.click(0, '5 ⭐')")
        browser.wait("T.has(0, 'Your rating: 5/5')", "the thanks")
        browser.wait("!!T.pane(0).querySelector('.log img')", "the photo drawn")
        browser.screenshot(out)
    finally:
        browser.close()
        bot.close()
        sandbox.close()


if __name__ == "__main__":
    main(sys.argv[1])
