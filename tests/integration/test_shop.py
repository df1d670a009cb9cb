"""The shop example end to end against the sandbox (docs/shop.md): browse in place, search, a cart
across a restart, checkout with pay on delivery, card and Stars payments through the sandbox's
payment flow, a refund, a declined card whose reservation expires, two customers racing for the
last item, staff changing a status, the orders export, and `corebot check` on broken shop sheets.
"""
import concurrent.futures
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unittest
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT, DEADLINE, TOKEN, Bot, Sandbox, bot_messages, wait_for  # noqa: E402
from content_helpers import EXAMPLES, Chat, body, callbacks, leads  # noqa: E402

SHOP = os.path.join(EXAMPLES, "shop")
OWNER = 1009     # Admins: admin
OPERATOR = 1010  # Admins: operator


def read_xlsx(data):
    """Rows of the first sheet of an XLSX file, as text (zipfile: no openpyxl needed)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        xml = z.read("xl/sharedStrings.xml").decode()
        strings = [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    rows = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", sheet, re.S):
        cells = {}
        for attrs, inner in re.findall(r"<c([^>]*)>(.*?)</c>", row, re.S):
            value = re.search(r"<v>(.*?)</v>", inner, re.S)
            text = value.group(1) if value else re.sub(r"<[^>]+>", "", inner)
            letters = re.search(r'r="([A-Z]+)', attrs).group(1)
            column = 0
            for ch in letters:  # "B" -> 1, "AA" -> 26 (cells are sparse: empty ones are absent)
                column = column * 26 + ord(ch) - ord("A") + 1
            cells[column - 1] = strings[int(text)] if 't="s"' in attrs else text
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


class ShopTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--limits", "off")
        self.addCleanup(self.sandbox.close)
        self.dir = self.sandbox.dir.name
        token = os.path.join(self.dir, "provider-token")
        with open(token, "w") as f:
            f.write("284685063:TEST:sandbox-provider\n")
        self.config = os.path.join(self.dir, "bot.toml")
        with open(self.config, "w") as f:
            f.write(f'[content]\nsource = "{os.path.join(SHOP, "shop.xlsx")}"\n'
                    '[outbox]\nprivate_per_second = 1000\n'
                    '[modules]\nenabled = ["shop"]\n'
                    f'[modules.shop]\nprovider_token_file = "{token}"\nreservation_seconds = 3\n')
        self.store = os.path.join(self.dir, "shop.db")
        # The staff started the bot earlier: new orders can reach them.
        self.sandbox.control("POST", "/control/users", {"token": TOKEN, "user_ids": [OWNER, OPERATOR]})
        self.bot = None
        self.start_bot()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        self.addCleanup(self.pool.shutdown)

    def start_bot(self):
        self.bot = Bot(self.sandbox, "--config", self.config,
                       env={"COREBOT_STORE_URI": "sqlite://" + self.store})
        self.addCleanup(self.bot.close)
        wait_for(lambda: [c for c in self.sandbox.calls() if c["method"] == "setMyCommands"]
                 or self.bot.proc.poll() is not None, "the bot connected")
        self.assertIsNone(self.bot.proc.poll(), self.bot.output())

    def orders(self):
        return sorted(leads(self.store, "shop.orders"), key=lambda o: o["_id"])

    def chat(self, user, **profile):
        profile.setdefault("first_name", f"User{user}")
        return Chat(self.sandbox, user, **profile)

    def press_and_wait(self, chat, message, data, fragment):
        chat.press(message, data)
        return chat.wait(lambda m: fragment in body(m) and not m.get("deleted"), fragment)

    PATHS = {"sencha": ["tea", "green"], "matcha": ["tea", "green"], "guide": ["guides"]}

    def live_with(self, chat, data):
        """The latest bot message still in the chat with a button carrying `data`."""
        return wait_for(lambda: ([m for m in bot_messages(self.sandbox.chat(chat.user))
                                  if data in callbacks(m) and not m.get("deleted")] or [None])[-1],
                        f"a message with {data}")

    def add_to_cart(self, chat, product, variant=0, qty=1):
        """/shop, then category by category to the product, its variant and quantity, Add."""
        chat.send("/shop")
        screen = chat.wait_text("Welcome to the shop")
        for category in self.PATHS[product]:
            chat.press(screen, f"shop:c:{category}:0")
            screen = chat.wait(lambda m: f"shop:p:{product}:0:1" in callbacks(m)
                               or any(d.startswith("shop:c:") and d != f"shop:c:{category}:0"
                                      for d in callbacks(m)) and not m.get("deleted"), category)
        target = f"shop:p:{product}:{variant}:{qty}"
        chat.press(screen, f"shop:p:{product}:0:1")
        card = chat.wait(lambda m: f"shop:a:{product}:0:1" in callbacks(m) and not m.get("deleted"),
                         "the product card")
        if target != f"shop:p:{product}:0:1":
            chat.press(card, target)
            card = chat.wait(lambda m: f"shop:a:{product}:{variant}:{qty}" in callbacks(m)
                             and not m.get("deleted"), "the variant and quantity")
        chat.press(card, f"shop:a:{product}:{variant}:{qty}")
        # The card itself says so (edited in place).
        return chat.wait(lambda m: "Added to the cart" in body(m) and not m.get("deleted"),
                         "added to the cart")

    def checkout(self, chat, delivery=0):
        live = [m for m in bot_messages(self.sandbox.chat(chat.user)) if not m.get("deleted")]
        carts = [m for m in live if "shop:o" in callbacks(m)]
        if carts:
            cart = carts[-1]
        else:
            chat.press(self.live_with(chat, "shop:k"), "shop:k")
            cart = chat.wait(lambda m: "shop:o" in callbacks(m) and not m.get("deleted"), "the cart")
        chat.press(cart, "shop:o")
        options = chat.wait(lambda m: "shop:d:0" in callbacks(m), "the delivery options")
        chat.press(options, f"shop:d:{delivery}")
        chat.wait_text("Your name?")
        chat.send("Ann Lee")
        chat.wait_text("phone number")
        chat.contact("+351 912 345 678")
        if delivery == 0:
            chat.wait_text("delivery address")
            chat.send("Rua Augusta 1, Lisboa")
        return chat.wait(lambda m: "shop:q" in callbacks(m) and "Your order" in body(m), "summary")

    def pay(self, user, invoice, **extra):
        body_ = {"token": TOKEN, "user_id": user, "message_id": invoice["message_id"], **extra}
        return self.sandbox.control("POST", "/control/payments/pay", body_)

    # --- Tests ---------------------------------------------------------------------------

    def test_browse_search_cart_across_restart_cash_order_and_status(self):
        ann = self.chat(2001, first_name="Ann")
        ann.send("/start")
        start = ann.wait(lambda m: "shop:home" in callbacks(m), "the start page")
        home = self.press_and_wait(ann, start, "shop:home", "Welcome to the shop")
        self.assertEqual(home["message_id"], start["message_id"], "edited in place")
        tea = self.press_and_wait(ann, home, "shop:c:tea:0", "Tea:")
        green = self.press_and_wait(ann, tea, "shop:c:green:0", "Page 1 of 2")
        page2 = self.press_and_wait(ann, green, "shop:c:green:1", "Page 2 of 2")
        self.assertEqual(page2["message_id"], home["message_id"], "paging never floods the chat")
        self.assertIn("shop:p:longjing:0:1", callbacks(page2))
        # Search, ignoring case, Cyrillic too.
        ann.press(page2, "shop:s")
        ann.wait_text("Type a product name")
        ann.send("ИВАН")
        found = ann.wait(lambda m: "shop:p:ivan:0:1" in callbacks(m), "the search result")
        ann.press(found, "shop:p:ivan:0:1")
        ann.wait_text("Fermented fireweed")
        # A photo card, then two Sencha into the cart.
        card = self.add_to_cart(ann, "sencha", qty=2)
        self.assertTrue(card.get("photo"), "the product card is a photo")
        # A restart: the cart is in the store.
        self.assertEqual(self.bot.terminate(), 0)
        self.start_bot()
        ann.press(self.live_with(ann, "shop:k"), "shop:k")
        cart = ann.wait_text("Sencha × 2 — 13.00 EUR")
        self.assertIn("Total: 13.00 EUR", body(cart))
        # Checkout, pick up at the shop, pay on delivery.
        summary = self.checkout(ann, delivery=1)
        self.assertIn("Pickup at the shop — 0.00 EUR", body(summary))
        self.assertIn("shop:$:cash", callbacks(summary))
        ann.press(summary, "shop:$:cash")
        ann.wait_text("Order #1 is placed")
        [order] = self.orders()
        self.assertEqual((order["status"], order["total"], order["method"]), ("new", 1300, "cash"))
        # The staff get it at once, with status buttons; the operator moves it on.
        staff = Chat(self.sandbox, OPERATOR)
        new = staff.wait(lambda m: "New order #1" in body(m), "the order at the operator")
        Chat(self.sandbox, OWNER).wait(lambda m: "New order #1" in body(m), "the order at the admin")
        staff.press(new, "shop:t:1:2")
        ann.wait_text("Order #1: the status is now “shipped”.")
        wait_for(lambda: self.orders()[0]["status"] == "shipped", "the status stored")
        self.assertEqual([h["status"] for h in self.orders()[0]["history"]], ["new", "shipped"])
        ann.send("/shop")
        home = ann.wait_text("Welcome to the shop")
        ann.press(home, "shop:m")
        ann.wait_text("#1 · 13.00 EUR · shipped · cash")

    def test_card_payment_declined_card_releases_stock_then_paid(self):
        ann, bob = self.chat(2101, first_name="Ann"), self.chat(2102, first_name="Bob")
        # Matcha 100 g: the last one in stock, in both carts.
        self.add_to_cart(ann, "matcha", variant=1)
        self.add_to_cart(bob, "matcha", variant=1)
        summary = self.checkout(ann)
        ann.press(summary, "shop:$:card")
        invoice = ann.wait(lambda m: m.get("invoice"), "the invoice")
        self.assertEqual(invoice["invoice"]["currency"], "EUR")
        # The card is declined: no payment; the reservation holds the item meanwhile.
        self.assertEqual(self.pay(2101, invoice, decline=True)["status"], "card_declined")
        bob_summary = self.checkout(bob, delivery=1)
        bob.press(bob_summary, "shop:$:cash")
        bob.wait_text("only 0 left of Matcha (100 g)")
        # The reservation expires (reservation_seconds = 3 in this config): the stock is back.
        wait_for(lambda: self.orders() and self.orders()[0]["status"] == "expired",
                 "the reservation expired", deadline=DEADLINE + 10)
        bob.press(self.live_with(bob, "shop:k"), "shop:k")
        cart = bob.wait(lambda m: "shop:o" in callbacks(m), "the cart")
        bob.press(cart, "shop:o")
        options = bob.wait(lambda m: "shop:d:0" in callbacks(m), "delivery")
        bob.press(options, "shop:d:0")
        bob.wait_text("Your name?")
        bob.send("Bob")
        bob.wait_text("phone number")
        bob.send("+351 900 000 000")
        bob.wait_text("delivery address")
        bob.send("Rua Nova 2")
        summary = bob.wait(lambda m: "shop:$:card" in callbacks(m), "the summary")
        bob.press(summary, "shop:$:card")
        invoice = bob.wait(lambda m: m.get("invoice"), "Bob's invoice")
        # Courier chosen at checkout: the shipping query offers it first, the sandbox takes it.
        result = self.pay(2102, invoice)
        self.assertEqual(result["status"], "paid", result)
        self.assertEqual(result["total_amount"], 2400 + 490)
        bob.wait_text("Order #2 is placed")
        order = self.orders()[1]
        self.assertEqual((order["status"], order["paid"]), ("new", True))
        self.assertEqual(order["telegram_payment_charge_id"], result["telegram_payment_charge_id"])
        self.assertEqual(order["delivery"]["name"], "Courier")
        Chat(self.sandbox, OWNER).wait(lambda m: "New order #2" in body(m), "the paid order")

    def test_two_customers_race_for_the_last_item(self):
        ann, bob = self.chat(2201, first_name="Ann"), self.chat(2202, first_name="Bob")
        summaries = []
        for c in (ann, bob):
            self.add_to_cart(c, "matcha", variant=1)
            summaries.append(self.checkout(c, delivery=1))
        presses = [self.pool.submit(c.press, s, "shop:$:cash") for c, s in zip((ann, bob), summaries)]
        for p in presses:
            p.result()
        wait_for(lambda: any("Order #1" in body(m) for c in (ann, bob)
                             for m in bot_messages(self.sandbox.chat(c.user)))
                 and any("only 0 left" in body(m) for c in (ann, bob)
                         for m in bot_messages(self.sandbox.chat(c.user))), "one order, one refusal")
        self.assertEqual(len(self.orders()), 1)

    def test_stars_digital_item_redelivered_payment_refund_and_export(self):
        ann = self.chat(2301, first_name="Ann")
        self.add_to_cart(ann, "guide")
        ann.press(self.live_with(ann, "shop:k"), "shop:k")
        cart = ann.wait(lambda m: "shop:o" in callbacks(m), "the cart")
        ann.press(cart, "shop:o")
        summary = ann.wait(lambda m: "shop:$:stars" in callbacks(m), "the summary")
        self.assertEqual(callbacks(summary), ["shop:$:stars", "shop:q"])
        ann.press(summary, "shop:$:stars")
        invoice = ann.wait(lambda m: m.get("invoice"), "the Stars invoice")
        self.assertEqual(invoice["invoice"]["currency"], "XTR")
        self.assertEqual(invoice["invoice"]["total_amount"], 50)
        result = self.pay(2301, invoice)
        self.assertEqual(result["status"], "paid", result)
        ann.wait_text("https://example.com/shop/brewing-guide.pdf")
        # Telegram repeats the successful_payment update: recorded once, no second receipt.
        receipts = lambda: [m for m in bot_messages(self.sandbox.chat(2301))  # noqa: E731
                            if "Order #1 is placed" in body(m)]
        wait_for(receipts, "the receipt")
        self.sandbox.control("POST", "/control/updates/raw", {"token": TOKEN, "update": {"message": {
            "message_id": 99999, "date": 1700000000,
            "chat": {"id": 2301, "type": "private", "first_name": "Ann"},
            "from": {"id": 2301, "is_bot": False, "first_name": "Ann"},
            "successful_payment": {"currency": "XTR", "total_amount": 50,
                                   "invoice_payload": "order:1",
                                   "telegram_payment_charge_id": result["telegram_payment_charge_id"],
                                   "provider_payment_charge_id": ""}}}})
        ann.send("/shop")  # handled after the redelivered update (one chat, in order)
        ann.wait_text("Welcome to the shop")
        self.assertEqual(len(receipts()), 1)
        self.assertEqual(len(leads(self.store, "shop.payments")), 1)
        # The admin refunds the Stars from the order's message.
        owner = Chat(self.sandbox, OWNER)
        new = owner.wait(lambda m: "shop:f:1" in callbacks(m), "the paid order with a refund button")
        owner.press(new, "shop:f:1")
        ann.wait_text("Order #1: your payment was refunded.")
        wait_for(lambda: self.orders()[0]["status"] == "refunded", "refunded")
        refunds = [c for c in self.sandbox.calls() if c["method"] == "refundStarPayment" and c["ok"]]
        self.assertEqual(len(refunds), 1)
        # The orders export, read back.
        owner.send("/admin")
        menu = owner.wait(lambda m: "admin:exports" in callbacks(m), "the admin menu")
        self.assertIn("shop:adm", callbacks(menu))
        owner.press(menu, "admin:exports")
        exports = owner.wait(lambda m: "admin:export:m:shop:orders" in callbacks(m), "exports")
        owner.press(exports, "admin:export:m:shop:orders")
        doc = owner.wait(lambda m: m.get("document"), "the orders export")
        file_id = doc["document"] if isinstance(doc["document"], str) else doc["document"]["file_id"]
        url = f"{self.sandbox.url}/bot{TOKEN}/getFile?file_id={file_id}"
        with urllib.request.urlopen(url, timeout=30) as r:
            path = json.loads(r.read())["result"]["file_path"]
        with urllib.request.urlopen(f"{self.sandbox.url}/file/bot{TOKEN}/{path}", timeout=30) as r:
            rows = read_xlsx(r.read())
        header = rows[0]
        self.assertEqual(header[0], "_id")
        first = dict(zip(header, rows[1]))
        self.assertEqual(first["_id"], "1")
        self.assertEqual(first["status"], "refunded")
        self.assertEqual(first["currency"], "XTR")

    def test_check_reports_mistakes_in_the_shop_sheets(self):
        broken = os.path.join(self.dir, "broken")
        shutil.copytree(os.path.join(SHOP, "csv"), broken)
        with open(os.path.join(broken, "Products.csv"), "a", encoding="utf-8") as f:
            f.write("bad,nowhere,Bad,,12.5x,,,,,,,\n")
        out = subprocess.run([COREBOT, "check", broken], capture_output=True, text=True)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn('Products!E16: "12.5x" is not a price in EUR — write it like 12.50', out.stdout)
        self.assertIn('Products!B16: category "nowhere" is not in the Categories sheet', out.stdout)
        good = subprocess.run([COREBOT, "check", os.path.join(SHOP, "shop.xlsx")],
                              capture_output=True, text=True)
        self.assertEqual(good.returncode, 0, good.stdout + good.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
