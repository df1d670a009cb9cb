"""Payments in the sandbox binary alone (issue 13): a tiny scripted bot talks the Bot API over HTTP
(sendInvoice, getUpdates, answerShippingQuery, answerPreCheckoutQuery, refundStarPayment,
getStarTransactions) while the test plays the user with POST /control/payments/pay. No engine.

The sandbox runs with --manual-clock: the 10-second answer deadline passes only when the test
advances the clock, so nothing here depends on how fast the machine is.
"""
import concurrent.futures
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import DEADLINE, Sandbox, TOKEN, http  # noqa: E402

USER = 4242


class ScriptedBot:
    """The bot's side, one HTTP call at a time."""

    def __init__(self, sandbox):
        self.api = f"{sandbox.url}/bot{TOKEN}/"
        self.offset = 0

    def call(self, method, **params):
        return http("POST", self.api + method, params)

    def ok(self, method, **params):
        status, answer = self.call(method, **params)
        if status != 200:
            raise AssertionError(f"{method} -> {status} {answer}")
        return answer["result"]

    def next_update(self):
        """Waits (long polling) for the next update and confirms it."""
        updates = self.ok("getUpdates", offset=self.offset, timeout=int(DEADLINE))
        if not updates:
            raise AssertionError("no update arrived")
        self.offset = updates[0]["update_id"] + 1
        return updates[0]


class SandboxPaymentsTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = Sandbox("--manual-clock")
        self.addCleanup(self.sandbox.close)
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        self.addCleanup(self.pool.shutdown)
        self.bot = ScriptedBot(self.sandbox)
        self.sandbox.message(USER, "/start")
        self.bot.next_update()

    def pay(self, **body):
        """Starts the user's payment; the control call answers once the outcome is known."""
        body.update(token=TOKEN, user_id=USER)
        return self.pool.submit(http, "POST", self.sandbox.url + "/control/payments/pay", body,
                                None, DEADLINE * 2)

    def outcome(self, future):
        status, answer = future.result(timeout=DEADLINE * 2)
        self.assertEqual(status, 200, answer)
        return answer["result"]

    def test_card_payment_with_shipping(self):
        invoice = self.bot.ok("sendInvoice", chat_id=USER, title="T-shirt",
                              description="Black, size M", payload="order-17",
                              provider_token="284685063:TEST:abc", currency="EUR",
                              prices=[{"label": "T-shirt", "amount": 1990}],
                              need_shipping_address=True, is_flexible=True, need_phone_number=True)
        self.assertEqual(invoice["invoice"]["total_amount"], 1990)
        paying = self.pay(message_id=invoice["message_id"], shipping_option_id="courier")

        shipping = self.bot.next_update()["shipping_query"]
        self.assertEqual(shipping["invoice_payload"], "order-17")
        self.bot.ok("answerShippingQuery", shipping_query_id=shipping["id"], ok=True,
                    shipping_options=[
                        {"id": "pickup", "title": "Pickup", "prices": [{"label": "Pickup",
                                                                        "amount": 0}]},
                        {"id": "courier", "title": "Courier",
                         "prices": [{"label": "Courier", "amount": 500}]}])
        query = self.bot.next_update()["pre_checkout_query"]
        self.assertEqual(query["total_amount"], 2490)
        self.assertEqual(query["shipping_option_id"], "courier")
        self.assertIn("phone_number", query["order_info"])
        self.bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True)

        result = self.outcome(paying)
        self.assertEqual(result["status"], "paid")
        self.assertEqual(result["currency"], "EUR")
        payment = self.bot.next_update()["message"]["successful_payment"]
        self.assertEqual(payment["telegram_payment_charge_id"],
                         result["telegram_payment_charge_id"])
        self.assertTrue(payment["provider_payment_charge_id"].startswith("prov-"))
        self.assertEqual(payment["total_amount"], 2490)

        listed = self.sandbox.control("GET", f"/control/payments?token={TOKEN}")
        self.assertEqual([c["total_amount"] for c in listed["charges"]], [2490])
        # The chat shows the invoice and the payment, as Telegram would.
        kinds = [("successful_payment" in m) for m in self.sandbox.chat(USER)]
        self.assertEqual(kinds.count(True), 1)

    def test_unanswered_pre_checkout_expires_after_ten_seconds(self):
        invoice = self.bot.ok("sendInvoice", chat_id=USER, title="Mug", description="White",
                              payload="order-18", provider_token="tok", currency="USD",
                              prices=[{"label": "Mug", "amount": 800}])
        paying = self.pay(message_id=invoice["message_id"])
        query = self.bot.next_update()["pre_checkout_query"]
        self.sandbox.control("POST", "/control/clock/advance", {"ms": 9000})
        self.assertFalse(paying.done())  # nine seconds: the bot may still answer
        self.sandbox.control("POST", "/control/clock/advance", {"ms": 1000})
        self.assertEqual(self.outcome(paying)["status"], "expired")
        status, answer = self.bot.call("answerPreCheckoutQuery",
                                       pre_checkout_query_id=query["id"], ok=True)
        self.assertEqual(status, 400, answer)

    def test_bot_declines_and_card_declined(self):
        invoice = self.bot.ok("sendInvoice", chat_id=USER, title="Mug", description="White",
                              payload="order-19", provider_token="tok", currency="USD",
                              prices=[{"label": "Mug", "amount": 800}])
        paying = self.pay(message_id=invoice["message_id"])
        query = self.bot.next_update()["pre_checkout_query"]
        self.bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=False,
                    error_message="Out of stock")
        result = self.outcome(paying)
        self.assertEqual((result["status"], result["error_message"]),
                         ("declined_by_bot", "Out of stock"))

        paying = self.pay(message_id=invoice["message_id"], decline=True)
        query = self.bot.next_update()["pre_checkout_query"]
        self.bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True)
        self.assertEqual(self.outcome(paying)["status"], "card_declined")
        self.assertEqual(self.bot.ok("getUpdates", offset=self.bot.offset), [])

    def test_stars_payment_refund_and_transactions(self):
        status, answer = self.bot.call("sendInvoice", chat_id=USER, title="E-book",
                                       description="PDF", payload="book-1", currency="XTR",
                                       prices=[{"label": "E-book", "amount": 25},
                                               {"label": "Tax", "amount": 1}])
        self.assertEqual((status, answer.get("description")),
                         (400, "Bad Request: STARS_INVOICE_INVALID"))
        invoice = self.bot.ok("sendInvoice", chat_id=USER, title="E-book", description="PDF",
                              payload="book-1", provider_token="", currency="XTR",
                              prices=[{"label": "E-book", "amount": 25}])
        paying = self.pay(message_id=invoice["message_id"])
        query = self.bot.next_update()["pre_checkout_query"]
        self.assertEqual((query["currency"], query["total_amount"]), ("XTR", 25))
        self.bot.ok("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True)
        charge = self.outcome(paying)["telegram_payment_charge_id"]
        payment = self.bot.next_update()["message"]["successful_payment"]
        self.assertEqual(payment["provider_payment_charge_id"], "")

        status, answer = self.bot.call("refundStarPayment", user_id=USER + 1,
                                       telegram_payment_charge_id=charge)
        self.assertEqual(status, 400, answer)  # not that user's charge
        self.assertTrue(self.bot.ok("refundStarPayment", user_id=USER,
                                    telegram_payment_charge_id=charge))
        refunded = self.bot.next_update()["message"]["refunded_payment"]
        self.assertEqual((refunded["total_amount"], refunded["telegram_payment_charge_id"]),
                         (25, charge))
        status, answer = self.bot.call("refundStarPayment", user_id=USER,
                                       telegram_payment_charge_id=charge)
        self.assertEqual((status, answer["description"]),
                         (400, "Bad Request: CHARGE_ALREADY_REFUNDED"))

        transactions = self.bot.ok("getStarTransactions")["transactions"]
        self.assertEqual([(t["id"], t["amount"], "source" in t) for t in transactions],
                         [(charge, 25, True), (charge, 25, False)])
        self.assertEqual(transactions[1]["receiver"]["user"]["id"], USER)
        self.assertEqual(len(self.bot.ok("getStarTransactions", offset=1, limit=1)["transactions"]),
                         1)


if __name__ == "__main__":
    unittest.main()
