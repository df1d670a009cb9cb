"""Invoices in the web chat as a person sees them (issue 13): the sandbox binary alone, a scripted
bot that sends a card invoice and a Telegram Stars invoice and confirms pre-checkout queries, and
headless Chromium pressing the Pay buttons. Saves invoice-before.png and invoice-after.png.
Run by scripts/ui-test.sh; usage: payments_ui.py OUT_DIR."""
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cdp import Browser  # noqa: E402
from harness import SANDBOX, http, wait_for  # noqa: E402
from webchat_ui import open_webchat, picture_png  # noqa: E402

TOKEN = "777001:corebot-shop-ui"
USER = 1001  # Ann, the page's first person


class ConfirmingBot(threading.Thread):
    """Long-polls the sandbox and confirms every pre-checkout query, as a shop would."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.api = f"{url}/bot{TOKEN}/"
        self.stopped = False

    def run(self):
        offset = 0
        while not self.stopped:
            status, answer = http("POST", self.api + "getUpdates", {"offset": offset, "timeout": 1})
            if status != 200:
                continue
            for update in answer["result"]:
                offset = update["update_id"] + 1
                if "pre_checkout_query" in update:
                    http("POST", self.api + "answerPreCheckoutQuery",
                         {"pre_checkout_query_id": update["pre_checkout_query"]["id"], "ok": True})


def serve_photo():
    """The shop's product photo at a local link (sendInvoice photo_url); the page loads it."""
    photo = picture_png()

    class Photo(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(photo)))
            self.end_headers()
            self.wfile.write(photo)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Photo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(out):
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="corebot-ui-pay-")
    port_file = os.path.join(work, "port")
    log = open(os.path.join(work, "sandbox.log"), "w+")
    sandbox = subprocess.Popen([os.path.abspath(SANDBOX), "--port", "0", "--port-file", port_file,
                                "--token", TOKEN, "--limits", "off"],
                               stdout=log, stderr=subprocess.STDOUT)
    port = int(wait_for(lambda: open(port_file).read().strip() if os.path.exists(port_file)
                        else None, "the sandbox port"))
    url = f"http://127.0.0.1:{port}"
    api = f"{url}/bot{TOKEN}/"
    http("POST", url + "/control/bots", {"token": TOKEN, "first_name": "Corner Shop",
                                         "username": "corner_shop_bot"})
    bot = ConfirmingBot(url)
    photos = serve_photo()
    browser = Browser(width=900, height=860)
    shot = lambda name: browser.screenshot(os.path.join(out, name))  # noqa: E731
    try:
        http("POST", url + "/control/updates/message",
             {"token": TOKEN, "user_id": USER, "first_name": "Ann", "text": "/buy"})
        http("POST", api + "sendMessage", {"chat_id": USER, "text": "Your order is ready to pay."})
        http("POST", api + "sendInvoice", {
            "chat_id": USER, "title": "Linen T-shirt", "description": "Size M, sand colour, 2 pcs",
            "payload": "order-1042", "provider_token": "284685063:TEST:sandbox", "currency": "EUR",
            "prices": [{"label": "Linen T-shirt × 2", "amount": 3980},
                       {"label": "Delivery", "amount": 490}],
            "photo_url": f"http://127.0.0.1:{photos.server_address[1]}/linen-tshirt.png"})
        http("POST", api + "sendInvoice", {
            "chat_id": USER, "title": "Photo presets", "description": "12 Lightroom presets (ZIP)",
            "payload": "order-1043", "provider_token": "", "currency": "XTR",
            "prices": [{"label": "Presets", "amount": 50}],
            "reply_markup": {"inline_keyboard": [[{"text": "Pay ⭐ 50", "pay": True}]]}})

        open_webchat(browser, url)
        browser.wait("T.has(0, 'Linen T-shirt') && T.has(0, 'Photo presets')",
                     "both invoices in the chat")
        assert browser.js("T.has(0, 'Total: 44.70 EUR')"), "the card total from minor units"
        assert browser.js("T.has(0, 'Total: ⭐ 50')"), "the Stars total"
        browser.wait("[...document.querySelectorAll('.invoice img')].some((i) => i.complete && "
                     "i.naturalWidth > 0)", "the invoice's product photo")
        shot("invoice-before.png")

        bot.start()
        browser.js("T.click(0, 'Pay 44.70 EUR')")
        browser.wait("[...document.querySelectorAll('.service')].some((s) => "
                     "s.textContent.includes('You paid 44.70 EUR'))", "the card payment")
        browser.js("T.click(0, 'Pay ⭐ 50')")
        browser.wait("[...document.querySelectorAll('.service')].some((s) => "
                     "s.textContent.includes('You paid ⭐ 50'))", "the Stars payment")
        browser.wait("T.count(0, '✅ Paid') === 2", "both invoices marked paid")
        shot("invoice-after.png")
        charges = http("GET", f"{url}/control/payments?token={TOKEN}")[1]["result"]["charges"]
        assert [c["total_amount"] for c in charges] == [4470, 50], charges
        print("payments ui test: all steps passed; screenshots in", out)
    except BaseException:
        shot("payments-failure.png")
        print("payments ui test: failed; the page as it was: payments-failure.png in", out)
        raise
    finally:
        bot.stopped = True
        photos.shutdown()
        browser.close()
        sandbox.terminate()
        sandbox.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/ui-test")
