"""pyTelegramBotAPI (telebot), the synchronous TeleBot with its default worker threads. It has no
rate limiter; the mailing runs in its own thread (so the two handler workers stay free for
replies), paced at the allowed rate, sleeping retry_after on a 429 and trying again."""
import threading
import time

import telebot
from telebot import apihelper

from peer_common import ADMIN_ID, API_ROOT, RATE, RECIPIENTS, TOKEN

apihelper.API_URL = API_ROOT + "/bot{0}/{1}"
bot = telebot.TeleBot(TOKEN)


def send_with_retry(chat_id: int) -> None:
    for _ in range(10):
        try:
            bot.send_message(chat_id, "news")
            return
        except apihelper.ApiTelegramException as e:
            if e.error_code != 429:
                raise
            time.sleep(e.result_json.get("parameters", {}).get("retry_after", 1))


def send_all() -> None:
    gap = 1.0 / RATE
    for chat_id in RECIPIENTS:
        started = time.monotonic()
        try:
            send_with_retry(chat_id)
        except Exception as e:  # noqa: BLE001 - a failed send must not stop the mailing
            print(f"send to {chat_id} failed: {e!r}", flush=True)
        left = gap - (time.monotonic() - started)
        if left > 0:
            time.sleep(left)


@bot.message_handler(commands=["start"])
def start(message) -> None:
    bot.send_message(message.chat.id, "hi")


@bot.message_handler(commands=["broadcast"])
def broadcast(message) -> None:
    if message.from_user.id == ADMIN_ID:
        threading.Thread(target=send_all, daemon=True).start()


if __name__ == "__main__":
    bot.infinity_polling(timeout=20, long_polling_timeout=20)
