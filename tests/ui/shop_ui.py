"""The shop example in the web chat as a customer uses it (issue 13, docs/shop.md): the sandbox
and the engine with examples/shop, headless Chromium browsing a category, choosing a variant,
adding to the cart, checking out and paying by card with the invoice's Pay button. Saves
shop-catalog.png, shop-card.png, shop-summary.png and shop-paid.png (the pictures in
docs/images/). Run by scripts/ui-test.sh; usage: shop_ui.py OUT_DIR."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cdp import Browser  # noqa: E402
from harness import COREBOT, SANDBOX, http, wait_for  # noqa: E402
from webchat_ui import open_webchat  # noqa: E402

TOKEN = "777002:corebot-shop-example"
SHOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "shop"))


def main(out):
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="corebot-ui-shop-")
    port_file = os.path.join(work, "port")
    log = open(os.path.join(work, "sandbox.log"), "w+")
    sandbox = subprocess.Popen([os.path.abspath(SANDBOX), "--port", "0", "--port-file", port_file,
                                "--token", TOKEN, "--limits", "off"],
                               stdout=log, stderr=subprocess.STDOUT)
    port = int(wait_for(lambda: open(port_file).read().strip() if os.path.exists(port_file)
                        else None, "the sandbox port"))
    url = f"http://127.0.0.1:{port}"
    http("POST", url + "/control/bots", {"token": TOKEN, "first_name": "Tea & Mugs",
                                         "username": "tea_and_mugs_bot"})
    with open(os.path.join(work, "provider-token"), "w") as f:
        f.write("284685063:TEST:sandbox\n")
    config = os.path.join(work, "bot.toml")
    with open(config, "w") as f:
        f.write(f'[content]\nsource = "{os.path.join(SHOP, "shop.xlsx")}"\n'
                '[modules]\nenabled = ["shop"]\n'
                f'[modules.shop]\nprovider_token_file = "{os.path.join(work, "provider-token")}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("COREBOT_")}
    env.update({"BOT_TOKEN": TOKEN, "COREBOT_API_URL": url,
                "COREBOT_STORE_URI": "sqlite://" + os.path.join(work, "shop.db")})
    bot_log = open(os.path.join(work, "bot.log"), "w+")
    bot = subprocess.Popen([os.path.abspath(COREBOT), "run", "--config", config], env=env,
                           stdout=bot_log, stderr=subprocess.STDOUT)
    browser = Browser(width=900, height=900)
    shot = lambda name: browser.screenshot(os.path.join(out, name))  # noqa: E731
    try:
        open_webchat(browser, url)
        wait_for(lambda: [c for c in http("GET", f"{url}/control/calls?token={TOKEN}")[1]["result"]
                          if c["method"] == "setMyCommands"], "the bot connected")
        browser.js("T.type(0, '/shop')")
        browser.wait("T.has(0, 'Welcome to the shop')", "the shop's home")
        browser.js("T.click(0, 'Tea')")
        browser.wait("T.has(0, 'Tea:')", "the Tea category")
        browser.js("T.click(0, 'Green tea')")
        browser.wait("T.has(0, 'Page 1 of 2')", "the first page of green teas")
        shot("shop-catalog.png")
        browser.js("T.click(0, 'Matcha')")
        browser.wait("T.has(0, 'Stone-ground')", "the product card")
        browser.js("T.click(0, '100 g')")
        browser.wait("T.has(0, '24.00 EUR')", "the 100 g variant")
        browser.js("T.click(0, 'Add to cart')")
        browser.wait("T.has(0, 'Added to the cart')", "added")
        shot("shop-card.png")
        browser.js("T.click(0, 'Cart')")
        browser.wait("T.has(0, 'Your cart')", "the cart")
        browser.js("T.click(0, 'Checkout')")
        browser.wait("T.has(0, 'How should we deliver')", "the delivery options")
        browser.js("T.click(0, 'Courier')")
        browser.wait("T.has(0, 'Your name?')", "the name question")
        browser.js("T.type(0, 'Ann Lee')")
        browser.wait("T.has(0, 'Your phone number?')", "the phone question")
        browser.js("T.type(0, '+351 912 345 678')")
        browser.wait("T.has(0, 'The delivery address?')", "the address question")
        browser.js("T.type(0, 'Rua Augusta 1, Lisboa')")
        browser.wait("T.has(0, 'Your order:')", "the summary")
        shot("shop-summary.png")
        browser.js("T.click(0, 'Pay by card')")
        browser.wait("T.has(0, 'Order #1')", "the invoice")
        browser.js("T.click(0, 'Pay ')")
        browser.wait("T.has(0, 'Order #1 is placed')", "the receipt")
        shot("shop-paid.png")
        print("shop ui test: all steps passed; screenshots in", out)
    except BaseException:
        shot("shop-failure.png")
        print("shop ui test: failed; the page as it was: shop-failure.png in", out)
        raise
    finally:
        browser.close()
        bot.terminate()
        bot.wait(timeout=30)
        sandbox.terminate()
        sandbox.wait(timeout=30)
        log.close()
        bot_log.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/ui-test")
